// The sites file (`.github/cache-purge.yml`): its schema, and the parser that turns YAML or JSON text
// into a typed SitesConfig, or into a UserError whose every line names the exact path
// (`sites.portal.steps[1].ssm.document`), what is wrong and what is allowed, at its line and column.
// Pure: takes text, returns data.

import { z } from 'zod';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import {
  formats,
  DELIVERY_TIMEOUT_RANGE,
  MAX_INSTANCE_IDS,
  MAX_TAG_KEYS,
  MAX_TAG_VALUES,
  type Format,
} from './aws-formats.js';
import { normaliseInvalidationPaths, quotePath } from './paths.js';
import { UserError } from './errors.js';

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

export type StepConfig = SsmStepConfig | CloudFrontStepConfig;

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

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
};

const formatted = (format: Format) =>
  z.string().regex(format.pattern, {
    error: (issue) => `${JSON.stringify(issue.input)} is not valid; use ${format.allowed}`,
  });

/** YAML turns `2` and `true` into numbers and booleans; SSM wants text. */
const asText = (value: unknown) =>
  typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
const asTextList = (value: unknown) => (Array.isArray(value) ? value.map(asText) : [asText(value)]);

/** A mapping whose unknown keys are errors that list the keys allowed there. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; allowed here: ${allowed}`
        : issue.input === undefined
          ? undefined
          : `is ${describe(issue.input)}; expected a mapping with keys ${allowed}`,
  });
}

const targetsSchema = strict({
  'instance-ids': z
    .array(formatted(formats.instanceId))
    .min(1, { error: 'is empty; list at least one instance id' })
    .max(MAX_INSTANCE_IDS, {
      error: `has more than ${MAX_INSTANCE_IDS} ids; SSM takes at most ${MAX_INSTANCE_IDS} — use tags instead`,
    })
    .optional(),
  tags: z
    .record(
      formatted(formats.tagKey),
      z.preprocess(
        asTextList,
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
    .optional(),
}).superRefine((targets, ctx) => {
  const count = (targets['instance-ids'] ? 1 : 0) + (targets.tags ? 1 : 0);
  if (count !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        count === 0
          ? 'names no instances; set exactly one of "instance-ids" or "tags"'
          : 'sets both "instance-ids" and "tags"; set exactly one of the two',
    });
  }
});

const ssmStepSchema = strict({
  document: formatted(formats.documentName),
  parameters: z
    .record(formatted(formats.parameterName), z.preprocess(asTextList, z.array(z.string())))
    .optional(),
  targets: targetsSchema.optional(),
  'document-version': z.preprocess(asText, formatted(formats.documentVersion)).optional(),
  'timeout-seconds': z
    .number()
    .int({ error: 'must be a whole number of seconds' })
    .min(DELIVERY_TIMEOUT_RANGE.min, {
      error: `must be at least ${DELIVERY_TIMEOUT_RANGE.min} (SSM's minimum delivery timeout)`,
    })
    .max(DELIVERY_TIMEOUT_RANGE.max, { error: `must be at most ${DELIVERY_TIMEOUT_RANGE.max} (30 days)` })
    .optional(),
  'max-concurrency': z.preprocess(asText, formatted(formats.maxConcurrency)).optional(),
  'max-errors': z.preprocess(asText, formatted(formats.maxErrors)).optional(),
});

const cloudFrontStepSchema = strict({
  'distribution-id': formatted(formats.distributionId),
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
    .optional(),
  wait: z.boolean().optional(),
});

const stepSchema = strict({
  name: z
    .string()
    .trim()
    .min(1, { error: 'is empty; give the step a label or leave "name" out' })
    .max(100)
    .optional(),
  ssm: ssmStepSchema.optional(),
  cloudfront: cloudFrontStepSchema.optional(),
}).superRefine((step, ctx) => {
  const count = (step.ssm ? 1 : 0) + (step.cloudfront ? 1 : 0);
  if (count !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        count === 0
          ? 'does nothing; give it exactly one of "ssm" or "cloudfront"'
          : 'has both "ssm" and "cloudfront"; split them into two steps',
    });
  }
});

const siteSchema = strict({
  region: formatted(formats.region).optional(),
  targets: targetsSchema.optional(),
  steps: z.array(stepSchema).min(1, { error: 'is empty; list at least one step' }).max(50),
}).superRefine((site, ctx) => {
  if (site.targets) return;
  site.steps.forEach((step, index) => {
    if (step.ssm && !step.ssm.targets) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps', index, 'ssm'],
        message: 'has no targets; add "targets" to this step or to the site',
      });
    }
  });
});

const fileSchema = strict({
  region: formatted(formats.region).optional(),
  sites: z
    .record(formatted(formats.siteKey), siteSchema)
    .refine((sites) => Object.keys(sites).length > 0, { error: 'is empty; define at least one site' }),
});

type RawFile = z.infer<typeof fileSchema>;
type RawTargets = z.infer<typeof targetsSchema>;
type RawStep = z.infer<typeof stepSchema>;

/** Messages for the cases no field-level message covers. */
const fallbackError = (issue: z.core.$ZodRawIssue): string | undefined => {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? 'is required'
      : `is ${describe(issue.input)}; expected ${issue.expected}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `needs at least ${String(issue.minimum)} item(s)`;
  if (issue.code === 'too_big' && issue.origin === 'array')
    return `has too many items; at most ${String(issue.maximum)}`;
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
  const c = raw.cloudfront!;
  const paths = normaliseInvalidationPaths(c.paths ?? ['/*']);
  return {
    kind: 'cloudfront',
    name: raw.name ?? 'CloudFront',
    distributionId: c['distribution-id'],
    paths: paths.ok ? paths.paths : ['/*'],
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

type PathKey = string | number | symbol;

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

interface Located {
  line: number;
  column: number;
}

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
// The entry point

export const MAX_REPORTED_PROBLEMS = 20;

/**
 * Parses the sites file. `file` is the name shown to the user (the `config` input). Throws a UserError
 * listing every problem, each with its path, what is wrong and what is allowed.
 */
export function parseSitesConfig(text: string, file: string): SitesConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(
      'Sites file is not valid YAML',
      `${file}: YAML syntax error${where}: ${reason}. Fix the syntax there (indentation, a missing ":" or an unclosed quote are the usual causes).`,
      { file, ...(pos && { line: pos.line, column: pos.col }) },
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || data === undefined) {
    throw new UserError(
      'Sites file is empty',
      `${file} is empty; it needs a "sites:" mapping (see examples/cache-purge.yml).`,
      { file },
    );
  }

  const parsed = fileSchema.safeParse(data, { error: fallbackError });
  if (parsed.success) return toConfig(parsed.data);

  const problems = parsed.error.issues.slice(0, MAX_REPORTED_PROBLEMS).map((issue) => {
    let at: Located | undefined;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // point at the first unknown key itself
      at = locate(doc.contents, issue.path, lines, issue.keys[0]);
    } else if (issue.code === 'invalid_key') {
      // a bad mapping key (site name, tag key, parameter name): its own check says what is allowed
      message = issue.issues[0]?.message ?? message;
      at = locate(doc.contents, issue.path.slice(0, -1), lines, String(issue.path.at(-1)));
    } else {
      at = locate(doc.contents, issue.path, lines);
    }
    const shownPath =
      issue.code === 'unrecognized_keys' && issue.keys.length === 1
        ? [...issue.path, issue.keys[0]!]
        : issue.path;
    return { text: `${formatPath(shownPath)}${at ? ` (line ${at.line})` : ''}: ${message}`, at };
  });
  const more = parsed.error.issues.length - problems.length;
  const first = problems[0]?.at;
  const summary = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  throw new UserError(
    'Sites file does not match the schema',
    [
      `${file} has ${summary}:`,
      ...problems.map((p) => `  - ${p.text}`),
      ...(more > 0 ? [`  … and ${more} more`] : []),
    ].join('\n'),
    { file, ...(first && { line: first.line, column: first.column }) },
  );
}
