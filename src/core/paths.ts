// CloudFront invalidation paths: validated against CloudFront's rules and normalised (leading "/",
// "*" only as the last character, de-duplicated, at most 3,000 per batch). Pure; shared by the
// sites-file schema and the `paths` input.

export const MAX_INVALIDATION_PATHS = 3000;
export const MAX_PATH_LENGTH = 4000;

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

export type PathsCheck =
  { ok: true; paths: string[] } | { ok: false; problems: { index: number; problem: string }[] };

/** Checks and normalises a whole list: every bad path is reported, duplicates are dropped in order. */
export function normaliseInvalidationPaths(raw: readonly string[]): PathsCheck {
  const problems: { index: number; problem: string }[] = [];
  const seen = new Set<string>();
  raw.forEach((value, index) => {
    const checked = checkInvalidationPath(value);
    if (!checked.ok) problems.push({ index, problem: checked.problem });
    else seen.add(checked.path);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (seen.size === 0)
    return { ok: false, problems: [{ index: 0, problem: 'no paths given; use at least one, e.g. /*' }] };
  if (seen.size > MAX_INVALIDATION_PATHS) {
    return {
      ok: false,
      problems: [
        {
          index: MAX_INVALIDATION_PATHS,
          problem: `${seen.size} paths; CloudFront takes at most ${MAX_INVALIDATION_PATHS} in progress per distribution — use a wildcard such as /blog/*`,
        },
      ],
    };
  }
  return { ok: true, paths: [...seen] };
}

/** Splits the `paths` input: one path per line or comma-separated. */
export function splitPathsInput(input: string): string[] {
  return input
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}
