// The pre-flight of a real run (#15 item 1), its decisions: which deployed documents to read (each
// distinct document, version and region of a bundled document among every site's steps), and, from
// what GetDocument gave, whether the run may start: the roots the deployed document confines CachePath
// / WordPressPath to (its allowedPattern, read back with rootsOfPattern) against the roots the sites
// file gives each site, and every value against the deployed allowedPattern. A difference fails the
// run before any SendCommand, naming the document, both lists of roots and the two fixes; a document
// that could not be read (a stack without ssm:GetDocument) is a warning, and the run goes on. Pure:
// the GetDocument calls are in roots-preflight.ts. The same decisions serve the dry run's stack check
// (`read-stack`, `check-sites --read-stack`), where a document not compared is an error, not a warning:
// a check that compared nothing must not pass.

import type { Plan, SsmPlanStep } from '../plan/plan.js';
import { BUNDLED_DOCUMENTS, bundledDocumentName } from '../sites-file/bundled-documents.js';
import { PARAMETER_STORE_REFERENCE } from '../sites-file/parameter-values.js';
import { DEFAULT_ROOTS, listRoots, sameRoots, yamlRoots, type SiteRoots } from '../sites-file/roots.js';
import { ROOT_SETTINGS, rootSettingOf, rootsOfPattern, type RootSetting } from '../../shared/stack-roots.js';
import { quoteCut } from '../../shared/text.js';
import type { RunWarning } from '../report/report.js';
import { errorOrigin } from '../report/diagnosis.js';

/** One deployed document to read: a document name (or ARN) as the steps write it, its version, its region. */
export interface DocumentRead {
  document: string;
  documentVersion?: string;
  region: string;
  /** The steps that run it, with the roots the sites file gives their site. */
  uses: { site: string; step: SsmPlanStep; roots: SiteRoots }[];
}

/** What GetDocument gave for a read. */
export type ReadOutcome =
  | { kind: 'content'; content: string }
  | { kind: 'denied'; message: string }
  | { kind: 'failed'; code: string; message: string };

export interface PreflightVerdict {
  /** Why the run must not start; undefined when it may. */
  error?: { code: string; title: string; message: string };
  /** Per site: what could not be compared (the run goes on). */
  warnings: Record<string, RunWarning[]>;
  /** What was compared, for the log. */
  lines: string[];
}

/**
 * `run`: the pre-flight of a real run (what could not be compared is a warning; the instance is the last
 * word). `check`: the dry run's stack check (what could not be compared fails the check).
 */
export type PreflightMode = 'run' | 'check';

/** The allowedPatterns of stacks deployed before the roots were parameters: their default roots. */
const LEGACY_PATTERNS: Record<string, readonly string[]> = {
  '^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': ROOT_SETTINGS.cache.defaults,
  '^/(var|srv)/www(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': ROOT_SETTINGS.wordpress.defaults,
};

/** The roots a deployed allowedPattern confines its parameter to, or undefined for another form. */
export const deployedRoots = (allowedPattern: string): readonly string[] | undefined =>
  rootsOfPattern(allowedPattern) ?? LEGACY_PATTERNS[allowedPattern];

/** Every distinct (document, version, region) of a bundled document among the plans' steps, in step order. */
export function documentReads(plans: readonly Plan[]): DocumentRead[] {
  const reads = new Map<string, DocumentRead>();
  for (const plan of plans) {
    for (const step of plan.steps) {
      if (step.kind !== 'ssm' || !bundledDocumentName(step.document)) continue;
      const key = JSON.stringify([step.document, step.documentVersion ?? '', step.region]);
      let read = reads.get(key);
      if (!read) {
        read = {
          document: step.document,
          ...(step.documentVersion !== undefined && { documentVersion: step.documentVersion }),
          region: step.region,
          uses: [],
        };
        reads.set(key, read);
      }
      read.uses.push({ site: plan.site, step, roots: plan.roots ?? DEFAULT_ROOTS });
    }
  }
  return [...reads.values()];
}

