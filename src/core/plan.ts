// The plan: a pure function from (sites config, site, inputs) to the ordered steps exactly as they
// will run — resolved targets, parameters, region, labels and SSM delivery settings. Parameters of the
// documents we ship are checked against their bundled definitions here, before any AWS call; an error
// about a step names its line in the sites file (config.ts's locator, when the caller passes it). No I/O.

import {
  formatPathAt,
  quoteValue,
  type Located,
  type PathKey,
  type SitesConfig,
  type SitesFileLocator,
  type Targets,
} from './config.js';
import { formats } from './aws-formats.js';
import { UserError } from './errors.js';
import { closestMatch } from './suggest.js';
import { BUNDLED_DOCUMENTS, bundledDocumentName, bundledDocumentProblems } from './bundled-documents.js';

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

export function knownSites(config: SitesConfig): string[] {
  return Object.keys(config.sites).sort();
}

function resolveRegion(config: SitesConfig, site: string, inputs: PlanInputs): string | undefined {
  const candidates: [string | undefined, string][] = [
    [inputs.region, 'the aws-region input'],
    [config.sites[site]?.region, `sites.${site}.region in ${inputs.configFile}`],
    [config.region, `region in ${inputs.configFile}`],
    [inputs.environmentRegion, 'the AWS_REGION environment variable'],
  ];
  for (const [value, source] of candidates) {
    const region = value?.trim();
    if (!region) continue;
    if (!formats.region.pattern.test(region)) {
      throw new UserError(
        'Invalid AWS region',
        `${source} is ${JSON.stringify(region)}, which is not valid; use ${formats.region.allowed}.`,
      );
    }
    return region;
  }
  return undefined;
}

export function buildPlan(config: SitesConfig, inputs: PlanInputs): Plan {
  const sites = knownSites(config).join(', ');
  const site = inputs.site.trim().toLowerCase();
  if (site === '') {
    throw new UserError(
      'Missing site',
      `The "site" input is empty; set it to one of the sites in ${inputs.configFile}: ${sites}.`,
    );
  }
  const siteConfig = config.sites[site];
  if (!siteConfig) {
    const suggestion = closestMatch(site, knownSites(config));
    const known = suggestion
      ? ` — did you mean ${JSON.stringify(suggestion)}? Known sites: ${sites}.`
      : `; known sites: ${sites}.`;
    throw new UserError(
      'Unknown site',
      `Site ${quoteValue(inputs.site.trim())} is not defined in ${inputs.configFile}${known} Set the "site" input to one of them, or add it under "sites:" in the file.`,
      { file: inputs.configFile },
    );
  }

  const region = resolveRegion(config, site, inputs);
  const locate = (path: readonly PathKey[], keyName?: string) => inputs.locate?.(path, keyName);
  const steps = siteConfig.steps.map((step, i): PlanStep => {
    const index = i + 1;
    if (step.kind === 'cloudfront') {
      return {
        index,
        kind: 'cloudfront',
        name: step.name,
        distributionId: step.distributionId,
        paths: inputs.paths ?? step.paths,
        wait: inputs.waitForInvalidation === true || step.wait,
      };
    }
    if (!region) {
      const at = locate(['sites', site, 'steps', i]);
      throw new UserError(
        'No AWS region',
        `Step ${index} (${step.name})${at ? ` (line ${at.line})` : ''} runs an SSM document but no region is set. Add "region: us-east-1" (your region) to ${inputs.configFile}, set the "aws-region" input, or set AWS_REGION (aws-actions/configure-aws-credentials does).`,
        fileLocation(inputs.configFile, at),
      );
    }
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

  checkBundledDocumentParameters(steps, site, inputs.configFile, locate);
  return { site, region, configFile: inputs.configFile, steps };
}

/**
 * SSM refuses, at SendCommand, parameters its document does not declare, a missing required one and
 * a value outside its allowedPattern. For the documents we ship, say so now, each at its path in the
 * sites file, against the definition bundled with this action (a copy pinned with document-version is
 * still checked against ours: the names are this action's).
 */
function checkBundledDocumentParameters(
  steps: PlanStep[],
  site: string,
  configFile: string,
  locate: SitesFileLocator,
): void {
  const lines: string[] = [];
  const documents = new Set<string>();
  let first: Located | undefined;
  for (const step of steps) {
    if (step.kind !== 'ssm') continue;
    const problems = bundledDocumentProblems(step.document, step.parameters);
    if (problems.length === 0) continue;
    const name = bundledDocumentName(step.document)!;
    const declared = BUNDLED_DOCUMENTS[name]!;
    documents.add(name);
    const path = ['sites', site, 'steps', step.index - 1, 'ssm', 'parameters'];
    for (const { parameter, problem } of problems) {
      // a missing parameter is shown at the step's parameters (or its ssm), an unknown name at the
      // name, a bad value at the value
      const at =
        parameter === undefined
          ? locate(path)
          : Object.hasOwn(declared, parameter)
            ? locate([...path, parameter])
            : locate(path, parameter);
      first ??= at;
      lines.push(
        `  - ${formatPathAt(parameter === undefined ? path : [...path, parameter], at)} (step ${step.index}, ${step.name}): ${problem}`,
      );
    }
  }
  if (lines.length === 0) return;
  const names = [...documents];
  throw new UserError(
    'Invalid document parameters',
    [
      `${configFile}: SSM would refuse ${lines.length === 1 ? 'this parameter' : 'these parameters'} at SendCommand:`,
      ...lines,
      `Checked before any AWS call against the definition${names.length === 1 ? '' : 's'} of ${names.join(' and ')} bundled with cache-purge-action (ssm-documents/${names.length === 1 ? `${names[0]}.json` : '*.json'}).`,
    ].join('\n'),
    fileLocation(configFile, first),
  );
}

/** An annotation's place: the file, and the line and column of the node when known. */
function fileLocation(file: string, at: Located | undefined) {
  return { file, ...(at && { line: at.line, column: at.column }) };
}
