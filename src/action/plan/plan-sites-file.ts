// From the sites file's text to the plan in one pass that reports every problem it can find in one
// error: the schema's problems, and with them the plan-time checks (site, region, parameters of the
// bundled documents) of the site being purged, run on what of it is still sound when other parts of
// the file failed the schema. A user fixing a file should not learn of a second problem only on the
// next run. planSites does the same for the sites a run asks for (the `site` input as a list, or
// `all`): one plan per site, every problem of every site in one error. Pure: takes text and inputs,
// returns the plan(s) or throws one UserError.

import { readSitesFile } from '../sites-file/read-sites-file.js';
import type { SalvagedSitesFile } from '../sites-file/salvage.js';
import { schemaError } from '../sites-file/schema-problems.js';
import { combineUserErrors, isUserError, UserError } from '../../shared/errors.js';
import { buildPlan, siteError, siteKey, sitePlanProblems, type Plan, type PlanInputs } from './plan.js';
import { ALL_SITES, type SiteSelection } from '../inputs/site-list.js';

/** What a run purges: one plan per site, in the order the `site` input named them (file order for `all`). */
export interface RunPlan {
  configFile: string;
  sites: Plan[];
}

/**
 * The plan-time problems of `inputs.site` in a file that failed the schema, as far as they can be
 * told: none when the site cannot be found for sure (its key may be the broken part); a step that is
 * broken itself gets no parameter check (see SalvagedStep.run); a region written in the file that
 * failed gives no "No AWS region". Other sites are not checked here, as buildPlan does not check them.
 */
function salvagedPlanProblems(salvaged: SalvagedSitesFile, inputs: PlanInputs): UserError[] {
  const site = siteKey(inputs.site);
  const found = salvaged.sites[site];
  if (salvaged.siteNames) {
    const unknown = siteError(salvaged.siteNames, inputs);
    if (unknown) return [unknown];
  }
  if (!found) return [];
  const { problems } = sitePlanProblems(
    site,
    found.steps.map((step, position) => ({ position, ...step })),
    {
      ...(found.region && { site: found.region }),
      ...(salvaged.region && { file: salvaged.region }),
      regionKnown: found.regionKnown && salvaged.regionKnown,
    },
    { ...inputs, locate: salvaged.locate },
    found.roots,
  );
  return problems;
}

/**
 * One site's plan: planSites for the one site `inputs.site` names (the same parse, checks and one
 * UserError holding every problem under one header, in the order of the file's lines).
 */
export function planSitesFile(text: string, inputs: Omit<PlanInputs, 'locate'>): Plan {
  const { site, ...common } = inputs;
  return planSites(text, { ...common, sites: { kind: 'sites', sites: [site] } }).sites[0]!;
}

/** The `plan` output: one site's plan as it always was; for several, `{ configFile, sites: [plan, …] }`. */
export const planOutput = (plan: RunPlan): Plan | RunPlan =>
  plan.sites.length === 1 ? plan.sites[0]! : plan;

/** The site keys `selection` names, checked against the file's keys when `all` needs them. */
function selectedSites(
  selection: SiteSelection,
  fileSites: string[] | undefined,
  configFile: string,
): string[] {
  if (selection.kind === 'sites') return selection.sites.length > 0 ? selection.sites : [''];
  if (fileSites === undefined) return [];
  if (fileSites.includes(ALL_SITES)) {
    throw new UserError(
      'Ambiguous site "all"',
      `The "site" input is "all", which means every site, but ${configFile} also has a site named "all". Rename that site, or list the sites you mean.`,
      { file: configFile },
    );
  }
  return fileSites;
}

/**
 * Parses the sites file once and plans every site `inputs.sites` names. Throws one UserError holding
 * every problem of every site (the schema's first), in the order of the file's lines.
 */
export function planSites(
  text: string,
  inputs: Omit<PlanInputs, 'locate' | 'site'> & { sites: SiteSelection },
): RunPlan {
  const { sites: selection, ...common } = inputs;
  const reading = readSitesFile(text, inputs.configFile);
  if (reading.ok) {
    const { config, locate } = reading.file;
    const problems: UserError[] = [];
    const plans: Plan[] = [];
    for (const site of selectedSites(selection, Object.keys(config.sites), inputs.configFile)) {
      try {
        plans.push(buildPlan(config, { ...common, site, locate }));
      } catch (error) {
        if (!isUserError(error)) throw error;
        problems.push(error);
      }
    }
    if (problems.length > 0) throw combineUserErrors(problems);
    return { configFile: inputs.configFile, sites: plans };
  }
  const { salvaged } = reading;
  const others = selectedSites(selection, salvaged.siteNames, inputs.configFile).flatMap((site) =>
    salvagedPlanProblems(salvaged, { ...common, site }),
  );
  throw combineUserErrors([schemaError(inputs.configFile, reading.problems), ...others]);
}
