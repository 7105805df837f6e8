// Runner-level tests of the committed bundle: `node dist/index.js` started exactly as the GitHub
// runner starts it. Proves dist/ is complete and the dry run, outputs, summary and annotations work.

import { describe, expect, it } from 'vitest';
import { errorAnnotations, exampleConfig, runAction } from './helpers/run-action.js';

const CONFIG = { '.github/cache-purge.yml': exampleConfig };

describe('dist/index.js under runner conditions', () => {
  it('a dry run of portal prints the plan, sets status and plan, and writes the summary table', async () => {
    const run = await runAction({ inputs: { site: 'portal', 'dry-run': 'true' }, files: CONFIG });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    const plan = JSON.parse(run.outputs.plan!);
    expect(plan.site).toBe('portal');
    expect(plan.steps.map((s: { name: string }) => s.name)).toEqual([
      'W3 Total Cache',
      'FastCGI cache',
      'CloudFront',
    ]);
    expect(run.stdout).toContain('::group::Plan for portal\n');
    expect(run.stdout).toContain(
      '  2. FastCGI cache: run SSM document CachePurge-FastCGI on instance i-0123456789abcdef0 in us-east-1; CachePath=/var/cache/nginx/portal\n',
    );
    expect(run.summary).toContain('## 📝 Cache purge plan for `portal` (dry run)');
    expect(run.summary).toContain('| 3 | CloudFront | CloudFront `E2EXAMPLE12345` | `/*` | does not wait |');
    expect(errorAnnotations(run.stdout)).toEqual([]);
  });

  it('reads a JSON sites file given by the config input, and the aws-region input overrides the file', async () => {
    const json = JSON.stringify({
      region: 'us-east-1',
      sites: {
        shop: {
          targets: { tags: { Site: 'shop' } },
          steps: [
            { ssm: { document: 'CachePurge-FastCGI', parameters: { CachePath: '/var/cache/nginx/shop' } } },
          ],
        },
      },
    });
    const run = await runAction({
      inputs: { site: 'shop', 'dry-run': 'true', config: 'ops/sites.json', 'aws-region': 'eu-west-1' },
      files: { 'ops/sites.json': json },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.plan!).steps[0]).toMatchObject({
      region: 'eu-west-1',
      targets: { tags: { Site: ['shop'] } },
    });
  });

  it('an unknown site fails with one annotation suggesting the site and listing the known ones, no stack trace', async () => {
    const run = await runAction({ inputs: { site: 'portl', 'dry-run': 'true' }, files: CONFIG });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Unknown site,file=.github/cache-purge.yml',
        message:
          'Site "portl" is not defined in .github/cache-purge.yml — did you mean "portal"? Known sites: main, portal, shop. Set the "site" input to one of them, or add it under "sites:" in the file.',
      },
    ]);
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    expect(run.outputs.status).toBeUndefined();
  });

  it('a broken sites file fails with one annotation at the line, naming the path and the fix', async () => {
    const broken = exampleConfig.replace('document: CachePurge-FastCGI', 'documnet: CachePurge-FastCGI');
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true' },
      files: { '.github/cache-purge.yml': broken },
    });
    expect(run.code).toBe(1);
    const [annotation, ...rest] = errorAnnotations(run.stdout);
    expect(rest).toEqual([]);
    expect(annotation!.properties).toMatch(
      /^title=Sites file does not match the schema,file=\.github\/cache-purge\.yml,line=\d+,col=\d+$/,
    );
    expect(annotation!.message).toBe(
      [
        '.github/cache-purge.yml has a problem:',
        '  - sites.portal.steps[1].ssm.documnet (line 19): unknown key "documnet" — did you mean "document"? Allowed here: document, parameters, targets, document-version, timeout-seconds, max-concurrency, max-errors',
      ].join('\n'),
    );
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('a parameter a bundled document would refuse, in the second site, is annotated at its line', async () => {
    // examples/cache-purge.yml: main's FastCGI step sets CachePath on line 44, column 25
    const broken = exampleConfig.replace(
      'CachePath: /var/cache/nginx/main',
      'CachePth: /var/cache/nginx/main',
    );
    expect(broken.split('\n')[43]).toBe('          parameters: { CachePth: /var/cache/nginx/main }');
    const run = await runAction({
      inputs: { site: 'main', 'dry-run': 'true' },
      files: { '.github/cache-purge.yml': broken },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBeUndefined();
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Invalid document parameters,file=.github/cache-purge.yml,line=44,col=25',
        message: [
          '.github/cache-purge.yml: SSM would refuse this parameter at SendCommand:',
          '  - sites.main.steps[1].ssm.parameters.CachePth (line 44) (step 2, FastCGI cache): CachePurge-FastCGI has no parameter "CachePth"; did you mean "CachePath"? (Parameter names are case-sensitive.)',
          'Checked before any AWS call against the definition of CachePurge-FastCGI bundled with cache-purge-action (ssm-documents/CachePurge-FastCGI.json).',
        ].join('\n'),
      },
    ]);
  });

  it('a YAML syntax error names its line and column', async () => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true' },
      files: { '.github/cache-purge.yml': 'sites:\n  portal: [\n' },
    });
    expect(run.code).toBe(1);
    const [annotation] = errorAnnotations(run.stdout);
    expect(annotation!.message).toMatch(
      /^\.github\/cache-purge\.yml: YAML syntax error at line \d+, column \d+: /,
    );
  });

  it('a missing sites file says where it looked and what to do', async () => {
    const run = await runAction({ inputs: { site: 'portal', 'dry-run': 'true' } });
    expect(run.code).toBe(1);
    const [annotation] = errorAnnotations(run.stdout);
    expect(annotation!.message).toMatch(
      /^Sites file \.github\/cache-purge\.yml was not found \(looked for .*\)\. Check out the repository first \(actions\/checkout\)/,
    );
  });

  it('a .yaml file where the .yml was expected is pointed at', async () => {
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true' },
      files: { '.github/cache-purge.yaml': exampleConfig },
    });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)[0]!.message).toMatch(
      /^Sites file \.github\/cache-purge\.yml was not found \(looked for .*\), but \.github\/cache-purge\.yaml exists\. Set the "config" input to \.github\/cache-purge\.yaml, or rename the file to \.github\/cache-purge\.yml\.$/,
    );
  });

  it('a config input outside the workspace is refused, and the file is never shown', async () => {
    for (const config of ['/etc/passwd', '../../../../etc/passwd']) {
      const run = await runAction({ inputs: { site: 'portal', 'dry-run': 'true', config } });
      expect(run.code).toBe(1);
      const annotations = errorAnnotations(run.stdout);
      expect(annotations).toHaveLength(1);
      expect(annotations[0]!.properties).toBe('title=Invalid input');
      expect(annotations[0]!.message).toBe(
        `Input "config" is ${JSON.stringify(config)}, which is outside the workspace (${run.workspace}). Set it to the sites file's path relative to the workspace, e.g. .github/cache-purge.yml; generate or copy the file into the workspace first if it lives elsewhere.`,
      );
      expect(run.stdout).not.toContain('root:');
    }
  });

  it('a file in the workspace that is not a sites file is quoted only in part', async () => {
    // plain lines of text: YAML reads them as one long string, which used to be pasted whole
    const notes = Array.from({ length: 200 }, (_, i) => `note ${i} ${'private '.repeat(10)}`).join('\n');
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', config: 'NOTES.txt' },
      files: { 'NOTES.txt': notes },
    });
    expect(run.code).toBe(1);
    const [annotation, ...rest] = errorAnnotations(run.stdout);
    expect(rest).toEqual([]);
    expect(annotation!.message).toContain('(top level) (line 1): is the text "note 0 private private');
    expect(annotation!.message.length).toBeLessThan(600);
    expect(run.stdout).not.toContain('note 1');
  });

  it('3,001 CloudFront paths in the input: one error about the list', async () => {
    const paths = Array.from({ length: 3001 }, (_, i) => `/p/${i + 1}`).join('\n');
    const run = await runAction({ inputs: { site: 'portal', 'dry-run': 'true', paths }, files: CONFIG });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout)).toEqual([
      {
        properties: 'title=Invalid input',
        message:
          'Input "paths" (one path per line or comma-separated) has 3,001 distinct file paths (without "*"); CloudFront allows at most 3,000 in progress per distribution — use a wildcard such as /blog/* to cover many paths at once.',
      },
    ]);
  });

  it('3,000 CloudFront paths: the plan log shows five and counts the rest; the plan output has all', async () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `/p/${i + 1}`).join('\n');
    const run = await runAction({ inputs: { site: 'portal', 'dry-run': 'true', paths }, files: CONFIG });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '  3. CloudFront: invalidate /p/1 /p/2 /p/3 /p/4 /p/5 … and 2,995 more on CloudFront distribution E2EXAMPLE12345\n',
    );
    expect(run.stdout).not.toContain('/p/6 ');
    expect(JSON.parse(run.outputs.plan!).steps[2].paths).toHaveLength(3000);
  });

  it('an empty site input and a non-boolean dry-run are refused with the fix', async () => {
    const empty = await runAction({ inputs: { site: '', 'dry-run': 'true' }, files: CONFIG });
    expect(empty.code).toBe(1);
    expect(errorAnnotations(empty.stdout)[0]!.message).toBe(
      'The "site" input is empty; set it to one of the sites in .github/cache-purge.yml: main, portal, shop.',
    );
    const yes = await runAction({ inputs: { site: 'portal', 'dry-run': 'yes' }, files: CONFIG });
    expect(yes.code).toBe(1);
    expect(errorAnnotations(yes.stdout)[0]!.message).toBe('Input "dry-run" is "yes"; use true or false.');
  });

  it('a dry run checks the inputs of a real run and fails the same way, listing every problem', async () => {
    const bad = {
      site: 'portal',
      'role-to-assume': 'cache-purge',
      'role-duration-seconds': '60',
      'step-timeout-seconds': 'abc',
      'role-session-name': 'my session',
    };
    const dry = await runAction({ inputs: { ...bad, 'dry-run': 'true' }, files: CONFIG });
    const real = await runAction({ inputs: bad, files: CONFIG });
    for (const run of [dry, real]) {
      expect(run.code).toBe(1);
      expect(run.stdout).not.toContain('Dry run: nothing was purged');
      expect(run.outputs.status).toBeUndefined();
    }
    expect(errorAnnotations(dry.stdout)).toEqual([
      {
        properties: 'title=Invalid inputs',
        message: [
          '4 inputs are not valid:',
          '  - Input "role-duration-seconds" is "60"; use a whole number of seconds from 900 to 43200.',
          '  - Input "step-timeout-seconds" is "abc"; use a whole number of seconds from 1 to 86400.',
          '  - Input "role-to-assume" is "cache-purge", which is not an IAM role ARN; use arn:aws:iam::<12-digit account id>:role/<role name>, e.g. arn:aws:iam::123456789012:role/cache-purge.',
          '  - Input "role-session-name" is "my session"; use 2–64 letters, digits and + = , . @ _ - (or leave it empty for the default).',
        ].join('\n'),
      },
    ]);
    expect(errorAnnotations(real.stdout)).toEqual(errorAnnotations(dry.stdout));
  });

  it('a dry run with role-to-assume but no OIDC token in the job warns that a real run would stop there', async () => {
    const role = 'arn:aws:iam::123456789012:role/cache-purge';
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'role-to-assume': role },
      files: CONFIG,
    });
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(run.stdout).toContain(
      '::warning title=No OIDC token available::A real run would stop here. Input "role-to-assume" is set, but the runner offers no GitHub OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): add `permissions: id-token: write` to the job',
    );
    const withToken = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'role-to-assume': role },
      files: CONFIG,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
    });
    expect(withToken.code).toBe(0);
    expect(withToken.stdout).not.toContain('::warning');
  });
});
