// How a plan reads to a person: plain lines for the log and a Markdown table for the job summary
// (long path lists cut to their first few; the `plan` output keeps them all). Pure string building.

import type { Targets } from '../sites-file/sites-config.js';
import type { Plan, PlanStep } from './plan.js';
import { listPaths } from '../sites-file/paths.js';
import { bundledDocumentName } from '../sites-file/bundled-documents.js';
import { formatDuration, listFirst, plural } from '../../shared/text.js';
import type { VerifyStepConfig } from '../sites-file/verify-step-schema.js';
import { ROOT_SETTINGS } from '../../shared/stack-roots.js';
import { describeSiteRoots, ROOT_KINDS } from '../sites-file/roots.js';

/** What a dry run says the step would do: the explicit URLs, and that the sitemap will be read. */
export function describeVerifyPlan(config: VerifyStepConfig): string[] {
  const lines = [
    config.urls.length > 0
      ? `would request ${plural(config.urls.length, 'URL')}: ${listFirst(config.urls, 5, ', ')}`
      : 'would request no listed URLs',
  ];
  if (config.sitemap !== undefined) {
    lines.push(
      `would read the sitemap ${config.sitemap} (indexes followed) and take up to ${plural(config.limit, 'URL')} from it`,
    );
  }
  lines.push(
    `${config.warm ? 'would request each URL that misses a cache again and expect a hit' : 'would not re-request misses (warm: false)'}; ${config.concurrency} at a time, within ${config.timeoutSeconds} s`,
  );
  return lines;
}

function describeTargets(targets: Targets): string {
  if ('instanceIds' in targets) {
    const ids = targets.instanceIds;
    return ids.length === 1 ? `instance ${ids[0]}` : `${ids.length} instances (${ids.join(', ')})`;
  }
  const tags = Object.entries(targets.tags).map(([key, values]) => `${key}=${values.join('|')}`);
  return `instances tagged ${tags.join(' and ')}`;
}

function describeParameters(parameters: Record<string, string[]>): string {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return 'no parameters';
  return entries.map(([name, values]) => `${name}=${values.join(',')}`).join(' ');
}

/** Said of a step whose document is not one of ours: the plan checked none of its parameters. */
const CUSTOM_DOCUMENT_NOTE = 'custom document: parameters not checked';

/** ` (custom document: parameters not checked)` after a document that is the user's own; '' for ours. */
const customNote = (document: string) => (bundledDocumentName(document) ? '' : ` (${CUSTOM_DOCUMENT_NOTE})`);

export function describeStep(step: PlanStep): string {
  if (step.kind === 'verify') return `verify as a visitor: ${describeVerifyPlan(step).join('; ')}`;
  if (step.kind === 'cloudfront') {
    return `invalidate ${listPaths(step.paths)} on CloudFront distribution ${step.distributionId}${step.wait ? ', waiting until completed' : ''}`;
  }
  const version = step.documentVersion ? ` (version ${step.documentVersion})` : '';
  return `run SSM document ${step.document}${version}${customNote(step.document)} on ${describeTargets(step.targets)} in ${step.region}; ${describeParameters(step.parameters)}`;
}

/**
 * What the bundled documents' paths are checked against, when the sites file's `roots` are not the
 * stack's defaults: `CachePath checked against roots.cache (/run/nginx-cache) and WordPressPath against …`.
 */
export function planRootsLine(plan: Plan): string | undefined {
  const { roots } = plan;
  if (!roots) return undefined;
  const parts = ROOT_KINDS.map((kind) => {
    const setting = ROOT_SETTINGS[kind];
    return `${setting.documentParameter} against ${describeSiteRoots(setting, roots[kind])}`;
  });
  const stack = ROOT_KINDS.map((kind) => ROOT_SETTINGS[kind].stackParameter).join(' and ');
  return `Roots from ${plan.configFile}: ${parts.join(', ')}; the stack's ${stack} must list the same (a real run compares them before anything runs).`;
}

export function planLogLines(plan: Plan): string[] {
  const roots = planRootsLine(plan);
  return [
    `Site "${plan.site}" from ${plan.configFile}: ${plural(plan.steps.length, 'step')}, in this order; the first failure stops the rest.`,
    ...(roots ? [`  ${roots}`] : []),
    ...plan.steps.map((step) => `  ${step.index}. ${step.name}: ${describeStep(step)}`),
  ];
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function planMarkdownTable(plan: Plan): string {
  const rows = plan.steps.map((step) => {
    if (step.kind === 'verify') {
      const urls = step.urls.map((u) => `\`${u}\``);
      const where = `${urls.length > 0 ? listPaths(urls) : '–'}${step.sitemap ? ` + sitemap \`${step.sitemap}\` (up to ${step.limit})` : ''}`;
      const settings = `${step.warm ? 'warms and expects hits' : 'does not warm'} · ${step.concurrency} at a time`;
      return `| ${step.index} | ${cell(step.name)} | verify as a visitor | ${cell(where)} | ${cell(settings)} |`;
    }
    const what =
      step.kind === 'ssm'
        ? `SSM \`${step.document}\`${customNote(step.document)}`
        : `CloudFront \`${step.distributionId}\``;
    const where =
      step.kind === 'ssm'
        ? `${describeTargets(step.targets)} (${step.region})`
        : listPaths(step.paths.map((p) => `\`${p}\``));
    const settings =
      step.kind === 'ssm'
        ? `${Object.entries(step.parameters)
            .map(([k, v]) => `${k}=\`${v.join(',')}\``)
            .join(
              ' ',
            )} · delivery timeout ${formatDuration(step.deliveryTimeoutSeconds * 1000)} · concurrency ${step.maxConcurrency} · max errors ${step.maxErrors}`
        : step.wait
          ? 'waits for completion'
          : 'does not wait';
    return `| ${step.index} | ${cell(step.name)} | ${cell(what)} | ${cell(where)} | ${cell(settings)} |`;
  });
  const roots = planRootsLine(plan);
  return [
    '| # | Step | Action | Targets / paths | Settings |',
    '|---|---|---|---|---|',
    ...rows,
    ...(roots ? ['', cell(roots)] : []),
  ].join('\n');
}
