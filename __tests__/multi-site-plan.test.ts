// Several sites in one run, before anything runs: the `site` input as a list or `all`, the
// `max-parallel-sites` input, and planSites — one plan per site, every problem of every site in one
// error, the `plan` output keeping its one-site shape.

import { describe, expect, it } from 'vitest';
import { parseMaxParallelSites, parseSiteSelection } from '../src/action/inputs/site-list.js';
import { planOutput, planSites } from '../src/action/plan/plan-sites-file.js';
import { UserError } from '../src/shared/errors.js';
import { exampleConfig } from './helpers/run-action.js';

const FILE = '.github/cache-purge.yml';

function refused(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('accepted');
}

describe('the site input as a list', () => {
  it('one site, comma- or newline-separated lists, trimmed and de-duplicated (case-insensitive)', () => {
    expect(parseSiteSelection('portal')).toEqual({ kind: 'sites', sites: ['portal'] });
    expect(parseSiteSelection(' portal, main\nblog\r\n,Portal ,')).toEqual({
      kind: 'sites',
      sites: ['portal', 'main', 'blog'],
    });
    expect(parseSiteSelection('')).toEqual({ kind: 'sites', sites: [] });
  });

  it('all (any case, even repeated) asks for every site; all with names is refused with the fix', () => {
    expect(parseSiteSelection('ALL')).toEqual({ kind: 'all' });
    expect(parseSiteSelection('all,all')).toEqual({ kind: 'all' });
    expect(refused(() => parseSiteSelection('all, portal')).message).toBe(
      'Input "site" is "all, portal": "all" already means every site of the sites file; use all alone, or list the sites you mean without it.',
    );
  });

  it('max-parallel-sites: 1–20, default 4, anything else names the input and the range', () => {
    expect(parseMaxParallelSites('')).toBe(4);
    expect(parseMaxParallelSites('1')).toBe(1);
    expect(parseMaxParallelSites('20')).toBe(20);
    for (const bad of ['0', '21', '2.5', 'four', '-1']) {
      expect(refused(() => parseMaxParallelSites(bad)).message).toBe(
        `Input "max-parallel-sites" is ${JSON.stringify(bad)}; use a whole number from 1 to 20 (default 4): how many sites of one run purge at the same time.`,
      );
    }
  });
});

describe('planSites', () => {
  it('plans each site named, in the order given; one site keeps the plan output as it was', () => {
    const two = planSites(exampleConfig, { sites: parseSiteSelection('main, portal'), configFile: FILE });
    expect(two.sites.map((p) => p.site)).toEqual(['main', 'portal']);
    expect(planOutput(two)).toEqual({ configFile: FILE, sites: two.sites });
    const one = planSites(exampleConfig, { sites: parseSiteSelection('portal'), configFile: FILE });
    expect(planOutput(one)).toEqual(one.sites[0]);
    expect(planOutput(one)).toMatchObject({ site: 'portal', configFile: FILE });
  });

  it('all: every site of the file, in file order', () => {
    const all = planSites(exampleConfig, { sites: { kind: 'all' }, configFile: FILE });
    expect(all.sites.map((p) => p.site)).toEqual(['portal', 'main', 'shop']);
  });

  it('every unknown site of the list in one error, each with its suggestion', () => {
    const error = refused(() =>
      planSites(exampleConfig, { sites: parseSiteSelection('portl, main, mian2x'), configFile: FILE }),
    );
    expect(error.problemCount).toBe(2);
    expect(error.message).toContain(
      'Site "portl" is not defined in .github/cache-purge.yml — did you mean "portal"?',
    );
    expect(error.message).toContain('Site "mian2x" is not defined');
  });

  it('an empty list is the missing-site error', () => {
    const error = refused(() =>
      planSites(exampleConfig, { sites: parseSiteSelection(' , '), configFile: FILE }),
    );
    expect(error.title).toBe('Missing site');
  });

  it('all with a site named "all" in the file is ambiguous: refused, naming the fix', () => {
    const file = exampleConfig.replace(/^ {2}main:$/m, '  all:');
    expect(file).not.toBe(exampleConfig);
    expect(refused(() => planSites(file, { sites: { kind: 'all' }, configFile: FILE })).message).toBe(
      'The "site" input is "all", which means every site, but .github/cache-purge.yml also has a site named "all". Rename that site, or list the sites you mean.',
    );
  });

  it('a file that fails the schema: its problems, and those of every listed site that can be told', () => {
    const file = exampleConfig.replace('document: CachePurge-FastCGI', 'documnet: CachePurge-FastCGI');
    const error = refused(() =>
      planSites(file, { sites: parseSiteSelection('portal, nope'), configFile: FILE }),
    );
    expect(error.message).toContain('documnet');
    expect(error.message).toContain('Site "nope" is not defined');
  });
});
