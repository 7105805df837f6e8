// The sites file (`.github/cache-purge.yml`): its schema, and the parser that turns YAML or JSON text
// into a typed SitesConfig, or into a UserError whose every line names the exact path
// (`sites.portal.steps[1].ssm.document`), what is wrong and what is allowed (with a one-line YAML
// example, or "did you mean" for a misspelt key), at its line and column. Messages quote values and
// lines cut short, never the whole file. A file that fails the schema still yields what of it is sound
// to check further (readSitesFile's `salvaged`), so the plan's checks report in the same run. Pure.

import { z } from 'zod';
import {
  LineCounter,
  parseDocument,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import {
  formats,
  DELIVERY_TIMEOUT_RANGE,
  MAX_INSTANCE_IDS,
  MAX_TAG_KEYS,
  MAX_TAG_VALUES,
  type Format,
} from '../../shared/aws-formats.js';
import { DEFAULT_INVALIDATION_PATHS, normaliseInvalidationPaths, quotePath } from './paths.js';
import { closestMatch } from '../../shared/suggest.js';
import { andMore, plural, quoteCut } from '../../shared/text.js';
import { fileLocation, UserError } from '../../shared/errors.js';
import {
  toVerifyStep,
  verifyStepSchema,
  VERIFY_EXAMPLES,
  type VerifyStepConfig,
} from '../verify/verify-config.js';

export type { VerifyStepConfig };

// ---------------------------------------------------------------------------------------------------
// The typed result

export type Targets = { instanceIds: string[] } | { tags: Record<string, string[]> };

export interface SsmStepConfig {
  kind: 'ssm';
  name: string;
  document: string;
  parameters: Record<string, string[]>;
  targets?: Targets;
  documentVersion?: string;
  timeoutSeconds?: number;
  maxConcurrency?: string;
  maxErrors?: string;
}

export interface CloudFrontStepConfig {
  kind: 'cloudfront';
  name: string;
  distributionId: string;
  paths: string[];
  wait: boolean;
}

export type StepConfig = SsmStepConfig | CloudFrontStepConfig | VerifyStepConfig;

export interface SiteConfig {
  region?: string;
  targets?: Targets;
  steps: StepConfig[];
}

export interface SitesConfig {
  region?: string;
  sites: Record<string, SiteConfig>;
}

// ---------------------------------------------------------------------------------------------------
// The schema of the file as written

/** A value written by the user, quoted and cut short: messages never paste a whole file. */
export function quoteValue(value: string, max = 60): string {
  return quoteCut(value, max);
}

/** What a YAML value is, as the subject of a sentence: "is a list", "is the text "x"", "has no value". */
export function describeValue(value: unknown): string {
  if (value === null) return 'has no value';
  if (Array.isArray(value)) return 'is a list';
  if (typeof value === 'object') return 'is a mapping';
  if (typeof value === 'string') return `is the text ${quoteValue(value)}`;
  if (typeof value === 'number') return `is the number ${value}`;
  if (typeof value === 'boolean') return `is ${value} (a yes/no value)`;
  return `is ${typeof value}`;
}

const formatted = (format: Format) =>
  z.string().regex(format.pattern, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `${quoteValue(issue.input)} is not valid; use ${format.allowed}`
        : undefined,
  });

/** YAML turns `2` and `true` into numbers and booleans; SSM wants text. */
const asText = (value: unknown) =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
const asTextList = (value: unknown) => (Array.isArray(value) ? value.map(asText) : [asText(value)]);

/**
 * The fields read through asText (`list: false`) or asTextList (`list: true`): the file may hold a
 * number or yes/no value there, and for a list a single value. The JSON Schema of the file
 * (sites-file-json-schema.ts) widens them to accept what the file may hold.
 */
export const readAsText = z.registry<{ list: boolean }>();

/** A text field that also takes a YAML number or yes/no value. */
function textField<T extends z.ZodType>(schema: T) {
  const field = z.preprocess(asText, schema);
  readAsText.add(field, { list: false });
  return field;
}

