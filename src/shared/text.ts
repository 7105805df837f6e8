// How counts, durations, user-written values and long lists read in messages, wherever they are shown
// (log, job summary, annotations, Slack, error messages): thousands separators, "1 file" / "2 files"
// (never "file(s)"), "420 ms" / "4.1 s" / "2 min 05 s", a value quoted and cut short, the first few
// items of a list and "… and N more". Pure; shared by the sites-file and input checks and every view
// of a plan or report. Machine-readable fields (the `report` output's numbers) are not formatted here.

/** `1,234,567` */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 file`, `1,234 files`. */
export const plural = (n: number, one: string, many = `${one}s`) =>
  `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * A duration as people read it: `420 ms`, `4.1 s`, `30 s`, `2 min 05 s`, `10 min`, `1 h 02 min`,
 * `2 h`; `–` when unknown. Tenths below a minute (a trailing `.0` dropped), then whole seconds, then
 * whole minutes. The one format for every duration a person reads, measured or configured.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return withRest(Math.floor(totalSeconds / 60), 'min', totalSeconds % 60, 's');
  const minutes = Math.round(totalSeconds / 60);
  return withRest(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}

/** `2 min 05 s`, or `2 min` when there is nothing left over. */
const withRest = (whole: number, unit: string, rest: number, restUnit: string) =>
  rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${String(rest).padStart(2, '0')} ${restUnit}`;

/**
 * A value as a message quotes it: JSON-quoted, cut to `max` characters (code points, so an emoji is
 * never split) with "…" when longer. Messages never paste a whole file or a whole input.
 */
export function quoteCut(value: string, max: number): string {
  const chars = [...value];
  return JSON.stringify(chars.length <= max ? value : chars.slice(0, max).join('') + '…');
}

/**
 * What stands for the items a list leaves out: `… and 3 more`, `… and 1 more failed instance`,
 * `… and 1,204 more failed instances`. The one wording for every list cut short.
 */
export function andMore(
  left: number,
  one?: string,
  many = one === undefined ? undefined : `${one}s`,
): string {
  const what = one === undefined ? '' : ` ${left === 1 ? one : many}`;
  return `… and ${formatCount(left)} more${what}`;
}

/**
 * The first `shown` items joined by `separator`, then ` … and n more` (andMore) for the n items left
 * out: `i-0a, i-0b … and 3 more`. The whole list when it is no longer than `shown`.
 */
export function listFirst(items: readonly string[], shown: number, separator: string): string {
  if (items.length <= shown) return items.join(separator);
  return `${items.slice(0, shown).join(separator)} ${andMore(items.length - shown)}`;
}
