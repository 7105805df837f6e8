// Relay acknowledgement latency: the committed `node dist/relay/server.js` on loopback, real Octokit,
// against the GitHub API double. (1) 50 keep-alive connections sending signed /clear-cache commands
// while the double answers at once: p50/p99 of the whole round trip (target p99 ≤ 50 ms). (2) The
// double never answering: every answer must still leave within 2.5 s. Request counts are bounded.

import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { startGitHubDouble } from '../__tests__/helpers/github-double.ts';
import { startRelay } from '../__tests__/helpers/relay-server.ts';
import { commandBody, slackHeaders } from '../__tests__/helpers/slack.ts';

function post(url, agent, body, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      `${url}/slack/commands`,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode, text, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds the process has used (Linux /proc; undefined elsewhere). Clock ticks are 1/100 s. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** `total` signed commands over `concurrency` keep-alive connections; each result is checked. */
async function load(url, total, concurrency, expectText, pid) {
  const cpuBefore = cpuSeconds(pid);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const sites = ['portal', 'main'];
  const signed = Array.from({ length: total }, (_, i) => {
    const body = commandBody({ text: sites[i % 2], user_id: `U${String(i).padStart(6, '0')}` });
    return { body, headers: slackHeaders(body) };
  });
  const latencies = [];
  let next = 0;
  const wallStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const { body, headers } = signed[next++];
        const result = await post(url, agent, body, headers);
        if (result.status !== 200 || !result.text.includes(expectText)) {
          throw new Error(`unexpected answer ${result.status}: ${result.text}`);
        }
        latencies.push(result.ms);
      }
    }),
  );
  const wallMs = performance.now() - wallStart;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  const cpuAfter = cpuSeconds(pid);
  const cpuPerRequest =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) * 1000) / total;
  return {
    total,
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1),
    perSecond: (total / wallMs) * 1000,
    cpuPerRequest,
  };
}

export async function relayBench({
  requests = 5000,
  warmup = 500,
  concurrency = 50,
  serial = 1000,
  hanging = 100,
} = {}) {
  const double = await startGitHubDouble();
  const relay = await startRelay({ ...double.env('token'), SITES: 'portal,main' });
  const loadAverage = loadavg()[0];
  try {
    await load(relay.url, warmup, concurrency, 'requested by', relay.child.pid);
    const one = await load(relay.url, serial, 1, 'requested by', relay.child.pid);
    const fast = await load(relay.url, requests, concurrency, 'requested by', relay.child.pid);
    double.always('dispatch', { hang: true });
    const hung = await load(relay.url, hanging, concurrency, 'status unknown', relay.child.pid);
    const fastMet = fast.p99 <= 50;
    const hungMet = hung.max <= 2500;
    const f = (ms) => ms.toFixed(1);
    const row = (what, result, connections, target, met) => [
      what,
      result.total,
      connections,
      f(result.p50),
      f(result.p99),
      f(result.max),
      result.perSecond.toFixed(0),
      result.cpuPerRequest === undefined ? 'n/a' : result.cpuPerRequest.toFixed(2),
      target,
      met,
    ];
    return {
      rows: [
        row('answers at once', one, 1, '(baseline)', ''),
        row('answers at once', fast, concurrency, 'p99 ≤ 50 ms', fastMet ? 'met' : 'MISSED'),
        row('never answers', hung, concurrency, 'every answer ≤ 2500 ms', hungMet ? 'met' : 'MISSED'),
      ],
      met: fastMet && hungMet,
      loadAverage,
      cpus: availableParallelism(),
    };
  } finally {
    await relay.stop();
    await double.close();
  }
}
