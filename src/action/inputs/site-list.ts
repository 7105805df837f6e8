// The `site` input as a list: one site, several (comma- or newline-separated), or `all` (every site of
// the sites file). Here the input is only split, trimmed, lower-cased and de-duplicated; whether each
// name is a site of the file is the plan's check (planSites, plan/plan-sites-file.ts). Pure.

import { ALL_SITES } from '../../shared/all-sites.js';
import { UserError } from '../../shared/errors.js';

export { ALL_SITES };

export type SiteSelection =
  | { kind: 'all' }
  /** The sites as written (trimmed, in the order given, first of each duplicate kept); may be empty. */
  | { kind: 'sites'; sites: string[] };

/** Splits the `site` input on commas and newlines; `all` alone asks for every site. */
export function parseSiteSelection(raw: string): SiteSelection {
  const names = raw
    .split(/[,\r\n]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const keys = names.map((name) => name.toLowerCase());
  if (keys.includes(ALL_SITES)) {
    if (keys.every((key) => key === ALL_SITES)) return { kind: 'all' };
    throw new UserError(
      'Invalid input',
      `Input "site" is ${JSON.stringify(raw.trim())}: "all" already means every site of the sites file; use all alone, or list the sites you mean without it.`,
    );
  }
  const seen = new Set<string>();
  const sites = names.filter((name, i) => {
    if (seen.has(keys[i]!)) return false;
    seen.add(keys[i]!);
    return true;
  });
  return { kind: 'sites', sites };
}

export const MAX_PARALLEL_SITES_DEFAULT = 4;
const MAX_PARALLEL_SITES_RANGE = { min: 1, max: 20 } as const;

/** `max-parallel-sites`: a whole number from 1 to 20; '' → 4. */
export function parseMaxParallelSites(raw: string): number {
  if (raw === '') return MAX_PARALLEL_SITES_DEFAULT;
  const { min, max } = MAX_PARALLEL_SITES_RANGE;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UserError(
      'Invalid input',
      `Input "max-parallel-sites" is ${JSON.stringify(raw)}; use a whole number from ${min} to ${max} (default ${MAX_PARALLEL_SITES_DEFAULT}): how many sites of one run purge at the same time.`,
    );
  }
  return Number(raw);
}
