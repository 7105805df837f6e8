// What docs/sites-file.md ("The stack's roots") and docs/troubleshooting.md say of the `roots` setting
// is what the action does: the page's sites file plans with the roots it describes, its error sample
// and plan line are what the plan writes, and the troubleshooting entries are named as the run's
// error and warning are titled.

import { describe, expect, it } from 'vitest';
import { blockAfter, docSection, readDoc } from './helpers/docs.js';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import { planLogLines } from '../src/action/plan/plan-view.js';
import { documentReads, preflightVerdict } from '../src/action/run/roots-preflight-decisions.js';
import { withAllowedPattern } from './helpers/ssm-document-contents.js';
import { allowedPatternFor } from '../src/shared/stack-roots.js';

const FILE = '.github/cache-purge.yml';
const section = docSection('docs/sites-file.md', "The stack's roots (`roots`)");
const example = blockAfter(section, 'needs the same lists in the sites file', 'yaml');

describe("docs/sites-file.md, The stack's roots", () => {
  it('its sites file plans, a site overriding the top level key by key, as the text says', () => {
    const plan = planSitesFile(example, { site: 'blog', configFile: FILE });
    expect(plan.roots).toEqual({
      cache: ['/run/nginx-cache'],
      wordpress: ['/var/www', '/opt/bitnami'],
    });
    // the plan's second line, as the page quotes its start
    const quoted = /\(`(Roots from [^`…]+), …`\)/.exec(section)![1]!;
    expect(planLogLines(plan)[1]).toBe(
      `  ${quoted}, WordPressPath against roots.wordpress (/var/www, /opt/bitnami); the stack's CacheRoots and WordPressRoots must list the same (a real run compares them before anything runs).`,
    );
  });

  it('its error sample is what the plan says of CachePath: /opt/x/cache with the defaults', () => {
    const sample = blockAfter(section, 'CachePath: /opt/x/cache` gives', '');
    const text = example
      .replace(/^roots:.*\n(?: {2}.*\n)+/m, '')
      .replace(/^ {4}roots: .*\n/m, '')
      .replace('/run/nginx-cache/blog', '/opt/x/cache')
      .replace('WordPressPath: /opt/bitnami/wordpress', 'WordPressPath: /var/www/blog');
    expect(() => planSitesFile(text, { site: 'blog', configFile: FILE })).toThrow(sample);
  });
});

describe('docs/troubleshooting.md', () => {
  const troubleshooting = readDoc('docs/troubleshooting.md');
  const plan = planSitesFile(example, { site: 'blog', configFile: FILE });
  const reads = documentReads([plan]);

  it('has an entry named as the run titles a roots difference, naming both fixes', () => {
    const verdict = preflightVerdict(
      reads,
      reads.map(() => ({
        kind: 'content' as const,
        content: withAllowedPattern(
          'CachePurge-FastCGI',
          'CachePath',
          allowedPatternFor(['/var/cache/nginx']),
        ),
      })),
      FILE,
    );
    expect(verdict.error?.title).toBe('Roots differ from the stack');
    expect(troubleshooting).toContain(`**"${verdict.error!.title}".**`);
    expect(verdict.error!.message).toContain('See docs/troubleshooting.md, "Roots differ from the stack".');
  });

  it('has an entry named as the run titles the warning of a stack without ssm:GetDocument', () => {
    const verdict = preflightVerdict(
      reads,
      reads.map(() => ({ kind: 'denied' as const, message: 'not authorized to perform: ssm:GetDocument' })),
      FILE,
    );
    const [warning] = verdict.warnings.blog!;
    expect(troubleshooting).toContain(`**"${warning!.title}".**`);
    expect(warning!.message).toContain('See docs/troubleshooting.md, "Roots not compared with the stack".');
  });

  it("has an entry named as the dry run's stack check titles a stack it could not read", () => {
    const verdict = preflightVerdict(
      reads,
      reads.map(() => ({ kind: 'denied' as const, message: 'not authorized to perform: ssm:GetDocument' })),
      FILE,
      'check',
    );
    expect(verdict.error?.title).toBe('Stack not read');
    expect(troubleshooting).toContain(`**"${verdict.error!.title}".**`);
  });
});
