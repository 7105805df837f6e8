// `npm run bench`: runs every benchmark and prints one table each. Targets are printed beside the
// figures; a missed target is marked, never hidden. Benchmarks are measurements, not tests.

import { coldStart } from './cold-start.mjs';
import { relayBench } from './relay.mjs';

export function printTable(title, header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

const only = process.argv[2];
const benches = {
  'cold-start': () => {
    const result = coldStart();
    printTable(
      `Cold start (median of ${result.runs} runs, Node ${process.version})`,
      ['command', 'wall ms', 'vs bare', 'peak MiB', 'target'],
      result.rows,
    );
    const met = result.ratio <= 3.5 && result.peakMiB <= 74;
    console.log(
      `\ncold start target ${met ? 'met' : 'MISSED'}: ${result.ratio.toFixed(2)}× bare, ${result.peakMiB.toFixed(1)} MiB peak`,
    );
  },
  relay: async () => {
    const result = await relayBench();
    printTable(
      `Relay ack latency (node dist/relay/server.js on loopback, GitHub API double, Node ${process.version})`,
      [
        'GitHub double',
        'requests',
        'connections',
        'p50 ms',
        'p99 ms',
        'max ms',
        'req/s',
        'relay CPU ms/req',
        'target',
        'result',
      ],
      result.rows,
    );
    console.log(
      `\nrelay target ${result.met ? 'met' : 'MISSED'} (${result.cpus} CPUs shared by the client, the double and the relay; 1-min load average at start ${result.loadAverage.toFixed(2)})`,
    );
  },
};

for (const [name, bench] of Object.entries(benches)) {
  if (!only || only === name) await bench();
}
