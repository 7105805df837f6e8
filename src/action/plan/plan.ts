// The plan: a pure function from (sites config, site, inputs) to the ordered steps exactly as they
// will run — resolved targets, parameters, region, labels and SSM delivery settings. Parameters of the
// documents we ship are checked against their bundled definitions here, before any AWS call; an error
// about a step names its line in the sites file (read-sites-file.ts's locator, when the caller passes it). The
// region, parameter and CloudFront wildcard-budget (cloudfront-budget.ts) problems of a site come in one
// error (plan-sites-file.ts adds the schema's). No I/O.

import {
  formatPathAt,
  lineNote,
  type Located,
  type PathKey,
  type SitesFileLocator,
} from '../sites-file/locations.js';
import type { SalvagedStep } from '../sites-file/salvage.js';
import type { CloudFrontStepConfig, SitesConfig, Targets } from '../sites-file/sites-config.js';
import { quoteValue } from '../sites-file/value-words.js';
import { formats } from '../../shared/aws-formats.js';
import { combineUserErrors, fileLocation, UserError } from '../../shared/errors.js';
import { closestMatch } from '../../shared/suggest.js';
import { bundledDocumentProblems, documentKind } from '../sites-file/bundled-documents.js';
import { documentNameError } from './document-name-check.js';
import { wildcardBudgetProblems } from './cloudfront-budget.js';

export const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 300;
export const DEFAULT_MAX_CONCURRENCY = '50';
export const DEFAULT_MAX_ERRORS = '0';

export interface SsmPlanStep {
  index: number;
  kind: 'ssm';
  name: string;
  region: string;
  document: string;
  documentVersion?: string;
  parameters: Record<string, string[]>;
  targets: Targets;
  deliveryTimeoutSeconds: number;
  maxConcurrency: string;
  maxErrors: string;
}

export interface CloudFrontPlanStep {
  index: number;
  kind: 'cloudfront';
  name: string;
  distributionId: string;
  paths: string[];
  wait: boolean;
}

export type PlanStep = SsmPlanStep | CloudFrontPlanStep;

export interface Plan {
  site: string;
  /** The region SSM steps run in; CloudFront is global. */
  region: string | undefined;
  configFile: string;
  steps: PlanStep[];
}

export interface PlanInputs {
  /** The `site` input as given. */
  site: string;
  /** The `aws-region` input; overrides the file. */
  region?: string;
  /** `AWS_REGION` from the environment: the last fallback. */
  environmentRegion?: string;
  /** Overrides every CloudFront step's paths (already normalised). */
  paths?: string[];
  /** Forces every CloudFront step to wait for completion. */
  waitForInvalidation?: boolean;
  /** The file name shown in errors. */
  configFile: string;
  /**
   * Where the config's paths are written in that file (parseSitesFile's `locate`): errors about a
   * step or a parameter then name its line, and their annotation points at it.
   */
  locate?: SitesFileLocator;
}

/** The sites-file key the `site` input names: trimmed and lower-cased (site keys are lower case). */
export const siteKey = (input: string) => input.trim().toLowerCase();

/** The regions the sites file gives a site: its own, and the file's default. */
export interface FileRegions {
  site?: string;
  file?: string;
}

/** The region SSM steps run in, by precedence; an error when the one that applies is not a region code. */
function resolveRegion(
  regions: FileRegions,
  site: string,
  inputs: PlanInputs,
): { region?: string; error?: UserError } {
  const candidates: [string | undefined, string][] = [
    [inputs.region, 'the aws-region input'],
    [regions.site, `sites.${site}.region in ${inputs.configFile}`],
    [regions.file, `region in ${inputs.configFile}`],
    [inputs.environmentRegion, 'the AWS_REGION environment variable'],
  ];
  for (const [value, source] of candidates) {
    const region = value?.trim();
    if (!region) continue;
    if (!formats.region.pattern.test(region)) {
      return {
        error: new UserError(
          'Invalid AWS region',
          `${source} is ${JSON.stringify(region)}, which is not valid; use ${formats.region.allowed}.`,
        ),
      };
    }
    return { region };
  }
  return {};
}