/** A list of text that also takes a single value, and numbers and yes/no values as items. */
function textList<T extends z.ZodType>(list: T) {
  const field = z.preprocess(asTextList, list);
  readAsText.add(field, { list: true });
  return field;
}

/** A mapping whose unknown keys are errors; their message (with "did you mean") is written below. */
const strict = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

/** A check that fails because keys are missing: a misspelt one found elsewhere explains it. */
const missing = (...keys: string[]) => ({ missingKeys: keys });

const targetsSchema = strict({
  'instance-ids': z
    .array(formatted(formats.instanceId))
    .min(1, { error: 'is empty; list at least one instance id' })
    .max(MAX_INSTANCE_IDS, {
      error: `has more than ${MAX_INSTANCE_IDS} ids; SSM takes at most ${MAX_INSTANCE_IDS} — use tags instead`,
    })
    .describe(`EC2 instance ids, 1–${MAX_INSTANCE_IDS}, e.g. [i-0123456789abcdef0]. Set this or "tags".`)
    .optional(),
  tags: z
    .record(
      formatted(formats.tagKey),
      textList(
        z
          .array(formatted(formats.tagValue))
          .min(1)
          .max(MAX_TAG_VALUES, {
            error: `has more than ${MAX_TAG_VALUES} values; SSM takes at most ${MAX_TAG_VALUES} per tag`,
          }),
      ),
    )
    .refine((tags) => Object.keys(tags).length >= 1, {
      error: 'is empty; give at least one tag, e.g. { Site: portal }',
    })
    .refine((tags) => Object.keys(tags).length <= MAX_TAG_KEYS, {
      error: `has more than ${MAX_TAG_KEYS} tags; SSM takes at most ${MAX_TAG_KEYS}`,
    })
    .describe(
      `1–${MAX_TAG_KEYS} tags, each a value or a list of up to ${MAX_TAG_VALUES} values: the instances with all of them, e.g. { Site: portal }. Set this or "instance-ids".`,
    )
    .optional(),
})
  .superRefine((targets, ctx) => {
    const count = (targets['instance-ids'] ? 1 : 0) + (targets.tags ? 1 : 0);
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          count === 0
            ? 'names no instances; set exactly one of "instance-ids" or "tags"'
            : 'sets both "instance-ids" and "tags"; set exactly one of the two',
        ...(count === 0 && { params: missing('instance-ids', 'tags') }),
      });
    }
  })
  .describe('The instances SSM steps run on: exactly one of "instance-ids" or "tags".');

const ssmStepSchema = strict({
  document: formatted(formats.documentName).describe(
    'SSM document name or ARN, e.g. CachePurge-FastCGI (bundled: CachePurge-FastCGI, CachePurge-W3TotalCache, CachePurge-WPRocket).',
  ),
  parameters: z
    .record(formatted(formats.parameterName), textList(z.array(z.string())))
    .describe(
      'Document parameters: a value or a list of values each, e.g. { CachePath: /var/cache/nginx/portal }.',
    )
    .optional(),
  targets: targetsSchema.describe("This step's instances; overrides the site's targets.").optional(),
  'document-version': textField(formatted(formats.documentVersion))
    .describe('Pin a document version: a number, $LATEST or $DEFAULT.')
    .optional(),
  'timeout-seconds': z
    .number()
    .int({ error: 'must be a whole number of seconds' })
    .min(DELIVERY_TIMEOUT_RANGE.min, {
      error: `must be at least ${DELIVERY_TIMEOUT_RANGE.min} (SSM's minimum delivery timeout)`,
    })
    .max(DELIVERY_TIMEOUT_RANGE.max, { error: `must be at most ${DELIVERY_TIMEOUT_RANGE.max} (30 days)` })
    .describe(
      `Delivery timeout in seconds (SendCommand TimeoutSeconds, ${DELIVERY_TIMEOUT_RANGE.min}–${DELIVERY_TIMEOUT_RANGE.max}; default 300): an instance that has not started the command by then is reported as timed out.`,
    )
    .optional(),
  'max-concurrency': textField(formatted(formats.maxConcurrency))
    .describe('Instances at once: a number or a percentage (default 50).')
    .optional(),
  'max-errors': textField(formatted(formats.maxErrors))
    .describe('Errors allowed before SSM stops sending: a number or a percentage (default 0).')
    .optional(),
});

