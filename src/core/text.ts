// How counts, user-written values and long lists read in messages, wherever they are shown: thousands
// separators, "1 file" / "2 files", a value quoted and cut short, the first few items of a list and
// how many more. Pure; shared by the sites-file and input checks and every view of a plan or report.

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
 * A value as a message quotes it: JSON-quoted, cut to `max` characters (code points, so an emoji is
 * never split) with "…" when longer. Messages never paste a whole file or a whole input.
 */
export function quoteCut(value: string, max: number): string {
  const chars = [...value];
  return JSON.stringify(chars.length <= max ? value : chars.slice(0, max).join('') + '…');
}

/**
 * The first `shown` items joined by `separator`, then `more(n)` for the n items left out:
 * `i-0a, i-0b and 3 more`. The whole list when it is no longer than `shown`.
 */
export function listFirst(
  items: readonly string[],
  shown: number,
  separator: string,
  more: (left: number) => string,
): string {
  if (items.length <= shown) return items.join(separator);
  return `${items.slice(0, shown).join(separator)}${more(items.length - shown)}`;
}