/** "Missing site" or "Unknown site" when the `site` input names none of `sites`; undefined when it does. */
export function siteError(sites: string[], inputs: PlanInputs): UserError | undefined {
  const known = [...sites].sort();
  const list = known.join(', ');
  const site = siteKey(inputs.site);
  if (site === '') {
    return new UserError(
      'Missing site',
      `The "site" input is empty; set it to one of the sites in ${inputs.configFile}: ${list}.`,
    );
  }
  if (known.includes(site)) return undefined;
  const suggestion = closestMatch(site, known);
  const hint = suggestion
    ? ` — did you mean ${JSON.stringify(suggestion)}? Known sites: ${list}.`
    : `; known sites: ${list}.`;
  return new UserError(
    'Unknown site',
    `Site ${quoteValue(inputs.site.trim())} is not defined in ${inputs.configFile}${hint} Set the "site" input to one of them, or add it under "sites:" in the file.`,
    { file: inputs.configFile },
  );
}

/**
 * A step as the plan-time checks read it: its label, whether it runs SSM (it then needs a region), the
 * document and parameters to check against the bundled definitions (absent: not checked), and its
 * place. The same shape whether it comes from a parsed file (buildPlan) or a salvaged one.
 */
export interface CheckedStep extends SalvagedStep {
  /** 0-based position in the site's `steps`. */
  position: number;
}

/**
 * The plan-time checks of a site that also run on a file that failed the schema (salvaged): the region
 * (when a step runs SSM; `regionKnown` false skips "No AWS region" when a region written in the file
 * could not be read), document names that look like a bundled one misspelt (document-name-check.ts)
 * and the parameters of the bundled documents. buildPlan adds the CloudFront
 * wildcard budget, which needs the parsed steps. [] when the site passes.
 */
export function sitePlanProblems(
  site: string,
  steps: readonly CheckedStep[],
  regions: FileRegions & { regionKnown?: boolean },
  inputs: PlanInputs,
): { region?: string; problems: UserError[] } {
  const locate = (path: readonly PathKey[], keyName?: string) => inputs.locate?.(path, keyName);
  const problems: UserError[] = [];
  const { region, error } = resolveRegion(regions, site, inputs);
  if (error) problems.push(error);
  const firstSsm = steps.find((step) => step.ssm);
  if (!region && !error && firstSsm && regions.regionKnown !== false) {
    const at = locate(['sites', site, 'steps', firstSsm.position]);
    problems.push(
      new UserError(
        'No AWS region',
        `Step ${firstSsm.position + 1} (${firstSsm.name})${lineNote(at)} runs an SSM document but no region is set. Add "region: us-east-1" (your region) to ${inputs.configFile}, set the "aws-region" input, or set AWS_REGION (aws-actions/configure-aws-credentials does).`,
        fileLocation(inputs.configFile, at),
      ),
    );
  }
  const names = documentNameError(steps, site, inputs.configFile, locate);
  if (names) problems.push(names);
  const parameters = bundledDocumentParameterError(steps, site, inputs.configFile, locate);
  if (parameters) problems.push(parameters);
  return { ...(region && { region }), problems };
}