const cloudFrontStepSchema = strict({
  'distribution-id': formatted(formats.distributionId).describe('The distribution, e.g. E2EXAMPLE12345.'),
  paths: z
    .array(z.string())
    .superRefine((paths, ctx) => {
      const checked = normaliseInvalidationPaths(paths);
      if (checked.ok) return;
      if ('listProblem' in checked) {
        const { kind, problem } = checked.listProblem;
        ctx.addIssue({
          code: 'custom',
          message: `${problem}${kind === 'none' ? ', or leave "paths" out to invalidate everything (/*)' : ''}`,
        });
        return;
      }
      for (const { index, value, problem } of checked.pathProblems) {
        ctx.addIssue({ code: 'custom', path: [index], message: `${quotePath(value)} ${problem}` });
      }
    })
    .describe(
      "Paths to invalidate (default ['/*']): a leading / is added, * only as the last character, duplicates dropped, at most 3,000.",
    )
    .optional(),
  wait: z.boolean().describe('true waits until the invalidation completes.').optional(),
});

const stepSchema = strict({
  name: z
    .string()
    .trim()
    .min(1, { error: 'is empty; give the step a label or leave "name" out' })
    .max(100)
    .describe('A label for the step (default: the document, or "CloudFront").')
    .optional(),
  ssm: ssmStepSchema.describe('Run an SSM document on the instances (Run Command).').optional(),
  cloudfront: cloudFrontStepSchema.describe('Create a CloudFront invalidation.').optional(),
  verify: verifyStepSchema
    .describe('Request the site as a visitor: is every cache layer fresh, and does the cache refill?')
    .optional(),
})
  .superRefine((step, ctx) => {
    const count = (step.ssm ? 1 : 0) + (step.cloudfront ? 1 : 0) + (step.verify ? 1 : 0);
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          count === 0
            ? 'does nothing; give it exactly one of "ssm", "cloudfront" or "verify"'
            : `has ${count === 2 ? 'both ' : ''}${['ssm', 'cloudfront', 'verify']
                .filter((k) => step[k as 'ssm'])
                .map((k) => `"${k}"`)
                .join(' and ')}; split them into ${count === 2 ? 'two' : 'separate'} steps`,
        ...(count === 0 && { params: missing('ssm', 'cloudfront', 'verify') }),
      });
    }
  })
  .describe('A step: an optional "name" and exactly one of "ssm", "cloudfront" or "verify".');

const regionSchema = formatted(formats.region).describe(
  'AWS region of the SSM steps, e.g. us-east-1. The aws-region input overrides it; AWS_REGION is the last fallback.',
);

const siteSchema = strict({
  region: regionSchema.optional(),
  targets: targetsSchema.describe("Default targets of this site's SSM steps.").optional(),
  steps: z
    .array(stepSchema)
    .min(1, { error: 'is empty; list at least one step' })
    .max(50)
    .describe('Run in this order; the first failure stops the rest.'),
})
  .superRefine((site, ctx) => {
    if (site.targets) return;
    site.steps.forEach((step, index) => {
      if (step.ssm && !step.ssm.targets) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'ssm'],
          message: 'has no targets; add "targets" to this step or to the site',
          params: missing('targets'),
        });
      }
    });
  })
  .describe('A site: the key (lower-case letters, digits, - and _) is what the "site" input names.');

/** The sites file as written; its JSON Schema (schema/sites-file.schema.json) is generated from it. */
export const sitesFileSchema = strict({
  region: regionSchema.optional(),
  sites: z
    .record(formatted(formats.siteKey), siteSchema)
    .refine((sites) => Object.keys(sites).length > 0, { error: 'is empty; define at least one site' })
    .describe('The sites, by the key the "site" input names.'),
}).meta({
  title: 'cache-purge-action sites file',
  description:
    'Which caches cache-purge-action purges for each site, in order (.github/cache-purge.yml). The action checks more than this schema can say: run `npm run check-sites` or a dry run.',
});

