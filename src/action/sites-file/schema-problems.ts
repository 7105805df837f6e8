// From zod's issues to the problems a user reads: one per unknown key with its "did you mean", no
// separate report of the key a typo obviously meant, a hint when a site's key sits at site-name level,
// each at its path and line; and the schema's error listing them in the order of the file. Pure.

import { z } from 'zod';
import { fileLocation, UserError } from '../../shared/errors.js';
import { andMore } from '../../shared/text.js';
import {
  formatPathAt,
  isMapping,
  isPrefix,
  samePath,
  valueAt,
  type Located,
  type PathKey,
  type SitesFileLocator,
} from './locations.js';
import { KEYS, unknownKey } from './schema-messages.js';

/** One problem the schema found: where (path, line) and what. */
export interface SchemaProblem {
  path: PathKey[];
  message: string;
  at: Located | undefined;
}

/**
 * Keys of a site written directly under `sites:` (wrong indentation) are read as site names: a
 * `steps:` list there fails as "a site that is not a mapping". Maps each such key to the site above it.
 */
function misplacedSiteKeys(data: unknown): Map<string, string | undefined> {
  const misplaced = new Map<string, string | undefined>();
  const sites = isMapping(data) ? data.sites : undefined;
  if (!isMapping(sites)) return misplaced;
  let previous: string | undefined;
  for (const [name, value] of Object.entries(sites)) {
    const looksMisplaced =
      KEYS.site!.includes(name) &&
      (!isMapping(value) || (name === 'targets' && ('instance-ids' in value || 'tags' in value)));
    if (looksMisplaced) misplaced.set(name, previous);
    else previous = name;
  }
  return misplaced;
}

export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  locate: SitesFileLocator,
): SchemaProblem[] {
  // Unknown keys first: their suggestions decide which other issues are the same mistake.
  const unknown = new Map<z.core.$ZodIssue, SchemaProblem[]>();
  const suggested: { path: readonly PathKey[]; key: string }[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    unknown.set(
      issue,
      issue.keys.map((key) => {
        const { message, suggestion } = unknownKey(issue.path, key, data);
        if (suggestion) suggested.push({ path: issue.path, key: suggestion });
        return { path: [...issue.path, key], message, at: locate(issue.path, key) };
      }),
    );
  }
  const explainedByTypo = (issue: z.core.$ZodIssue): boolean => {
    if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) {
      return suggested.some((s) => samePath([...s.path, s.key], issue.path));
    }
    const missingKeys =
      issue.code === 'custom' ? (issue.params?.missingKeys as string[] | undefined) : undefined;
    return (
      missingKeys !== undefined &&
      suggested.some((s) => missingKeys.includes(s.key) && isPrefix(s.path, issue.path))
    );
  };

  const misplaced = misplacedSiteKeys(data);
  const hinted = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const issue of issues) {
    const fromUnknown = unknown.get(issue);
    if (fromUnknown) {
      problems.push(...fromUnknown);
      continue;
    }
    if (explainedByTypo(issue)) continue;
    let message = issue.message;
    let at: Located | undefined;
    if (issue.code === 'invalid_key') {
      // a bad mapping key (site name, tag key, parameter name): its own check says what is allowed
      message = issue.issues[0]?.message ?? message;
      at = locate(issue.path.slice(0, -1), String(issue.path.at(-1)));
    } else {
      at = locate(issue.path);
    }
    const [top, site, key] = issue.path;
    if (top === 'sites' && typeof site === 'string') {
      if (misplaced.has(site) && !hinted.has(site)) {
        hinted.add(site);
        const above = misplaced.get(site);
        message += ` — "${site}" sits directly under "sites:", so it is read as a site name; indent it under its site${above ? ` (probably "${above}", the site above it)` : ''}`;
      } else if (
        issue.path.length === 3 &&
        typeof key === 'string' &&
        misplaced.has(key) &&
        issue.code === 'invalid_type' &&
        valueAt(data, issue.path) === undefined
      ) {
        const line = locate(['sites'], key)?.line;
        message += ` — the "${key}:" key${line ? ` on line ${line}` : ''} is read as a site name: indent it under "${site}" if it belongs here`;
      }
    }
    // a single value read as a one-item list (tag values, parameters) has no "[0]" in the file
    const wrapped =
      typeof issue.path.at(-1) === 'number' && !Array.isArray(valueAt(data, issue.path.slice(0, -1)));
    problems.push({ path: wrapped ? issue.path.slice(0, -1) : [...issue.path], message, at });
  }
  return problems;
}

const MAX_REPORTED_PROBLEMS = 20;

export /** Problems in the order of their lines in the file; equal lines (and unknown ones, last) keep theirs. */
function byLine(problems: readonly SchemaProblem[]): SchemaProblem[] {
  return [...problems].sort((a, b) => (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity));
}

/**
 * The schema's error: `<file> has N problems:` and one line per problem (the first
 * MAX_REPORTED_PROBLEMS, the rest counted), at the first. Its list lets planSites put the
 * problems of the plan-time checks under the same header (combineUserErrors).
 */
export function schemaError(file: string, problems: readonly SchemaProblem[]): UserError {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const more = problems.length - shown.length;
  const first = shown[0]?.at;
  const items = shown.map((p) => ({
    text: `${formatPathAt(p.path, p.at)}: ${p.message}`,
    ...(p.at && { line: p.at.line }),
  }));
  return new UserError(
    'Sites file does not match the schema',
    [
      `${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:`,
      ...items.map((item) => `  - ${item.text}`),
      ...(more > 0 ? [`  ${andMore(more)}`] : []),
    ].join('\n'),
    fileLocation(file, first),
    { items, unlisted: more },
  );
}
