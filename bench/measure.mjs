// What the benchmarks share: median and quantile, and the P1 figures of SSM commands waited for on the
// local AWS double, read from the calls the double recorded.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** The calls that wait for a command: our ListCommands polls and the SDK waiter's GetCommandInvocation. */
const POLL_OPERATIONS = new Set(['ListCommands', 'GetCommandInvocation']);

/**
 * For each command, in the order sent (`sends[i]` is the SendCommand of `commandIds[i]`): the times of
 * the polls naming it, polls per second (polls ÷ time from its SendCommand to its last poll), and the
 * added latency — from its completion on the double to the next SendCommand (none after the last).
 */
export function commandWaits(double, commandIds, sends) {
  return commandIds.map((id, i) => {
    const pollTimes = double.calls
      .filter((c) => POLL_OPERATIONS.has(c.operation) && c.input.CommandId === id)
      .map((c) => c.at);
    return {
      pollTimes,
      sendAt: sends[i].at,
      pollsPerSecond: pollTimes.length / ((pollTimes.at(-1) - sends[i].at) / 1000),
      ...(sends[i + 1] && { addedMs: sends[i + 1].at - double.completedAt(id) }),
    };
  });
}

/** Most polls of one command inside any 1-second window (P1: at most 4). */
export function peakPollsPerSecond(times) {
  let peak = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j] - times[i] < 1000) j++;
    peak = Math.max(peak, j - i);
  }
  return peak;
}

/**
 * Worst polls/s averaged over a command that runs 10 s or longer (P1: at most 1), from a schedule's poll
 * times (ms after SendCommand): such a command is polled until the first poll at or after its end.
 */
export function worstLongCommandRate(times) {
  let worst = 0;
  times.forEach((at, i) => {
    if (at >= 10_000) worst = Math.max(worst, (i + 1) / (at / 1000));
  });
  return worst;
}

/** The P1 target, decided. */
export const P1_TARGET = '≤ 350 ms median, ≤ 4 polls in any 1 s, ≤ 1 poll/s over commands ≥ 10 s';
export const meetsP1 = ({ medianMs, peak, longRate }) => medianMs <= 350 && peak <= 4 && longRate <= 1;