type RawFile = z.infer<typeof sitesFileSchema>;
type RawTargets = z.infer<typeof targetsSchema>;
type RawStep = z.infer<typeof stepSchema>;

// ---------------------------------------------------------------------------------------------------
// Messages: every field has an example, every mapping its keys

export type PathKey = string | number | symbol;

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
  ...VERIFY_EXAMPLES,
};

/** The keys each mapping takes, by field kind, straight from the schema. */
const KEYS: Record<string, readonly string[]> = {
  '(top level)': Object.keys(sitesFileSchema.shape),
  site: Object.keys(siteSchema.shape),
  targets: Object.keys(targetsSchema.shape),
  step: Object.keys(stepSchema.shape),
  ssm: Object.keys(ssmStepSchema.shape),
  cloudfront: Object.keys(cloudFrontStepSchema.shape),
  verify: Object.keys(verifyStepSchema.shape),
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
const fallbackError = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === 'invalid_type') return typeMessage(issue.path ?? [], issue.input, issue.expected);
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `needs at least ${plural(Number(issue.minimum), 'item')}`;
  if (issue.code === 'too_big' && issue.origin === 'array')
    return `has too many items; at most ${String(issue.maximum)}`;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `is too long; at most ${String(issue.maximum)} characters`;
  return undefined;
};

// ---------------------------------------------------------------------------------------------------
// From raw to typed

function toTargets(raw: RawTargets | undefined): Targets | undefined {
  if (!raw) return undefined;
  if (raw['instance-ids']) return { instanceIds: [...new Set(raw['instance-ids'])] };
  return { tags: raw.tags ?? {} };
}

function toStep(raw: RawStep): StepConfig {
  if (raw.ssm) {
    const s = raw.ssm;
    return {
      kind: 'ssm',
      name: raw.name ?? s.document,
      document: s.document,
      parameters: s.parameters ?? {},
      ...(s.targets && { targets: toTargets(s.targets) }),
      ...(s['document-version'] !== undefined && { documentVersion: s['document-version'] }),
      ...(s['timeout-seconds'] !== undefined && { timeoutSeconds: s['timeout-seconds'] }),
      ...(s['max-concurrency'] !== undefined && { maxConcurrency: s['max-concurrency'] }),
      ...(s['max-errors'] !== undefined && { maxErrors: s['max-errors'] }),
    };
  }
  if (raw.verify) return toVerifyStep(raw.verify, raw.name ?? 'Verify');
  const c = raw.cloudfront!;
  const paths = normaliseInvalidationPaths(c.paths ?? DEFAULT_INVALIDATION_PATHS);
  return {
    kind: 'cloudfront',
    name: raw.name ?? 'CloudFront',
    distributionId: c['distribution-id'],
    // the schema has checked these paths: normalising them again cannot fail
    paths: paths.ok ? paths.paths : [...DEFAULT_INVALIDATION_PATHS],
    wait: c.wait ?? false,
  };
}

function toConfig(raw: RawFile): SitesConfig {
  const sites: Record<string, SiteConfig> = {};
  for (const [key, site] of Object.entries(raw.sites)) {
    sites[key] = {
      ...(site.region && { region: site.region }),
      ...(site.targets && { targets: toTargets(site.targets) }),
      steps: site.steps.map(toStep),
    };
  }
  return { ...(raw.region && { region: raw.region }), sites };
}

// ---------------------------------------------------------------------------------------------------
// Locating problems in the source

/** `sites.portal.steps[1].ssm.document`; keys that are not plain words are quoted. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** Where a node of the sites file starts: 1-based line and column. */
export interface Located {
  line: number;
  column: number;
}

/** A path inside the file as messages show it, with the line it is on when known: `sites.portal.steps[0] (line 15)`. */
export function formatPathAt(path: readonly PathKey[], at: Located | undefined): string {
  return `${formatPath(path)}${lineNote(at)}`;
}

/** ` (line 15)` after what a message names in the file; '' when its line is not known. */
export const lineNote = (at: Located | undefined) => (at ? ` (line ${at.line})` : '');

