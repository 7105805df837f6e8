// `npm run bench`: runs every benchmark and prints one table each. Targets are printed beside the
// figures; a missed target is marked, never hidden. Benchmarks are measurements, not tests.

import { coldStart } from './cold-start.mjs';
import { purgeDocuments } from './purge-documents.mjs';

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
  'purge-documents': () => {
    const result = purgeDocuments();
    printTable(
      `FastCGI cache purge, ${result.files.toLocaleString('en-US')} files (levels=1:2), same run, generated in ${result.generatedS.toFixed(0)} s`,
      ['script', 'files', 'wall s', 'succeeded', 'files counted', 'page cache'],
      result.rows,
    );
    console.log(
      `\npurge target ${result.met ? 'met' : 'MISSED'}: ${result.speedup.toFixed(2)}× faster than the original (target ≥ 2×, never failing)`,
    );
  },
};

for (const [name, bench] of Object.entries(benches)) {
  if (!only || only === name) await bench();
}
