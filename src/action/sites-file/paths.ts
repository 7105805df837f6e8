// CloudFront invalidation paths: validated against CloudFront's rules and normalised (leading "/",
// "*" only as the last character, de-duplicated) and counted against CloudFront's two independent
// in-progress limits per distribution: 3,000 file paths, and 15 wildcard paths (a path ending in "*"
// counts toward the 15, not the 3,000). Pure; shared by the sites-file schema and the `paths` input.

import { formatCount, listFirst, plural, quoteCut } from '../../shared/text.js';

/** File paths (no "*") CloudFront allows in progress per distribution; wildcard paths do not count. */
const MAX_INVALIDATION_PATHS = 3000;
/** Wildcard paths (ending in "*") CloudFront allows in progress per distribution, counted apart. */
export const MAX_WILDCARD_PATHS = 15;
const MAX_PATH_LENGTH = 4000;
/** What a CloudFront step invalidates when the sites file gives no `paths`: everything. */
export const DEFAULT_INVALIDATION_PATHS: readonly string[] = ['/*'];

type PathCheck = { ok: true; path: string } | { ok: false; problem: string };

/** Checks one path; a missing leading "/" is added rather than refused. */
export function checkInvalidationPath(raw: string): PathCheck {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: false, problem: 'is empty; use a path such as /* or /blog/*' };
  const path = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  if (path.length > MAX_PATH_LENGTH) {
    return {
      ok: false,
      problem: `is ${path.length} characters long; CloudFront allows at most ${MAX_PATH_LENGTH}`,
    };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(path)) {
    return {
      ok: false,
      problem: 'contains a space or control character; URL-encode it (a space is %20)',
    };
  }
  const star = path.indexOf('*');
  if (star !== -1 && star !== path.length - 1) {
    return { ok: false, problem: 'has "*" before its end; CloudFront allows "*" only as the last character' };
  }
  return { ok: true, path };
}

/** A problem with one path of the list: its position, what was written, what is wrong. */
interface PathProblem {
  index: number;
  value: string;
  problem: string;
}

/**
 * Either every path is fine (normalised, de-duplicated), or the problems: one per bad path, or — only
 * when every path is fine — one about the list as a whole (none given, too many).
 */
type PathsCheck =
  | { ok: true; paths: string[] }
  | { ok: false; pathProblems: PathProblem[] }
  | { ok: false; listProblem: { kind: 'none' | 'too-many' | 'too-many-wildcards'; problem: string } };

/** A path CloudFront counts against the 15-wildcard limit rather than the 3,000-file one. */
export const isWildcardPath = (path: string) => path.endsWith('*');

/** Checks and normalises a whole list: every bad path is reported, duplicates are dropped in order. */
export function normaliseInvalidationPaths(raw: readonly string[]): PathsCheck {
  const pathProblems: PathProblem[] = [];
  const seen = new Set<string>();
  raw.forEach((value, index) => {
    const checked = checkInvalidationPath(value);
    if (!checked.ok) pathProblems.push({ index, value, problem: checked.problem });
    else seen.add(checked.path);
  });
  if (pathProblems.length > 0) return { ok: false, pathProblems };
  if (seen.size === 0) {
    return { ok: false, listProblem: { kind: 'none', problem: 'has no paths; give at least one, e.g. /*' } };
  }
  // CloudFront counts the two kinds apart ("the maximum on wildcard invalidation requests allowed is
  // independent of the maximum on invalidating files individually", developer guide, "Concurrent
  // invalidation request maximum"): 3,000 files and 15 wildcards can go in one batch.
  const paths = [...seen];
  const wildcards = paths.filter(isWildcardPath);
  const files = paths.length - wildcards.length;
  const tooManyFiles = files > MAX_INVALIDATION_PATHS;
  const tooManyWildcards = wildcards.length > MAX_WILDCARD_PATHS;
  if (!tooManyFiles && !tooManyWildcards) return { ok: true, paths };
  const problems: string[] = [];
  if (tooManyFiles) {
    problems.push(
      `has ${plural(files, 'distinct file path')} (without "*"); CloudFront allows at most ${formatCount(MAX_INVALIDATION_PATHS)} in progress per distribution — use a wildcard such as /blog/* to cover many paths at once`,
    );
  }
  if (tooManyWildcards) {
    problems.push(
      `has ${plural(wildcards.length, 'wildcard path')} (${quoteFirst(wildcards, 3)}); CloudFront allows at most ${MAX_WILDCARD_PATHS} in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — ${mergeAdvice(wildcards)}, or list the files themselves (up to ${formatCount(MAX_INVALIDATION_PATHS)})`,
    );
  }
  return {
    ok: false,
    listProblem: {
      kind: tooManyFiles ? 'too-many' : 'too-many-wildcards',
      problem: problems.join('; it also '),
    },
  };
}

/** A path as shown in a message: quoted, and cut to `max` characters ("…") when longer. */
export function quotePath(value: string, max = 80): string {
  return quoteCut(value, max);
}

/** The first `shown` paths, then "… and N more": for log lines and tables that must stay short. */
export function listPaths(paths: readonly string[], shown = 5): string {
  return listFirst(paths, shown, ' ');
}

/** Splits the `paths` input: one path per line or comma-separated. */
export function splitPathsInput(input: string): string[] {
  return input
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * How to bring too many wildcard paths under the limit: the same wildcards merged by their first
 * directory ("/blog/2024/*" and "/blog/2025/*" under "/blog/*") when that is enough, else "/*".
 */
function mergeAdvice(wildcards: readonly string[]): string {
  if (wildcards.includes('/*')) return 'keep only /*, which already covers every other path';
  const merged = [
    ...new Set(
      wildcards.map((path) => {
        const second = path.indexOf('/', 1);
        return second === -1 ? path : `${path.slice(0, second)}/*`;
      }),
    ),
  ];
  if (merged.length <= MAX_WILDCARD_PATHS) {
    return `merge them under shorter wildcards (they fit in ${plural(merged.length, 'wildcard')}: ${quoteFirst(merged, 5)})`;
  }
  return 'merge them under a shorter wildcard such as /* (everything, still one path)';
}

/** The first `shown` paths quoted and cut short, then "… and N more": for messages that must stay short. */
function quoteFirst(paths: readonly string[], shown: number): string {
  return listFirst(
    paths.map((p) => quotePath(p, 60)),
    shown,
    ', ',
  );
}