/** `CachePurge-FastCGI (version 3) in us-east-1` */
const named = (read: DocumentRead) =>
  `${read.document}${read.documentVersion ? ` (version ${read.documentVersion})` : ''} in ${read.region}`;

/** The settings whose parameter the bundled document confines to roots (FastCGI: cache). */
const confinedSettings = (read: DocumentRead): RootSetting[] => {
  const bundled = bundledDocumentName(read.document);
  const parameters = bundled ? Object.keys(BUNDLED_DOCUMENTS[bundled] ?? {}) : [];
  return parameters.flatMap((name) => rootSettingOf(name) ?? []);
};

interface DeployedParameter {
  allowedPattern?: unknown;
}

function parametersOf(content: string): Record<string, DeployedParameter> | undefined {
  try {
    const parsed: unknown = JSON.parse(content);
    if (!parsed || typeof parsed !== 'object') return undefined;
    const parameters = (parsed as { parameters?: unknown }).parameters ?? {};
    return typeof parameters === 'object' ? (parameters as Record<string, DeployedParameter>) : undefined;
  } catch {
    return undefined;
  }
}

/** Where the fix of a site's roots goes. */
const rootsFix = (setting: RootSetting, site: string, stack: readonly string[], configFile: string) =>
  `set \`roots.${setting.sitesFileKey}: ${yamlRoots(stack)}\` in ${configFile} (at the top level, or under sites.${site}) to match the stack`;

/** Why GetDocument's denial happened, and its fix, as the run or the check says it. */
const deniedWhy = (message: string, mode: PreflightMode) =>
  `ssm:GetDocument was denied (${quoteCut(message, 200)}): ${
    mode === 'run'
      ? 'a stack deployed before this version of cache-purge-action does not allow it. Update the stack (docs/setup.md)'
      : "the check's credentials need it on the stack's documents: the stack's role has it once the stack is updated to this version (docs/setup.md); your own credentials need it in their IAM policy"
  }`;

