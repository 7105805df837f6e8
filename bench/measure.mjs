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
      pollsPerSecond: pollTimes.length / ((pollTimes.at(-1) - sends[i].at) / 1000),
      ...(sends[i + 1] && { addedMs: sends[i + 1].at - double.completedAt(id) }),
    };
  });
}