export function buildPlan(config: SitesConfig, inputs: PlanInputs): Plan {
  const unknown = siteError(Object.keys(config.sites), inputs);
  if (unknown) throw unknown;
  const site = siteKey(inputs.site);
  const siteConfig = config.sites[site]!;

  const checked = siteConfig.steps.map((step, position): CheckedStep => ({
    position,
    name: step.name,
    ssm: step.kind === 'ssm',
    ...(step.kind === 'ssm' && { run: { document: step.document, parameters: step.parameters } }),
  }));
  const { region, problems } = sitePlanProblems(
    site,
    checked,
    { site: siteConfig.region, file: config.region },
    inputs,
  );
  // CloudFront steps as they will run (the `paths` input and wait-for-invalidation applied): their
  // wildcard paths still in progress together must fit CloudFront's 15 per distribution
  problems.push(
    ...wildcardBudgetProblems(
      siteConfig.steps.flatMap((step, position) =>
        step.kind === 'cloudfront'
          ? [
              {
                position,
                ...cloudFrontRun(step, inputs),
                name: step.name,
                distributionId: step.distributionId,
              },
            ]
          : [],
      ),
      {
        site,
        configFile: inputs.configFile,
        pathsFromInput: inputs.paths !== undefined,
        locate: inputs.locate,
      },
    ),
  );
  if (problems.length > 0) throw combineUserErrors(problems);

  const steps = siteConfig.steps.map((step, i): PlanStep => {
    const index = i + 1;
    if (step.kind === 'cloudfront') {
      return {
        index,
        kind: 'cloudfront',
        name: step.name,
        distributionId: step.distributionId,
        ...cloudFrontRun(step, inputs),
      };
    }
    // sitePlanProblems has refused a site whose SSM steps have no region
    if (!region) throw new Error(`step ${index} runs SSM without a region`);
    // The schema guarantees a step without targets has site targets.
    const targets = step.targets ?? siteConfig.targets!;
    return {
      index,
      kind: 'ssm',
      name: step.name,
      region,
      document: step.document,
      ...(step.documentVersion !== undefined && { documentVersion: step.documentVersion }),
      parameters: step.parameters,
      targets,
      deliveryTimeoutSeconds: step.timeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS,
      maxConcurrency: step.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
      maxErrors: step.maxErrors ?? DEFAULT_MAX_ERRORS,
    };
  });
  return { site, region, configFile: inputs.configFile, steps };
}

/** What a CloudFront step invalidates and whether it waits: the `paths` and wait-for-invalidation inputs win. */
function cloudFrontRun(step: CloudFrontStepConfig, inputs: PlanInputs): { paths: string[]; wait: boolean } {
  return { paths: inputs.paths ?? step.paths, wait: inputs.waitForInvalidation === true || step.wait };
}

/**
 * SSM refuses, at SendCommand, parameters its document does not declare, a missing required one and
 * a value outside its allowedPattern. For the documents we ship, say so now, each at its path in the
 * sites file, against the definition bundled with this action (a copy pinned with document-version is
 * still checked against ours: the names are this action's).
 */
function bundledDocumentParameterError(
  steps: readonly CheckedStep[],
  site: string,
  configFile: string,
  locate: SitesFileLocator,
): UserError | undefined {
  const found: { at: Located | undefined; line: string }[] = [];
  const documents = new Set<string>();
  for (const step of steps) {
    if (!step.run) continue;
    // a near miss of one of ours is checked as the one it means: fixing the name reveals nothing new
    const kind = documentKind(step.run.document);
    const checkedAs =
      kind.kind === 'bundled' ? kind.name : kind.kind === 'near-miss' ? kind.meant : undefined;
    if (!checkedAs) continue;
    const problems = bundledDocumentProblems(checkedAs, step.run.parameters);
    if (problems.length === 0) continue;
    documents.add(checkedAs);
    const path = ['sites', site, 'steps', step.position, 'ssm', 'parameters'];
    for (const { parameter, problem, about } of problems) {
      // a missing parameter is shown at the step's parameters (or its ssm), an unknown name at the
      // name, a bad value at the value
      const at =
        parameter === undefined
          ? locate(path)
          : about === 'name'
            ? locate(path, parameter)
            : locate([...path, parameter]);
      found.push({
        at,
        line: `  - ${formatPathAt(parameter === undefined ? path : [...path, parameter], at)} (step ${step.position + 1}, ${step.name}): ${problem}`,
      });
    }
  }
  if (found.length === 0) return undefined;
  // in the order of the file (a sites file may list its steps' keys in any order); stable
  found.sort((a, b) => (a.at?.line ?? Infinity) - (b.at?.line ?? Infinity));
  const lines = found.map((f) => f.line);
  const names = [...documents];
  return new UserError(
    'Invalid document parameters',
    [
      `${configFile}: SSM would refuse ${lines.length === 1 ? 'this parameter' : 'these parameters'} at SendCommand:`,
      ...lines,
      `Checked before any AWS call against the definition${names.length === 1 ? '' : 's'} of ${names.join(' and ')} bundled with cache-purge-action (ssm-documents/${names.length === 1 ? `${names[0]}.json` : '*.json'}).`,
    ].join('\n'),
    fileLocation(configFile, found[0]!.at),
    lines.length,
  );
}
