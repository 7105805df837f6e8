// From the sites file's text to the plan in one pass that reports every problem it can find in one
// error: the schema's problems, and with them the plan-time checks (site, region, parameters of the
// bundled documents) of the site being purged, run on what of it is still sound when other parts of
// the file failed the schema. A user fixing a file should not learn of a second problem only on the
// next run. Pure: takes text and inputs, returns the plan or throws one UserError.

import { readSitesFile } from '../sites-file/read-sites-file.js';
import type { SalvagedSitesFile } from '../sites-file/salvage.js';
import { schemaError } from '../sites-file/schema-problems.js';
import { combineUserErrors, type UserError } from '../../shared/errors.js';
import { buildPlan, siteError, siteKey, sitePlanProblems, type Plan, type PlanInputs } from './plan.js';

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
  );
  return problems;
}

/**
 * Parses the sites file and plans `inputs.site` (`inputs.locate` is the file's own). Throws one
 * UserError holding every problem found — the schema's and the site's, region's and parameters' —
 * under one header that counts them, in the order of the file's lines (combineUserErrors); the
 * annotation is at the earliest line. A file that passes the schema gets
 * buildPlan's checks, the CloudFront wildcard budget among them.
 */
export function planSitesFile(text: string, inputs: Omit<PlanInputs, 'locate'>): Plan {
  const reading = readSitesFile(text, inputs.configFile);
  if (reading.ok) return buildPlan(reading.file.config, { ...inputs, locate: reading.file.locate });
  const others = salvagedPlanProblems(reading.salvaged, inputs);
  throw combineUserErrors([schemaError(inputs.configFile, reading.problems), ...others]);
}
