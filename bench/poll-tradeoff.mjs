// P1 trade-off: what each poll schedule costs and gives. The action's own SSM step runner
// (src/action/run/ssm-step.ts, real SDK client) waits for the same commands on the local AWS double under
// several poll schedules, and each is measured the same way: added latency (from the command's
// completion on the double to the next SendCommand) against polls per second. The workload is
// declared up front — seeded pseudo-random run times, log-uniform between 0.3 and 5 s — so no schedule
// is fitted to it.

import './ts-source.mjs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { startAwsDouble } from '../__tests__/helpers/aws-double.ts';
import { commandWaits, median, peakPollsPerSecond, quantile, worstLongCommandRate } from './measure.mjs';

const { runSsmStep } = await import('../src/action/run/ssm-step.ts');
const { DEFAULT_POLL_POLICY, nextPollDelayMs } = await import('../src/action/run/ssm-step-decisions.ts');
const { systemClock } = await import('../src/action/clock.ts');

const INSTANCE = 'i-0123456789abcdef0';
/** The double's delivery time before each command starts running. */
const DELIVERY_MS = 20;

/** mulberry32: a small seeded generator, so every bench run waits for the same commands. */
function seeded(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function workload(count = 40, minMs = 300, maxMs = 5000, seed = 20261122) {
  const random = seeded(seed);
  return Array.from({ length: count }, () =>
    Math.round(Math.exp(Math.log(minMs) + random() * (Math.log(maxMs) - Math.log(minMs)))),
  );
}

export const SCHEDULES = [
  {
    name: 'action default: 250 ms ×1.3 to 2 s, ≤ 3 + 1/s',
    policy: DEFAULT_POLL_POLICY,
  },
  {
    name: 'previous default: 250 ms ×1.5 to 2 s, ≤ 2 + 1/s',
    policy: { initialDelayMs: 250, growth: 1.5, maxDelayMs: 2000, burst: 2, pollsPerSecond: 1 },
  },
  {
    name: 'every 1 s (never more than 1 poll/s)',
    policy: { initialDelayMs: 1000, growth: 1, maxDelayMs: 1000, burst: 1, pollsPerSecond: 1 },
  },
  {
    name: 'every 500 ms',
    policy: { initialDelayMs: 500, growth: 1, maxDelayMs: 500, burst: 1, pollsPerSecond: 2 },
  },
  {
    name: 'every 250 ms',
    policy: { initialDelayMs: 250, growth: 1, maxDelayMs: 250, burst: 1, pollsPerSecond: 4 },
  },
];

async function waitUnder(double, schedule, runTimes, key) {
  const ssm = new SSMClient({
    region: 'us-east-1',
    endpoint: double.url,
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
  });
  const context = { site: 'bench', requester: 'bench', trigger: 'manual', runId: key, runAttempt: '1' };
  const commandIds = [];
  try {
    for (let i = 0; i < runTimes.length; i++) {
      const step = {
        index: i + 1,
        kind: 'ssm',
        name: `step ${i + 1}`,
        region: 'us-east-1',
        document: `Tradeoff-${key}-${i}`,
        parameters: {},
        targets: { instanceIds: [INSTANCE] },
        deliveryTimeoutSeconds: 60,
        maxConcurrency: '50',
        maxErrors: '0',
      };
      const report = await runSsmStep(step, context, {
        ssm,
        clock: systemClock,
        signal: new AbortController().signal,
        log: () => {},
        stepTimeoutMs: 60_000,
        pollPolicy: schedule.policy,
      });
      if (report.status !== 'success') throw new Error(`${schedule.name}: step ${i + 1} ${report.status}`);
      commandIds.push(report.commandId);
    }
  } finally {
    ssm.destroy();
  }
  const sends = double
    .callsOf('SendCommand')
    .filter((c) => c.input.DocumentName.startsWith(`Tradeoff-${key}-`));
  const waits = commandWaits(double, commandIds, sends);
  const latencies = waits.filter((w) => w.addedMs !== undefined).map((w) => w.addedMs);
  const rates = waits.map((w) => w.pollsPerSecond);
  const peaks = waits.map((w) => peakPollsPerSecond(w.pollTimes));
  const polls = waits.reduce((sum, w) => sum + w.pollTimes.length, 0);
  return { latencies, rates, peaks, polls };
}

/** Poll times (ms after SendCommand) the schedule gives, from the action's own nextPollDelayMs. */
export function pollTimes(policy, horizonMs = 120_000) {
  const times = [];
  for (let t = 0, polls = 0; t < horizonMs; polls++) {
    t += nextPollDelayMs(polls, t, policy);
    times.push(t);
  }
  return times;
}

/**
 * The same schedule computed, not measured, over many run times from the same distribution: the wait
 * from each command's end to the first poll at or after it (no network time), polls per command, and
 * polls ÷ time from SendCommand to that poll.
 */
export function modeled(policy, runTimes) {
  const times = pollTimes(policy);
  const waits = [];
  const polls = [];
  const rates = [];
  for (const runMs of runTimes) {
    const i = times.findIndex((t) => t >= runMs);
    waits.push(times[i] - runMs);
    polls.push(i + 1);
    rates.push((i + 1) / (times[i] / 1000));
  }
  return {
    medianMs: median(waits),
    p90Ms: quantile(waits, 0.9),
    pollsPerCommand: polls.reduce((a, b) => a + b, 0) / polls.length,
    medianRate: median(rates),
    share1PerSecond: rates.filter((r) => r <= 1).length / rates.length,
  };
}

/** Runs every schedule at once (each waits for its own commands on one double) over the same run times. */
const MODELED_SAMPLES = 100_000;

export async function pollTradeoff(runTimes = workload()) {
  const modeledRunTimes = workload(MODELED_SAMPLES).map((t) => t + DELIVERY_MS);
  const documents = {};
  SCHEDULES.forEach((_, s) =>
    runTimes.forEach((runMs, i) => {
      documents[`Tradeoff-${s}-${i}`] = { default: { runMs, deliveryMs: DELIVERY_MS } };
    }),
  );
  const double = await startAwsDouble({ documents });
  try {
    const results = await Promise.all(
      SCHEDULES.map((schedule, s) => waitUnder(double, schedule, runTimes, String(s))),
    );
    return {
      runTimes,
      modeledSamples: MODELED_SAMPLES,
      rows: SCHEDULES.map((schedule, s) => {
        const r = results[s];
        return {
          modeled: modeled(schedule.policy, modeledRunTimes),
          modeledSame: modeled(
            schedule.policy,
            runTimes.map((t) => t + DELIVERY_MS),
          ),
          name: schedule.name,
          medianMs: median(r.latencies),
          p90Ms: quantile(r.latencies, 0.9),
          medianRate: median(r.rates),
          maxRate: Math.max(...r.rates),
          peak: Math.max(...r.peaks),
          polls: r.polls,
          pollsPerCommand: r.polls / runTimes.length,
          every1PerSecond: r.rates.every((rate) => rate <= 1),
          longRate: worstLongCommandRate(pollTimes(schedule.policy)),
        };
      }),
    };
  } finally {
    await double.close();
  }
}
