// What can still be read soundly of a sites file that failed the schema (SalvagedSitesFile), so that
// the plan's checks (region, document names and parameters) report in the same run as the schema's
// problems. Pure.

import { z } from 'zod';
import { isMapping, samePath, type PathKey, type SitesFileLocator } from './locations.js';
import { rootsSchema, ssmStepSchema, stepSchema } from './sites-file-schema.js';
import { DEFAULT_ROOTS, ROOT_KINDS, type SiteRoots } from './roots.js';

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

interface SalvagedSite {
  /**
   * The roots the site's steps are checked against (its own `roots`, the file's, the defaults), each
   * kind only when no schema problem can have changed it: a kind left out is not known.
   */
  roots: Partial<SiteRoots>;
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

/** True when `path` starts with `prefix`. */
const under = (path: readonly PropertyKey[], prefix: readonly PathKey[]) =>
  prefix.every((key, i) => path[i] === key);

/**
 * The roots of a site, kind by kind, from the first level (site, then file) that sets them; a kind is
 * left out when a level that could set it failed the schema there (or has an unknown key that may be
 * a misspelt "roots" or kind).
 */
function salvageRoots(
  levels: { at: PathKey[]; value: unknown }[],
  issues: readonly z.core.$ZodIssue[],
): Partial<SiteRoots> {
  const roots: Partial<SiteRoots> = {};
  for (const kind of ROOT_KINDS) {
    let found: readonly string[] | undefined;
    let known = true;
    for (const { at, value } of levels) {
      const broken = issues.some(
        (issue) =>
          (issue.code === 'unrecognized_keys' &&
            (samePath(issue.path, at) || samePath(issue.path, [...at, 'roots']))) ||
          samePath(issue.path, [...at, 'roots']) ||
          under(issue.path, [...at, 'roots', kind]),
      );
      if (broken) {
        known = false;
        break;
      }
      // this kind alone: a broken other kind at this level must not hide it
      const given = isMapping(value) && isMapping(value.roots) ? value.roots[kind] : undefined;
      const setting = given === undefined ? undefined : rootsSchema.shape[kind].safeParse(given);
      const listed = setting?.success ? setting.data : undefined;
      if (listed) {
        found = listed;
        break;
      }
    }
    if (known) roots[kind] = found ?? DEFAULT_ROOTS[kind];
  }
  return roots;
}

export function salvage(
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
      const ssm =
        isMapping(step) && isMapping(step.ssm) && !('cloudfront' in step) && !('verify' in step)
          ? step.ssm
          : undefined;
      // the label buildPlan would give it (its name, else its document), as far as it can be read
      const name =
        (checked.success ? checked.data.name : undefined) ||
        (isMapping(step) ? text(step.name)?.trim() : undefined) ||
        text(ssm?.document) ||
        (isMapping(step) && 'cloudfront' in step
          ? 'CloudFront'
          : isMapping(step) && 'verify' in step
            ? 'Verify'
            : 'unnamed step');
      return {
        name,
        ssm: ssm !== undefined,
        ...(checked.success && {
          run: { document: checked.data.ssm.document, parameters: checked.data.ssm.parameters ?? {} },
        }),
      };
    });
    sites[key] = {
      roots: salvageRoots(
        [
          { at: ['sites', key], value: site },
          { at: [], value: raw },
        ],
        issues,
      ),
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
