// What the instances' CACHE_PURGE_RESULT lines mean to a person: sizes, one step's totals (the job
// summary, Slack) and one instance's result (the log). Counted deletions say what they removed; the
// FastCGI instant purge says what it detached and that its files are deleted and counted in the
// background, and what the last finished reclaim freed; a synchronous fallback says why; a result
// line that is no result says why not (a custom document's mistake). Pure.

import { isCounted, isDetached, type PurgeResult } from './purge-result.js';
import type { SsmStepReport } from './report.js';
import { formatCount, plural } from '../../shared/text.js';

/** `0 B`, `812 B`, `12.3 KiB`, `1.2 GiB` (binary units, as `du -h` counts). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const entries = (n: number) => plural(n, 'cache entry', 'cache entries');
const sum = (results: PurgeResult[], of: (r: PurgeResult) => number) =>
  results.reduce((total, r) => total + of(r), 0);
const unique = (values: Array<string | undefined>) => [
  ...new Set(values.filter((v): v is string => v !== undefined && v !== '')),
];

/** `the last reclaim freed 1,000 files (1.2 MiB)` (+ `, incomplete: see its log`), over the results that report one. */
function describePreviousReclaims(results: PurgeResult[]): string | undefined {
  const previous = results.flatMap((r) => (r.previousReclaim ? [r.previousReclaim] : []));
  if (previous.length === 0) return undefined;
  const freed = `${plural(
    sum(results, (r) => r.previousReclaim?.files ?? 0),
    'file',
  )} (${formatBytes(sum(results, (r) => r.previousReclaim?.bytes ?? 0))})`;
  const incomplete = previous.some((p) => !p.complete) ? ', incomplete: see its log' : '';
  return `the last reclaim freed ${freed}${incomplete}`;
}

/** `2 trash directories of earlier purges reclaimed too` or `a reclaim was still running`. */
function describeLeftovers(results: PurgeResult[]): string | undefined {
  const leftover = sum(results, (r) => r.leftoverTrash ?? 0);
  if (results.some((r) => r.reclaimRunning)) return 'an earlier reclaim was still running';
  if (leftover > 0)
    return `${plural(leftover, 'trash directory', 'trash directories')} of earlier purges reclaimed too`;
  return undefined;
}

/**
 * `1,234 files (12.3 MiB) removed · find-delete` (+ `· 2 of 3 instances reported a result`); a plugin's
 * CLI flush, which counts nothing: `flushed, no file counts · wp-cli`; the FastCGI instant purge:
 * `16 cache entries detached; files and bytes counted in the background (setsid) · rename-trash`.
 */
export function describePurgeTotals(step: SsmStepReport): string | undefined {
  const results = step.instances.map((i) => i.result).filter((r): r is PurgeResult => r !== undefined);
  const unread = unreadResults(step);
  if (results.length === 0) return unread;
  const detached = results.filter(isDetached);
  const counted = results.filter((r) => !isDetached(r) && isCounted(r));
  const flushed = results.length - detached.length - counted.length;
  const onSome = (n: number) =>
    n < results.length ? ` on ${formatCount(n)} of ${plural(results.length, 'instance')}` : '';
  const clauses: string[] = [];
  if (counted.length > 0)
    clauses.push(
      `${plural(
        sum(counted, (r) => r.files),
        'file',
      )} (${formatBytes(sum(counted, (r) => r.bytes))}) removed${onSome(counted.length)}`,
    );
  if (detached.length > 0) {
    const how = unique(detached.map((r) => r.reclaim));
    clauses.push(
      `${entries(sum(detached, (r) => r.detached ?? 0))} detached${onSome(detached.length)}; files and bytes counted in the background${how.length ? ` (${how.join(', ')})` : ''}`,
    );
  }
  if (flushed > 0)
    clauses.push(clauses.length === 0 ? 'flushed, no file counts' : 'flushed without counts on the rest');
  const fallbacks = results.filter((r) => r.fallback);
  if (fallbacks.length > 0)
    clauses.push(
      `deleted synchronously${onSome(fallbacks.length)}: ${unique(fallbacks.map((r) => r.fallback))[0]}`,
    );
  const previous = describePreviousReclaims(detached);
  if (previous) clauses.push(previous);
  const leftovers = describeLeftovers(detached);
  if (leftovers) clauses.push(leftovers);
  const parts = [clauses.join('; ')];
  const methods = unique(results.map((r) => r.method));
  if (methods.length > 0) parts.push(methods.join(', '));
  if (results.length < step.instances.length) {
    parts.push(
      `${formatCount(results.length)} of ${plural(step.instances.length, 'instance')} reported a result`,
    );
  }
  if (unread) parts.push(unread);
  return parts.join(' · ');
}

/** One instance's result line that is no result, as the log and the job summary say it. */
export const unreadResultLine = (problem: string) => `its CACHE_PURGE_RESULT line is no result: ${problem}`;

/** `the CACHE_PURGE_RESULT lines of 2 instances are no result: "files" is missing (…)` (the first problem), when a line was there but is no result. */
function unreadResults(step: SsmStepReport): string | undefined {
  const problems = step.instances.flatMap((i) => (i.resultProblem ? [i.resultProblem] : []));
  if (problems.length === 0) return undefined;
  const whose =
    problems.length === 1
      ? 'the CACHE_PURGE_RESULT line of 1 instance'
      : `the CACHE_PURGE_RESULT lines of ${formatCount(problems.length)} instances`;
  return `${whose} ${problems.length === 1 ? 'is' : 'are'} no result: ${problems[0]}`;
}

/**
 * One instance's result for the log line after `Success`: `3 files, 2.0 KiB removed (find-delete)`,
 * `flushed, no file counts (wp-cli)`, `16 cache entries detached; files and bytes counted in the
 * background (rename-trash, reclaim: setsid, log /var/cache/nginx/.cache-purge-trash-portal/reclaim.log)`.
 */
export function describeInstanceResult(r: PurgeResult): string {
  if (isDetached(r)) {
    const where = r.reclaimUnit ? `unit ${r.reclaimUnit}` : r.reclaimLog ? `log ${r.reclaimLog}` : undefined;
    const how = [r.method, r.reclaim && `reclaim: ${r.reclaim}`, where].filter(Boolean).join(', ');
    const more = [describePreviousReclaims([r]), describeLeftovers([r])].filter(Boolean);
    const notDetached = r.notDetached ? `, ${formatCount(r.notDetached)} not (still served)` : '';
    return `${entries(r.detached)} detached${notDetached}; files and bytes counted in the background (${how})${more.map((m) => `; ${m}`).join('')}`;
  }
  if (!isCounted(r)) return `flushed, no file counts (${r.method})`;
  const fallback = r.fallback ? `; deleted synchronously: ${r.fallback}` : '';
  return `${plural(r.files, 'file')}, ${formatBytes(r.bytes)} removed (${r.method}${fallback})`;
}
