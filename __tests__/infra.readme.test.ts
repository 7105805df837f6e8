// The setup guide (docs/setup.md) and examples/deploy.yml stay true to the template and the project:
// at most 10 numbered steps, every stack parameter and output the docs name exists (and the parameter
// table lists them all), every `npm run` script the docs name exists, the links the docs have always
// had to the repository's files resolve, and the deploy example (and the README's snippet of it) runs
// the purge after the deploy with OIDC permissions and the documented inputs.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { evaluateTemplate, parseTemplate } from './helpers/cloudformation.js';
import { codeBlocks, docFiles, docSection, readDoc, relativeLinks } from './helpers/docs.js';
import { repoRoot } from './helpers/run-action.js';

const docs = docFiles.map((file) => ({ file, text: readDoc(file) }));
const allDocs = docs.map((d) => d.text).join('\n');
const template = parseTemplate(readFileSync(join(repoRoot, 'infra/cache-purge.yml'), 'utf8'));
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>;
};

const setup = docSection('docs/setup.md', 'Setup guide');
const parameters = Object.keys(template.Parameters ?? {});
const outputs = Object.keys(template.Outputs ?? {});

describe('docs: Setup guide, Troubleshooting, Teardown', () => {
  it('has the three sections, the guide in at most 10 numbered steps, in order', () => {
    docSection('docs/troubleshooting.md', 'Troubleshooting');
    docSection('docs/setup.md', 'Teardown');
    const steps = [...setup.matchAll(/^\*\*(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps.length).toBeLessThanOrEqual(10);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
  });

  it('every --parameter-overrides key is a template parameter, and the deploy commands carry the capability', () => {
    const overrides = [...setup.matchAll(/--parameter-overrides([^`]*?)(?:\n```|\n\n)/g)].map((m) => m[1]!);
    // steps 2 and 7, then more repositories and a second stack (Several repositories and stacks), then
    // other roots (Other directory layouts)
    expect(overrides.length).toBe(5);
    const keys = overrides.flatMap((block) =>
      [...block.matchAll(/(?:^|\s)"?([A-Za-z0-9]+)=/g)].map((m) => m[1]!),
    );
    expect(keys.length).toBeGreaterThanOrEqual(6);
    for (const key of keys) expect(parameters, `docs/setup.md overrides ${key}`).toContain(key);
    // the template can name its roles (NamePrefix): CAPABILITY_IAM would not do for that
    const deploys =
      setup.match(/aws cloudformation deploy [^`]*?--capabilities CAPABILITY_NAMED_IAM /g) ?? [];
    expect(deploys.length).toBe(5);
    expect(setup).not.toContain('CAPABILITY_IAM ');
  });

  it('the second stack and the extra repositories, as the guide deploys them, are valid parameter sets', () => {
    const values = (block: string) =>
      Object.fromEntries(
        [...block.matchAll(/(?:^|\s)"?([A-Za-z0-9]+)=([^"\s]+)"?/g)].map(
          (m) => [m[1]!, m[2]!] as [string, string],
        ),
      );
    const overrides = [...setup.matchAll(/--parameter-overrides([^`]*?)(?:\n```|\n\n)/g)].map((m) => m[1]!);
    const first = values(overrides[0]!);
    const second = values(overrides[3]!);
    expect(second.NamePrefix).toBeTruthy();
    expect(second.CreateGitHubOidcProvider).toBe('false');
    expect(() => evaluateTemplate(template, second)).not.toThrow();
    // the roots of "Other directory layouts": accepted, and written into the documents
    const roots = { ...first, ...values(overrides[4]!) };
    expect(roots.CacheRoots).toContain('/dev/shm/');
    const withRoots = evaluateTemplate(template, roots);
    expect(withRoots.resources.FastCGIDocument!.Properties.Content).toContain(
      `"readonly CACHE_ROOTS=(${roots.CacheRoots!.split(',').join(' ')})"`,
    );
    expect(withRoots.resources.W3TotalCacheDocument!.Properties.Content).toContain(
      `"readonly WORDPRESS_ROOTS=(${roots.WordPressRoots!.split(',').join(' ')})"`,
    );
    const more = values(overrides[2]!);
    expect(() =>
      evaluateTemplate(template, {
        ...first,
        ...more,
        DeployRelay: 'true',
        RelaySlackSigningSecret: 'abc',
        RelayGitHubToken: 'tok',
      }),
    ).not.toThrow();
  });

  it('every stack output the docs query exists', () => {
    const queried = [...allDocs.matchAll(/OutputKey=='([A-Za-z0-9]+)'/g)].map((m) => m[1]!);
    expect(new Set(queried)).toEqual(new Set(['PurgeRoleArn', 'RelayUrl', 'RelayLogGroupName']));
    for (const name of queried) expect(outputs).toContain(name);
    const listed = setup.match(/^Outputs: (.*(?:\n.+)*)/m)![1]!;
    expect([...listed.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]).sort()).toEqual([...outputs].sort());
  });

  it('the parameter table lists exactly the template parameters', () => {
    const table = docSection('docs/setup.md', 'The CloudFormation stack');
    const rows = table.split('\n').filter((line) => /^\| `[A-Z]/.test(line));
    const named = rows.flatMap((row) =>
      [...row.split('|')[1]!.matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]!),
    );
    expect(named.filter((n) => parameters.includes(n)).sort()).toEqual([...parameters].sort());
  });

  it('every `npm run` script the docs name exists', () => {
    const scripts = [...allDocs.matchAll(/npm run ([a-z0-9:-]+)/g)].map((m) => m[1]!);
    expect(scripts).toEqual(expect.arrayContaining(['package:relay', 'generate:infra']));
    for (const script of scripts) expect(Object.keys(packageJson.scripts)).toContain(script);
  });

  it('links to the template, the examples and the documents, and they resolve', () => {
    const links = docs.flatMap(({ file, text }) =>
      relativeLinks(text)
        .map((link) => join(dirname(file), link.target.split('#')[0]!))
        .filter((path) => /^(infra|ssm-documents|examples|src|scripts)\//.test(path)),
    );
    expect(links).toEqual(
      expect.arrayContaining(['infra/cache-purge.yml', 'examples/deploy.yml', 'ssm-documents/']),
    );
    for (const link of links) expect(existsSync(join(repoRoot, link)), link).toBe(true);
  });
});

describe('examples/deploy.yml', () => {
  const text = readFileSync(join(repoRoot, 'examples/deploy.yml'), 'utf8');
  const workflow = parse(text) as {
    permissions: Record<string, string>;
    jobs: Record<
      string,
      {
        needs?: string;
        concurrency?: { group: string; 'cancel-in-progress': boolean };
        permissions?: Record<string, string>;
        steps: { uses?: string; with?: Record<string, string> }[];
      }
    >;
  };

  it('runs the purge job after the deploy job, with id-token: write and contents: read', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['deploy', 'purge-cache']);
    const purge = workflow.jobs['purge-cache']!;
    expect(purge.needs).toBe('deploy');
    expect(purge.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it("never overlaps a purge of the same site from purge-cache.yml: the purge job joins that workflow's group", () => {
    const dispatch = parse(readFileSync(join(repoRoot, 'examples/purge-cache.yml'), 'utf8')) as {
      concurrency: { group: string; 'cancel-in-progress': boolean };
    };
    const purge = workflow.jobs['purge-cache']!;
    const site = purge.steps.find((s) => s.uses?.includes('cache-purge-action'))!.with!.site!;
    expect(purge.concurrency).toEqual({
      group: dispatch.concurrency.group.replace('${{ inputs.sites || inputs.site }}', site),
      'cancel-in-progress': dispatch.concurrency['cancel-in-progress'],
    });
    const snippet = codeBlocks(docSection('README.md', 'Use it in a deploy workflow')).find((b) =>
      b.body.startsWith('jobs:\n  deploy:'),
    )!.body;
    expect(snippet).toContain(
      `concurrency: ${dispatch.concurrency.group.replace('${{ inputs.sites || inputs.site }}', site)}`,
    );
  });

  it('uses the published action with the role and the webhook from vars/secrets, and shows the local ./ form', () => {
    const steps = workflow.jobs['purge-cache']!.steps;
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@v\d+$/);
    const step = steps.find((s) => s.uses?.includes('cache-purge-action'))!;
    expect(step.uses).toBe('OWNER/cache-purge-action@v1');
    expect(step.with).toEqual({
      site: 'portal',
      'role-to-assume': '${{ vars.CACHE_PURGE_ROLE_ARN }}',
      'slack-webhook-url': '${{ secrets.SLACK_WEBHOOK_URL }}',
    });
    expect(text).toMatch(/^\s*#\s+uses: \.\/$/m);
    for (const name of Object.keys(step.with!)) expect(Object.keys(action.inputs), name).toContain(name);
  });
});

describe('Setup guide step 5: the sed lines', () => {
  it('make both example workflows use this action at the chosen REF, and nothing else', () => {
    const step5 = setup.slice(setup.indexOf('**5. '), setup.indexOf('**6. '));
    const seds = step5.split('\n').filter((line) => line.startsWith('sed -i '));
    expect(seds).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'setup-step5-'));
    try {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      for (const f of ['deploy.yml', 'purge-cache.yml'])
        copyFileSync(join(repoRoot, 'examples', f), join(dir, '.github/workflows', f));
      const run = spawnSync('bash', ['-euc', `REF=main\n${seds.join('\n')}`], { cwd: dir, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      for (const f of ['deploy.yml', 'purge-cache.yml']) {
        const before = readFileSync(join(repoRoot, 'examples', f), 'utf8').split('\n');
        const after = readFileSync(join(dir, '.github/workflows', f), 'utf8').split('\n');
        const changed = after.filter((line, i) => line !== before[i]);
        expect(changed, f).toEqual([expect.stringMatching(/^\s+(- )?uses: OWNER\/cache-purge-action@main$/)]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
