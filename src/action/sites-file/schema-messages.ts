// The schema's messages that no field writes itself: what a wrong type is and what was expected, with a
// one-line YAML example of every field and the keys of every mapping (taken from the schema), and an
// unknown key's "did you mean" or the mapping it belongs in. Pure.

import { z } from 'zod';
import { closestMatch } from '../../shared/suggest.js';
import { plural } from '../../shared/text.js';
import { valueAt, type PathKey } from './locations.js';
import {
  cloudFrontStepSchema,
  rootsSchema,
  siteSchema,
  sitesFileSchema,
  ssmStepSchema,
  stepSchema,
  targetsSchema,
} from './sites-file-schema.js';
import { describeValue, quoteValue } from './value-words.js';
import { VERIFY_EXAMPLES, verifyStepSchema } from './verify-step-schema.js';

/** Which kind of field a path points at: "document", or for keys the user names, "site", "tag", … */
function fieldOf(path: readonly PathKey[]): string {
  const [last, parent, grandparent] = [path.at(-1), path.at(-2), path.at(-3)];
  if (path.length === 0) return '(top level)';
  if (path.length === 2 && path[0] === 'sites') return 'site';
  if (typeof last === 'number') {
    if (parent === 'steps') return 'step';
    if (parent === 'instance-ids') return 'instance id';
    if (parent === 'paths') return 'path';
    if (grandparent === 'tags') return 'tag';
    if (grandparent === 'parameters') return 'parameter';
    if (grandparent === 'roots') return 'root';
  }
  if (parent === 'tags') return 'tag';
  if (parent === 'parameters') return 'parameter';
  return String(last);
}

/** How each field is written, as a one-line YAML example. */
const EXAMPLES: Record<string, string> = {
  '(top level)':
    '`sites: { portal: { steps: [ … ] } }` (see examples/cache-purge.yml); if this is not your sites file, set the "config" input to its path',
  sites: '`sites: { portal: { targets: …, steps: [ … ] } }`',
  site: '`portal: { targets: …, steps: [ … ] }` under `sites:`',
  region: '`region: us-east-1`',
  targets: '`targets: { tags: { Site: portal } }` or `targets: { instance-ids: [i-0123456789abcdef0] }`',
  'instance-ids': '`instance-ids: [i-0123456789abcdef0]`',
  'instance id': '`instance-ids: [i-0123456789abcdef0]`',
  tags: '`tags: { Site: portal }`',
  tag: '`Site: portal` or, for several values, `Site: [portal, shop]`',
  steps: '`steps: [ { ssm: { document: CachePurge-FastCGI } } ]`',
  step: '`- ssm: { document: CachePurge-FastCGI }`',
  name: '`name: FastCGI cache`',
  ssm: '`ssm: { document: CachePurge-FastCGI }`',
  document: '`document: CachePurge-FastCGI`',
  parameters: '`parameters: { CachePath: /var/cache/nginx/portal }`',
  parameter: '`CachePath: /var/cache/nginx/portal` or, for several values, `Names: [a, b]`',
  'document-version': '`document-version: 3`',
  'timeout-seconds': '`timeout-seconds: 300`',
  'max-concurrency': '`max-concurrency: 10%`',
  'max-errors': '`max-errors: 0`',
  cloudfront: '`cloudfront: { distribution-id: E2EXAMPLE12345 }`',
  'distribution-id': '`distribution-id: E2EXAMPLE12345`',
  paths: "`paths: ['/*']`",
  path: "`paths: ['/blog/*']`",
  wait: '`wait: true`',
  roots: '`roots: { cache: [/var/cache/nginx], wordpress: [/var/www, /srv/www] }`',
  cache: '`cache: [/run/nginx-cache]` under `roots:`',
  wordpress: '`wordpress: [/var/www, /opt/bitnami/wordpress]` under `roots:`',
  root: '`cache: [/run/nginx-cache]` under `roots:`',
  ...VERIFY_EXAMPLES,
};

/** The keys each mapping takes, by field kind, straight from the schema. */
export const KEYS: Record<string, readonly string[]> = {
  '(top level)': Object.keys(sitesFileSchema.shape),
  site: Object.keys(siteSchema.shape),
  targets: Object.keys(targetsSchema.shape),
  step: Object.keys(stepSchema.shape),
  ssm: Object.keys(ssmStepSchema.shape),
  cloudfront: Object.keys(cloudFrontStepSchema.shape),
  verify: Object.keys(verifyStepSchema.shape),
  roots: Object.keys(rootsSchema.shape),
};

/** What a mapping maps, for the mappings whose keys the user chooses. */
const MAPS: Record<string, string> = {
  sites: ' of site names to their settings',
  tags: ' of tag keys to values',
  parameters: ' of parameter names to values',
};

const FIELD_NAMES: Record<string, string> = {
  '(top level)': 'the top level',
  site: 'a site',
  step: 'a step',
};

/** "is the text "300"; expected a number without quotes, e.g. `timeout-seconds: 300`". */
function typeMessage(path: readonly PathKey[], input: unknown, expected: string): string {
  const field = fieldOf(path);
  const example = EXAMPLES[field] ? `, e.g. ${EXAMPLES[field]}` : '';
  if (input === undefined) return `is required${example}`;
  const keys = KEYS[field];
  const unquoted = typeof input === 'string' ? ' without quotes' : '';
  const noun =
    expected === 'object' || expected === 'record'
      ? `a mapping${keys ? ` with keys ${keys.join(', ')}` : (MAPS[field] ?? '')}`
      : expected === 'array'
        ? 'a list'
        : expected === 'string'
          ? typeof input === 'number' || typeof input === 'boolean'
            ? `text (put it in quotes: '${String(input)}')`
            : 'text'
          : expected === 'number'
            ? `a number${unquoted}`
            : expected === 'boolean'
              ? `true or false${unquoted}`
              : expected;
  return `${describeValue(input)}; expected ${noun}${example}`;
}

/** Messages for the cases no field-level message covers. */
export const fallbackError = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === 'invalid_type') return typeMessage(issue.path ?? [], issue.input, issue.expected);
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `needs at least ${plural(Number(issue.minimum), 'item')}`;
  if (issue.code === 'too_big' && issue.origin === 'array')
    return `has too many items; at most ${String(issue.maximum)}`;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `is too long; at most ${String(issue.maximum)} characters`;
  return undefined;
};

export /** "unknown key "documnet" — did you mean "document"? Allowed here: …", with what it suggests. */
function unknownKey(
  path: readonly PathKey[],
  key: string,
  data: unknown,
): { message: string; suggestion?: string } {
  const field = fieldOf(path);
  const allowed = KEYS[field] ?? [];
  const present = Object.keys(valueAt(data, path) ?? {});
  const list = `allowed here: ${allowed.join(', ')}`;
  const suggestion = closestMatch(
    key,
    allowed.filter((k) => !present.includes(k)),
  );
  if (suggestion) {
    return {
      message: `unknown key ${quoteValue(key)} — did you mean ${JSON.stringify(suggestion)}? ${list[0]!.toUpperCase()}${list.slice(1)}`,
      suggestion,
    };
  }
  const homes = Object.entries(KEYS)
    .filter(([kind, keys]) => kind !== field && keys.includes(key))
    .map(([kind]) => FIELD_NAMES[kind] ?? JSON.stringify(kind));
  if (homes.length > 0) {
    return {
      message: `unknown key ${quoteValue(key)} here: it belongs in ${homes.join(' or ')}, so check its indentation; ${list}`,
    };
  }
  return { message: `unknown key ${quoteValue(key)}; ${list}` };
}