/** The decision: may the run start (or the check pass), and what could not be compared. */
export function preflightVerdict(
  reads: readonly DocumentRead[],
  outcomes: readonly ReadOutcome[],
  configFile: string,
  mode: PreflightMode = 'run',
): PreflightVerdict {
  const problems: string[] = [];
  let mismatch = false;
  let unread = 0;
  const warnings: Record<string, RunWarning[]> = {};
  const lines: string[] = [];
  // what could not be compared: a run warns each site using the document; a check fails on it
  const notCompared = (read: DocumentRead, why: string) => {
    if (mode === 'check') {
      unread += 1;
      problems.push(why);
      return;
    }
    const warning: RunWarning = {
      title: 'Roots not compared with the stack',
      message: `${why} See docs/troubleshooting.md, "Roots not compared with the stack".`,
    };
    for (const site of new Set(read.uses.map((use) => use.site))) (warnings[site] ??= []).push(warning);
  };
  reads.forEach((read, i) => {
    const outcome = outcomes[i]!;
    const settings = confinedSettings(read);
    const what = settings.length
      ? `the roots of the stack's ${settings.map((s) => s.stackParameter).join(' and ')}`
      : 'its parameters';
    if (outcome.kind === 'denied' || (outcome.kind === 'failed' && !/^InvalidDocument/.test(outcome.code))) {
      const why =
        outcome.kind === 'denied'
          ? deniedWhy(outcome.message, mode)
          : `GetDocument failed: ${outcome.code}: ${quoteCut(outcome.message, 200)}${errorOrigin(outcome.code) === 'network' ? ' (SSM was not reached: check the network, the proxy settings HTTPS_PROXY and NO_PROXY, and AWS_ENDPOINT_URL if set)' : ''}`;
      notCompared(
        read,
        `Could not read ${named(read)}, so ${what} were not compared with those of ${configFile} ${mode === 'run' ? 'before the run' : 'by the check'}: ${why}.${mode === 'run' ? " The run went on; each instance still refuses a path outside the stack's roots." : ''}`,
      );
      lines.push(
        `${named(read)}: not read (${outcome.kind === 'denied' ? 'AccessDenied' : outcome.code}); ${what} not compared.`,
      );
      return;
    }
    if (outcome.kind === 'failed') {
      problems.push(
        `${named(read)} does not exist (GetDocument: ${outcome.code}), so SendCommand would refuse it: check the document name (with the stack's NamePrefix), its version and the region.`,
      );
      return;
    }
    const deployed = parametersOf(outcome.content);
    if (!deployed) {
      notCompared(
        read,
        `${named(read)} as deployed is not a JSON document with parameters, so ${what} were not compared with those of ${configFile}.`,
      );
      return;
    }
    const compared = new Set<string>();
    // a parameter whose roots differ is said once, as that: its values are not listed again
    const differs = new Set<string>();
    for (const { site, step, roots } of read.uses) {
      const at = `step ${step.index} "${step.name}" of ${site}`;
      for (const setting of settings) {
        const pattern = deployed[setting.documentParameter]?.allowedPattern;
        const stack = typeof pattern === 'string' ? deployedRoots(pattern) : undefined;
        const given = roots[setting.sitesFileKey];
        const key = `${site}/${setting.sitesFileKey}`;
        if (compared.has(key)) continue;
        compared.add(key);
        if (!stack) {
          notCompared(
            read,
            `${named(read)} as deployed has no ${setting.documentParameter} allowedPattern of the form this version writes (${quoteCut(String(pattern), 120)}), so the roots of the stack's ${setting.stackParameter} were not compared with ${configFile}'s roots.${setting.sitesFileKey}. Update the stack (docs/setup.md).`,
          );
          continue;
        }
        if (sameRoots(stack, given)) {
          lines.push(
            `${named(read)}: ${setting.documentParameter} below ${listRoots(stack)}, as ${configFile} says for ${site}.`,
          );
          continue;
        }
        mismatch = true;
        differs.add(`${site}/${setting.documentParameter}`);
        const isDefault = sameRoots(given, setting.defaults) ? ', the default' : '';
        problems.push(
          `${named(read)} (${at}) confines ${setting.documentParameter} to the stack's ${setting.stackParameter}: ${listRoots(stack)}; ${configFile} gives ${site} roots.${setting.sitesFileKey}: ${listRoots(given)}${isDefault}. Either ${rootsFix(setting, site, stack, configFile)}, or update the stack's ${setting.stackParameter} parameter to ${given.join(',')}.`,
        );
      }
      for (const [name, values] of Object.entries(step.parameters)) {
        const pattern = deployed[name]?.allowedPattern;
        if (typeof pattern !== 'string' || differs.has(`${site}/${name}`)) continue;
        for (const value of values) {
          if (PARAMETER_STORE_REFERENCE.test(value) || new RegExp(pattern).test(value)) continue;
          problems.push(
            `${name} ${quoteCut(value, 120)} (${at}) does not match ${named(read)}'s allowedPattern as deployed, ${pattern}: SSM would refuse it.`,
          );
        }
      }
    }
  });
  if (problems.length === 0) return { warnings, lines };
  const onlyUnread = problems.length === unread;
  return {
    error: {
      code: mismatch ? 'RootsMismatch' : onlyUnread ? 'StackNotRead' : 'DeployedDocumentMismatch',
      title: mismatch
        ? 'Roots differ from the stack'
        : onlyUnread
          ? 'Stack not read'
          : 'The deployed documents refuse this run',
      message: [
        mode === 'run'
          ? `Nothing was run: the stack's documents, as deployed, do not fit ${configFile}.`
          : onlyUnread
            ? `The stack check did not pass: it could not compare the stack's documents with ${configFile}.`
            : `The stack check did not pass: the stack's documents, as deployed, do not fit ${configFile}.`,
        ...problems.map((problem) => `- ${problem}`),
        onlyUnread
          ? 'See docs/troubleshooting.md, "Stack not read".'
          : 'See docs/troubleshooting.md, "Roots differ from the stack".',
      ].join('\n'),
    },
    warnings,
    lines,
  };
}
