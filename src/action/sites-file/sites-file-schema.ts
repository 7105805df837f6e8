// The zod schema of the sites file as written (`.github/cache-purge.yml`): every key, its check and its
// description (the JSON Schema, schema/sites-file.schema.json, is generated from it by
// sites-file-json-schema.ts). The step kinds are declared once, in STEP_KINDS. Field-level messages
// are written here; the rest (unknown keys, wrong types) in schema-messages.ts. Pure.

import { z } from 'zod';
import {
  formats,
  DELIVERY_TIMEOUT_RANGE,
  MAX_INSTANCE_IDS,
  MAX_TAG_KEYS,
  MAX_TAG_VALUES,
  type Format,
} from '../../shared/aws-formats.js';
import { normaliseInvalidationPaths, quotePath } from './paths.js';
import { textField, textList } from './text-fields.js';
import { quoteValue } from './value-words.js';
import { verifyStepSchema } from './verify-step-schema.js';
import { ROOT_RULE, ROOT_SETTINGS, rootProblem, type RootSetting } from '../../shared/stack-roots.js';

const formatted = (format: Format) =>
  z.string().regex(format.pattern, {
    error: (issue) =>
      typeof issue.input === 'string'
        ? `${quoteValue(issue.input)} is not valid; use ${format.allowed}`
        : undefined,
  });

/** A mapping whose unknown keys are errors; their message (with "did you mean") is written below. */
const strict = <T extends z.ZodRawShape>(shape: T) => z.strictObject(shape);

/** A check that fails because keys are missing: a misspelt one found elsewhere explains it. */
const missing = (...keys: string[]) => ({ missingKeys: keys });

export const targetsSchema = strict({
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

export const ssmStepSchema = strict({
  document: formatted(formats.documentName).describe(
    'SSM document name or ARN, e.g. CachePurge-FastCGI (bundled: CachePurge-FastCGI, CachePurge-W3TotalCache, CachePurge-WPRocket, CachePurge-ObjectCache, CachePurge-OPcache).',
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

export const cloudFrontStepSchema = strict({
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

/**
 * The step kinds: the union of step schemas. A step holds exactly one of these keys. A new kind is
 * added here, then where steps are read by kind: StepConfig and toStep (sites-config.ts), the
 * examples and keys of the messages (schema-messages.ts), the salvage (salvage.ts) and the plan.
 */
const stepKinds = {
  ssm: ssmStepSchema.describe('Run an SSM document on the instances (Run Command).').optional(),
  cloudfront: cloudFrontStepSchema.describe('Create a CloudFront invalidation.').optional(),
  verify: verifyStepSchema
    .describe('Request the site as a visitor: is every cache layer fresh, and does the cache refill?')
    .optional(),
};

const STEP_KINDS = Object.keys(stepKinds) as (keyof typeof stepKinds)[];

/** `"ssm" or "cloudfront"`, `"a", "b" and "c"`: keys quoted, the last two joined by `word`. */
function quotedList(keys: readonly string[], word: 'or' | 'and'): string {
  const quoted = keys.map((key) => JSON.stringify(key));
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} ${word} ${quoted.at(-1)}`;
}

export const stepSchema = strict({
  name: z
    .string()
    .trim()
    .min(1, { error: 'is empty; give the step a label or leave "name" out' })
    .max(100)
    .describe('A label for the step (default: the document, or "CloudFront").')
    .optional(),
  ...stepKinds,
})
  .superRefine((step, ctx) => {
    const given = STEP_KINDS.filter((kind) => step[kind] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          given.length === 0
            ? `does nothing; give it exactly one of ${quotedList(STEP_KINDS, 'or')}`
            : given.length === 2
              ? `has both ${quotedList(given, 'and')}; split them into two steps`
              : `has ${quotedList(given, 'and')}; split them into ${given.length} steps`,
        ...(given.length === 0 && { params: missing(...STEP_KINDS) }),
      });
    }
  })
  .describe(`A step: an optional "name" and exactly one of ${quotedList(STEP_KINDS, 'or')}.`);

/** The most roots a `roots` key (and the stack's CacheRoots / WordPressRoots) lists. */
export const MAX_ROOTS = 10;

/** Why `root` is no root, as a sentence about it ("/ is every directory …" already names it). */
function rootWords(root: string): string {
  const problem = rootProblem(root) ?? 'is not a root';
  return problem.startsWith(`${root} `) ? problem : `${quoteValue(root)} ${problem}`;
}

/** One key of `roots`: the roots of the stack parameter `setting` names, each checked with ROOT_RULE. */
function rootListSchema(setting: RootSetting) {
  const field = `roots.${setting.sitesFileKey}`;
  const what = `Each of ${field} is a root of the stack's ${setting.stackParameter} parameter: a directory ${setting.documentParameter} lies below, e.g. ${setting.defaults[0]}.`;
  const root = z.string().regex(ROOT_RULE, {
    error: (issue) => (typeof issue.input === 'string' ? `${rootWords(issue.input)}. ${what}` : undefined),
  });
  return textList(
    z
      .array(root)
      .min(1, {
        error: `is empty; list the roots of the stack's ${setting.stackParameter} parameter, or leave "${setting.sitesFileKey}" out for the default (${setting.defaults.join(', ')})`,
      })
      .max(MAX_ROOTS, {
        error: `has more than ${MAX_ROOTS} roots; a sites file lists at most ${MAX_ROOTS} per kind`,
      })
      .superRefine((roots, ctx) => {
        roots.forEach((value, index) => {
          if (roots.indexOf(value) !== index)
            ctx.addIssue({
              code: 'custom',
              path: [index],
              message: `${quoteValue(value)} is listed twice; remove one`,
            });
        });
      }),
  ).describe(
    `The roots of the stack's ${setting.stackParameter} parameter, 1–${MAX_ROOTS} absolute directories (default [${setting.defaults.join(', ')}]): ${setting.documentParameter} must lie below one of them.`,
  );
}

/** `roots`: the stack's allowed roots, as the stack was deployed; each key must list what the stack's parameter lists. */
export const rootsSchema = strict({
  [ROOT_SETTINGS.cache.sitesFileKey]: rootListSchema(ROOT_SETTINGS.cache).optional(),
  [ROOT_SETTINGS.wordpress.sitesFileKey]: rootListSchema(ROOT_SETTINGS.wordpress).optional(),
}).describe(
  "The roots the stack's documents were deployed with (its CacheRoots and WordPressRoots parameters); must match the stack. Absent keys: the stack's defaults.",
);

const regionSchema = formatted(formats.region).describe(
  'AWS region of the SSM steps, e.g. us-east-1. The aws-region input overrides it; AWS_REGION is the last fallback.',
);

export const siteSchema = strict({
  region: regionSchema.optional(),
  roots: rootsSchema.describe("This site's roots; override the file's `roots`, key by key.").optional(),
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
  roots: rootsSchema.optional(),
  sites: z
    .record(formatted(formats.siteKey), siteSchema)
    .refine((sites) => Object.keys(sites).length > 0, { error: 'is empty; define at least one site' })
    .describe('The sites, by the key the "site" input names.'),
}).meta({
  title: 'cache-purge-action sites file',
  description:
    'Which caches cache-purge-action purges for each site, in order (.github/cache-purge.yml). The action checks more than this schema can say: run `npm run check-sites` or a dry run.',
});

export type RawFile = z.infer<typeof sitesFileSchema>;
export type RawTargets = z.infer<typeof targetsSchema>;
export type RawRoots = z.infer<typeof rootsSchema>;
export type RawStep = z.infer<typeof stepSchema>;
