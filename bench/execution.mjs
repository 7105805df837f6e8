// Execution benchmarks against the local AWS double (no AWS account), running the bundled action
// (dist/index.js) the way the runner does, with OIDC credentials from the double.
//   P1: added latency per SSM step — from the command's completion on the double to the next step's
//       SendCommand — and polls per second per command; side by side, in the same run, the SDK's own
//       waitUntilCommandExecuted doing the same waits between the same SendCommands.
//   P2: API calls to complete one step over 1, 10, 100 and 1,000 tagged instances, against the bound
//       2 + ⌈N/50⌉ + polls.

import { rmSync } from 'node:fs';
import { SSMClient, SendCommandCommand, waitUntilCommandExecuted } from '@aws-sdk/client-ssm';
import { startAwsDouble, fakeInstanceIds } from '../__tests__/helpers/aws-double.ts';
import { runAction } from '../__tests__/helpers/run-action.ts';
import { commandWaits, peakPollsPerSecond } from './measure.mjs';

const INSTANCE = 'i-0123456789abcdef0';
/** Run times of the benchmark's SSM steps on the double (ms): short purges to a few seconds. */
export const RUN_TIMES_MS = [300, 600, 1000, 1500, 2000, 3000, 800, 1200, 2500];

/** Runs dist/index.js as the runner does (run-action.ts), against the double; throws unless it exits 0. */
async function runBundledAction(double, sitesYaml, site) {
  const run = await runAction({
    inputs: { site, 'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge' },
    files: { '.github/cache-purge.yml': sitesYaml },
    env: { GITHUB_RUN_ID: String(Date.now()), GITHUB_RUN_ATTEMPT: '1', ...double.env() },
    timeoutMs: 300_000,
  });
  rmSync(run.workspace, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`action exited ${run.code ?? run.signal}:\n${run.stdout}${run.stderr}`);
}

/** A sites file with one site whose steps are SSM steps, each given as its `ssm:` mapping's body. */
function sitesFile(site, targets, steps) {
  return [
    'region: us-east-1',
    'sites:',
    `  ${site}:`,
    `    targets: ${targets}`,
    '    steps:',
    ...steps.map((step) => `      - ssm: { ${step} }`),
    '',
  ].join('\n');
}

/** Added latency per step (all but the last), polls per second and polls, per command. */
function stepLatencies(double) {
  const waits = commandWaits(double, [...double.commands.keys()], double.callsOf('SendCommand'));
  return {
    latencies: waits.filter((w) => w.addedMs !== undefined).map((w) => w.addedMs),
    pollRates: waits.map((w) => w.pollsPerSecond),
    pollCounts: waits.map((w) => w.pollTimes.length),
    peaks: waits.map((w) => peakPollsPerSecond(w.pollTimes)),
    // polls/s of the commands waited on for 10 s or longer (none in this bench's 0.3–3 s steps)
    longRates: waits.filter((w) => w.pollTimes.at(-1) - w.sendAt >= 10_000).map((w) => w.pollsPerSecond),
  };
}

export async function p1() {
  const documents = RUN_TIMES_MS.map((_, i) => `Bench-Step${i + 1}`);
  const script = {
    documents: Object.fromEntries(
      documents.map((d, i) => [d, { default: { runMs: RUN_TIMES_MS[i], deliveryMs: 20 } }]),
    ),
  };

  // Ours: the bundled action, every step in one run.
  const double = await startAwsDouble(script);
  let ours;
  try {
    await runBundledAction(
      double,
      sitesFile(
        'bench',
        `{ instance-ids: [${INSTANCE}] }`,
        documents.map((d) => `document: ${d}`),
      ),
      'bench',
    );
    ours = stepLatencies(double);
  } finally {
    await double.close();
  }

  // The SDK waiter: the same SendCommands, each followed by waitUntilCommandExecuted.
  const sdkDouble = await startAwsDouble(script);
  let sdk;
  const savedEndpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = sdkDouble.url;
  const client = new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
  });
  try {
    for (const document of documents) {
      const sent = await client.send(
        new SendCommandCommand({ DocumentName: document, InstanceIds: [INSTANCE], TimeoutSeconds: 300 }),
      );
      await waitUntilCommandExecuted(
        { client, maxWaitTime: 600 },
        { CommandId: sent.Command.CommandId, InstanceId: INSTANCE },
      );
    }
    sdk = stepLatencies(sdkDouble);
  } finally {
    client.destroy();
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = savedEndpoint;
    await sdkDouble.close();
  }
  return { ours, sdk, steps: documents.length };
}

export async function p2(sizes = [1, 10, 100, 1000]) {
  const rows = [];
  for (const n of sizes) {
    const double = await startAwsDouble({
      tags: { 'Site=fleet': fakeInstanceIds(n) },
      defaultScript: { runMs: 100, deliveryMs: 20 },
    });
    try {
      await runBundledAction(
        double,
        sitesFile('fleet', '{ tags: { Site: fleet } }', [
          // CachePath is required: the action checks the bundled document's parameters before any AWS call.
          'document: CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/fleet }',
        ]),
        'fleet',
      );
      const ssmCalls = double.calls.filter((c) => c.service === 'ssm');
      const count = (op) => ssmCalls.filter((c) => c.operation === op).length;
      const polls = count('ListCommands');
      const bound = 2 + Math.ceil(n / 50) + polls;
      const command = [...double.commands.values()][0];
      const invocationsRead = command.invocations.length;
      rows.push({
        n,
        sends: count('SendCommand'),
        polls,
        pages: count('ListCommandInvocations'),
        other: ssmCalls.length - count('SendCommand') - polls - count('ListCommandInvocations'),
        total: ssmCalls.length,
        bound,
        met: ssmCalls.length <= bound && invocationsRead === n,
        waitS: ((double.calls.at(-1).at - double.callsOf('SendCommand')[0].at) / 1000).toFixed(1),
      });
    } finally {
      await double.close();
    }
  }
  return rows;
}