function locate(
  root: YamlNode | null | undefined,
  path: readonly PathKey[],
  lines: LineCounter,
  keyName?: string,
): Located | undefined {
  let node: unknown = root;
  let best: unknown = root;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
      );
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else break;
    if (node) best = node;
  }
  if (keyName !== undefined && isMap(best)) {
    const pair = best.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === keyName);
    if (pair && isScalar(pair.key)) best = pair.key;
  }
  const range = (best as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return undefined;
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

// ---------------------------------------------------------------------------------------------------
// From zod's issues to the problems shown: one per unknown key with a "did you mean", no separate
// report of the key a typo obviously meant, and a hint when a site's key sits at site-name level.

/** One problem the schema found: where (path, line) and what. */
export interface SchemaProblem {
  path: PathKey[];
  message: string;
  at: Located | undefined;
}

/**
 * Where a path of the sites file is written (`['sites', 'portal', 'steps', 0]`): the node at that
 * path, or with `keyName`, the key `keyName` of the mapping there (a misspelt or unknown key is best
 * shown at itself). When the path goes further than the file, the deepest node that exists.
 */
export type SitesFileLocator = (path: readonly PathKey[], keyName?: string) => Located | undefined;

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const samePath = (a: readonly PathKey[], b: readonly PathKey[]) =>
  a.length === b.length && a.every((key, i) => key === b[i]);

const isPrefix = (prefix: readonly PathKey[], path: readonly PathKey[]) =>
  prefix.length <= path.length && prefix.every((key, i) => key === path[i]);

/** "unknown key "documnet" — did you mean "document"? Allowed here: …", with what it suggests. */
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

function explainIssues(
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

// ---------------------------------------------------------------------------------------------------
// Syntax errors: our words, the position, and at most one line of the file

/**
 * One line of the file as a message quotes it: trimmed, a tab shown as "\t" (YAML refuses tabs as
 * indentation: the user must see it), other control characters as "?", and when longer than `width`,
 * a window of that width around `column` with "…" where it is cut.
 */
export function lineExcerpt(text: string, line: number, column = 1, width = 80): string {
  const raw = [
    ...(text.split(/\r?\n/)[line - 1] ?? '')
      .replace(/\t/g, '\\t')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, '?'),
  ];
  const indent = raw.length - [...raw.join('').trimStart()].length;
  const chars = [...raw.join('').trim()];
  if (chars.length <= width) return chars.join('');
  const start = Math.min(Math.max(0, column - 1 - indent - Math.floor(width / 2)), chars.length - width);
  const end = start + width;
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

/** JSON.parse's own account of a JSON file's first error, without the text it quotes. */
function jsonError(text: string): { reason: string; line?: number; column?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/^(Unexpected token '[^']*'),.*$/s, '$1')
      .replace(/^(Unexpected token .),.*$/s, '$1');
    if (!position) return { reason };
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    return { reason, line, column: before.length - before.lastIndexOf('\n') };
  }
}

function syntaxError(text: string, file: string, error: YAMLError): UserError {
  const pos = error.linePos?.[0];
  if (error.code === 'MULTIPLE_DOCS' && pos) {
    return new UserError(
      'Sites file holds more than one YAML document',
      `${file} holds more than one YAML document: a second one starts at line ${pos.line} (${JSON.stringify(lineExcerpt(text, pos.line))}). A sites file is a single YAML document: remove the "---" (or "...") there and merge what follows into the first document, or move it to a file of its own.`,
      { file, line: pos.line, column: pos.col },
    );
  }
  const yamlReason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const json = /\.json$/i.test(file) ? (jsonError(text) ?? { reason: yamlReason }) : undefined;
  const line = json?.line ?? pos?.line;
  const column = json?.line ? json.column : pos?.col;
  const where = line ? ` at line ${line}, column ${column}` : '';
  const excerpt = line ? ` Line ${line} is: ${lineExcerpt(text, line, column)}.` : '';
  const [language, causes] = json
    ? ['JSON', 'a missing or extra comma, an unclosed bracket or an unquoted key']
    : ['YAML', 'indentation, a missing ":" or an unclosed quote'];
  return new UserError(
    `Sites file is not valid ${language}`,
    `${file}: ${language} syntax error${where}: ${(json?.reason ?? yamlReason).replace(/\.$/, '')}.${excerpt} Fix the syntax there (${causes} are the usual causes).`,
    { file, ...(line && { line, ...(column && { column }) }) },
  );
}

// ---------------------------------------------------------------------------------------------------
// The entry point

export const MAX_REPORTED_PROBLEMS = 20;

/** A parsed sites file: its typed content, and where each of its paths is written in the text. */
export interface SitesFile {
  config: SitesConfig;
  /** For later checks of the content (the plan's): names the line of the node a problem is about. */
  locate: SitesFileLocator;
}

/**
 * Parses the sites file. `file` is the name shown to the user (the `config` input). Throws a UserError
 * listing every problem, each with its path, what is wrong and what is allowed.
 */
export function parseSitesConfig(text: string, file: string): SitesConfig {
  return parseSitesFile(text, file).config;
}

/** parseSitesConfig, keeping the parsed document so that later errors can name lines too. */
export function parseSitesFile(text: string, file: string): SitesFile {
  const reading = readSitesFile(text, file);
  if (!reading.ok) throw reading.error;
  return reading.file;
}

/**
 * What can still be read soundly of a sites file that failed the schema, so that the plan-time checks
 * (region, document parameters) run in the same run as the schema's: a problem found later is one
 * more run for the user. Each part is given only when no schema problem can have changed it.
 */
export interface SalvagedSitesFile {
  /** The site keys, when the `sites` mapping and every key in it passed (else a site may be hidden). */
  siteNames?: string[];
  /** The file's default region, when it passed. */
  region?: string;
  /** False when a region of the file (or a key that may be a misspelt one) failed: region unknown. */
  regionKnown: boolean;
  /** The sites whose steps are a list, by key. */
  sites: Record<string, SalvagedSite>;
  locate: SitesFileLocator;
}

export interface SalvagedSite {
  region?: string;
  /** False when the site's region (or a key that may be a misspelt one) failed the schema. */
  regionKnown: boolean;
  /** Every step as written, in order. */
  steps: SalvagedStep[];
}

export interface SalvagedStep {
  name: string;
  /** Written as an SSM step (an "ssm" mapping and no "cloudfront"): it needs a region. */
  ssm: boolean;
  /**
   * Its document and parameters, when the step's own node is sound for the parameter check: "ssm"
   * and "name" its only keys, no unknown key in "ssm" (a misspelt "parameters" would make every
   * required one look missing), and its document and parameters valid. Its other fields (targets,
   * timeouts, …) may be wrong: they do not change what the parameters are.
   */
  run?: { document: string; parameters: Record<string, string[]> };
}

/** A step read only for what the parameter check needs; the rest of `ssm` must be known keys. */
const parameterCheckStepSchema = z.strictObject({
  name: stepSchema.shape.name.catch(undefined),
  ssm: z.strictObject({
    document: ssmStepSchema.shape.document,
    parameters: ssmStepSchema.shape.parameters,
    targets: z.unknown().optional(),
    'document-version': z.unknown().optional(),
    'timeout-seconds': z.unknown().optional(),
    'max-concurrency': z.unknown().optional(),
    'max-errors': z.unknown().optional(),
  } satisfies Record<keyof typeof ssmStepSchema.shape, z.ZodType>),
});

function salvage(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  locate: SitesFileLocator,
): SalvagedSitesFile {
  const failedAt = (path: readonly PathKey[]) => issues.some((issue) => samePath(issue.path, path));
  const unknownKeyAt = (path: readonly PathKey[]) =>
    issues.some((issue) => issue.code === 'unrecognized_keys' && samePath(issue.path, path));
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const raw = isMapping(data) ? data : {};
  const rawSites = isMapping(raw.sites) ? raw.sites : undefined;
  const sitesSound =
    rawSites !== undefined &&
    !unknownKeyAt([]) &&
    !issues.some((issue) => issue.path[0] === 'sites' && issue.path.length <= 2);

  const sites: Record<string, SalvagedSite> = {};
  for (const [key, site] of Object.entries(rawSites ?? {})) {
    if (!isMapping(site) || !Array.isArray(site.steps)) continue;
    const steps = site.steps.map((step: unknown): SalvagedStep => {
      const checked = parameterCheckStepSchema.safeParse(step);
      const ssm = isMapping(step) && isMapping(step.ssm) && !('cloudfront' in step) ? step.ssm : undefined;
      // the label buildPlan would give it (its name, else its document), as far as it can be read
      const name =
        (checked.success ? checked.data.name : undefined) ||
        (isMapping(step) ? text(step.name)?.trim() : undefined) ||
        text(ssm?.document) ||
        (isMapping(step) && 'cloudfront' in step ? 'CloudFront' : 'unnamed step');
      return {
        name,
        ssm: ssm !== undefined,
        ...(checked.success && {
          run: { document: checked.data.ssm.document, parameters: checked.data.ssm.parameters ?? {} },
        }),
      };
    });
    sites[key] = {
      ...(!failedAt(['sites', key, 'region']) && text(site.region) && { region: text(site.region) }),
      regionKnown: !failedAt(['sites', key, 'region']) && !unknownKeyAt(['sites', key]),
      steps,
    };
  }
  return {
    ...(sitesSound && { siteNames: Object.keys(rawSites) }),
    ...(!failedAt(['region']) && text(raw.region) && { region: text(raw.region) }),
    regionKnown: !failedAt(['region']) && !unknownKeyAt([]),
    sites,
    locate,
  };
}

/** A sites file read: its content, or the schema's error and what can still be checked. */
export type SitesFileReading =
  | { ok: true; file: SitesFile }
  | { ok: false; error: UserError; problems: SchemaProblem[]; salvaged: SalvagedSitesFile };

/**
 * parseSitesFile that does not stop at the schema: a file that fails it gives the error and what
 * of it is still sound to check. Syntax errors and an empty file still throw (nothing is readable).
 */
export function readSitesFile(text: string, file: string): SitesFileReading {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw syntaxError(text, file, doc.errors[0]!);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new UserError(
      'Sites file is empty',
      `${file} is empty; it needs a "sites:" mapping (see examples/cache-purge.yml).`,
      { file },
    );
  }

  const locateInFile: SitesFileLocator = (path, keyName) => locate(doc.contents, path, lines, keyName);
  const parsed = sitesFileSchema.safeParse(data, { error: fallbackError });
  if (parsed.success) return { ok: true, file: { config: toConfig(parsed.data), locate: locateInFile } };

  const problems = byLine(explainIssues(parsed.error.issues, data, locateInFile));
  return {
    ok: false,
    error: schemaError(file, problems),
    problems,
    salvaged: salvage(data, parsed.error.issues, locateInFile),
  };
}

/** Problems in the order of their lines in the file; equal lines (and unknown ones, last) keep theirs. */
function byLine(problems: readonly SchemaProblem[]): SchemaProblem[] {
  return [...problems].sort((a, b) => (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity));
}

/**
 * The schema's error: `<file> has N problems:` and one line per problem (the first
 * MAX_REPORTED_PROBLEMS, the rest counted), at the first. `alsoFound` counts the problems other
 * checks list after it in the same error (planSitesFile), so that the header counts them too.
 */
export function schemaError(file: string, problems: readonly SchemaProblem[], alsoFound = 0): UserError {
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const more = problems.length - shown.length;
  const total = problems.length + alsoFound;
  const first = shown[0]?.at;
  return new UserError(
    'Sites file does not match the schema',
    [
      `${file} has ${total === 1 ? 'a problem' : `${total} problems`}:`,
      ...shown.map((p) => `  - ${formatPathAt(p.path, p.at)}: ${p.message}`),
      ...(more > 0 ? [`  ${andMore(more)}`] : []),
    ].join('\n'),
    fileLocation(file, first),
    problems.length,
  );
}
