// The plan: a pure function from (sites config, site, inputs) to the ordered steps exactly as they
// will run — resolved targets, parameters, region, labels and SSM delivery settings. Before any AWS
// call it checks the site, its region, its document names (document-name-check.ts), the parameters of
// the documents we ship against the site's roots (document-parameter-check.ts) and the CloudFront wildcard budget
// (cloudfront-budget.ts), and reports them in one error, each at its line in the sites file (the
// reader's locator, when the caller passes it); plan-sites-file.ts adds the schema's problems. No I/O.

import { lineNote, type PathKey, type SitesFileLocator } from '../sites-file/locations.js';
import type {
  CloudFrontStepConfig,
  SitesConfig,
  Targets,
  VerifyStepConfig,
} from '../sites-file/sites-config.js';
import { quoteValue } from '../sites-file/value-words.js';
import { formats } from '../../shared/aws-formats.js';
import { combineUserErrors, fileLocation, UserError } from '../../shared/errors.js';
import { closestMatch } from '../../shared/suggest.js';
import type { CheckedStep } from './checked-step.js';
import { documentNameError } from './document-name-check.js';
import { bundledDocumentParameterError } from './document-parameter-check.js';
import { wildcardBudgetProblems } from './cloudfront-budget.js';
import { areDefaultRoots, DEFAULT_ROOTS, siteRoots, type SiteRoots } from '../sites-file/roots.js';

const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 300;
const DEFAULT_MAX_CONCURRENCY = '50';
const DEFAULT_MAX_ERRORS = '0';

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

/** A verify step runs as written in the sites file (verify-step-schema.ts owns its defaults and checks). */
export type VerifyPlanStep = VerifyStepConfig & { index: number };

export type PlanStep = SsmPlanStep | CloudFrontPlanStep | VerifyPlanStep;

export interface Plan {
  site: string;
  /** The region SSM steps run in; CloudFront is global. */
  region: string | undefined;
  configFile: string;
  /**
   * The stack's roots as the sites file gives them for this site (`roots`), when they are not the
   * stack's defaults: the bundled documents' CachePath and WordPressPath were checked against them, and
   * the run compares them with the deployed documents' before anything runs.
   */
  roots?: SiteRoots;
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
interface FileRegions {
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
  roots: Partial<SiteRoots> = DEFAULT_ROOTS,
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
  const parameters = bundledDocumentParameterError(steps, site, inputs.configFile, locate, roots);
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
  const roots = siteRoots(config.roots, siteConfig.roots);
  const { region, problems } = sitePlanProblems(
    site,
    checked,
    { site: siteConfig.region, file: config.region },
    inputs,
    roots,
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
    if (step.kind === 'verify') return { ...step, index };
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
  return { site, region, configFile: inputs.configFile, ...(!areDefaultRoots(roots) && { roots }), steps };
}

/** What a CloudFront step invalidates and whether it waits: the `paths` and wait-for-invalidation inputs win. */
function cloudFrontRun(step: CloudFrontStepConfig, inputs: PlanInputs): { paths: string[]; wait: boolean } {
  return { paths: inputs.paths ?? step.paths, wait: inputs.waitForInvalidation === true || step.wait };
}
