// CloudFront invalidation paths: validated against CloudFront's rules and normalised (leading "/",
// "*" only as the last character, de-duplicated, at most 3,000 per batch). Pure; shared by the
// sites-file schema and the `paths` input.

import { formatCount, listFirst, quoteCut } from './text.js';

export const MAX_INVALIDATION_PATHS = 3000;
export const MAX_PATH_LENGTH = 4000;
/** What a CloudFront step invalidates when the sites file gives no `paths`: everything. */
export const DEFAULT_INVALIDATION_PATHS: readonly string[] = ['/*'];

export type PathCheck = { ok: true; path: string } | { ok: false; problem: string };

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
export interface PathProblem {
  index: number;
  value: string;
  problem: string;
}

/**
 * Either every path is fine (normalised, de-duplicated), or the problems: one per bad path, or — only
 * when every path is fine — one about the list as a whole (none given, too many).
 */
export type PathsCheck =
  | { ok: true; paths: string[] }
  | { ok: false; pathProblems: PathProblem[] }
  | { ok: false; listProblem: { kind: 'none' | 'too-many'; problem: string } };

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
  if (seen.size > MAX_INVALIDATION_PATHS) {
    return {
      ok: false,
      listProblem: {
        kind: 'too-many',
        problem: `has ${formatCount(seen.size)} distinct paths; CloudFront takes at most ${formatCount(MAX_INVALIDATION_PATHS)} per invalidation (and in progress per distribution) — use a wildcard such as /blog/* to cover many paths at once`,
      },
    };
  }
  return { ok: true, paths: [...seen] };
}

/** A path as shown in a message: quoted, and cut to `max` characters ("…") when longer. */
export function quotePath(value: string, max = 80): string {
  return quoteCut(value, max);
}

/** The first `shown` paths, then "… and N more": for log lines and tables that must stay short. */
export function listPaths(paths: readonly string[], shown = 5): string {
  return listFirst(paths, shown, ' ', (left) => ` … and ${formatCount(left)} more`);
}

/** Splits the `paths` input: one path per line or comma-separated. */
export function splitPathsInput(input: string): string[] {
  return input
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
