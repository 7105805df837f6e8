// The run's pre-flight (#15 item 1) in a real run of dist/index.js against the AWS double: a stack whose
// FastCGI document was deployed with CacheRoots /run/nginx-cache, and a sites file that says nothing of
// roots (the defaults), fails the run before any SendCommand reached the double, with the error that
// names the document, both roots and both fixes; the same run with `roots.cache` set to the stack's
// list purges. A workflow's dry run with `read-stack: true` and role-to-assume does the same comparison
// with the OIDC role's credentials (AssumeRoleWithWebIdentity, then GetDocument only) and fails on it;
// without read-stack a dry run reaches no endpoint.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAnnotations, runAction } from './helpers/run-action.js';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';
import { withAllowedPattern } from './helpers/ssm-document-contents.js';
import { allowedPatternFor } from '../src/shared/stack-roots.js';

const RESULT = 'CACHE_PURGE_RESULT {"files":3,"bytes":512,"method":"find-delete","durationMs":4}';
const sitesFile = (roots: string, cachePath: string) => `region: us-east-1
${roots}
sites:
  portal:
    targets: { instance-ids: [i-0123456789abcdef0] }
    steps:
      - name: FastCGI cache
        ssm: { document: CachePurge-FastCGI, parameters: { CachePath: ${cachePath} } }
`;

let double: AwsDouble;
beforeAll(async () => {
  double = await startAwsDouble();
});
afterAll(async () => {
  await double.close();
});

async function purge(text: string) {
  double.reset({ defaultScript: { stdout: RESULT } });
  double.documentContents.overrides.set(
    'CachePurge-FastCGI',
    withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(['/run/nginx-cache'])),
  );
  return runAction({
    inputs: { site: 'portal' },
    files: { '.github/cache-purge.yml': text },
    env: { ...double.env(), AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
  });
}

describe('the pre-flight in a real run of the bundle', () => {
  it('a stack with other CacheRoots than the sites file: the run fails before any SendCommand, naming both and the fixes', async () => {
    const run = await purge(sitesFile('', '/var/cache/nginx/portal'));
    expect(run.code).toBe(1);
    expect(double.callsOf('GetDocument').map((c) => c.input)).toEqual([
      { Name: 'CachePurge-FastCGI', DocumentFormat: 'JSON' },
    ]);
    expect(double.callsOf('SendCommand')).toEqual([]);
    const [error] = errorAnnotations(run.stdout);
    expect(error!.properties).toContain('title=Roots differ from the stack');
    expect(error!.message).toContain(
      '- CachePurge-FastCGI in us-east-1 (step 1 "FastCGI cache" of portal) confines CachePath to the stack\'s CacheRoots: /run/nginx-cache; .github/cache-purge.yml gives portal roots.cache: /var/cache/nginx, the default. Either set `roots.cache: [/run/nginx-cache]` in .github/cache-purge.yml (at the top level, or under sites.portal) to match the stack, or update the stack\'s CacheRoots parameter to /var/cache/nginx.',
    );
    expect(JSON.parse(run.outputs.report!).steps.map((s: { status: string }) => s.status)).toEqual([
      'skipped',
    ]);
  });

  it('the sites file listing the stack roots: the run purges', async () => {
    const run = await purge(sitesFile('roots: { cache: [/run/nginx-cache] }', '/run/nginx-cache/portal'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(
      double.calls
        .filter((c) => c.service === 'ssm')
        .map((c) => c.operation)
        .slice(0, 2),
    ).toEqual(['GetDocument', 'SendCommand']);
  });
});

describe('a dry run with read-stack (a workflow checking the sites file against the stack)', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
  async function dryRun(text: string, more: Record<string, string>) {
    double.reset({ defaultScript: { stdout: RESULT } });
    double.documentContents.overrides.set(
      'CachePurge-FastCGI',
      withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(['/run/nginx-cache'])),
    );
    return runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'role-to-assume': ROLE, ...more },
      files: { '.github/cache-purge.yml': text },
      env: double.env(),
    });
  }

  it('roots that differ: the dry run fails with the error a real run would give, having sent only GetDocument', async () => {
    const run = await dryRun(sitesFile('', '/var/cache/nginx/portal'), { 'read-stack': 'true' });
    expect(run.code).toBe(1);
    expect(double.calls.map((c) => c.operation)).toEqual([
      'GetIdToken',
      'AssumeRoleWithWebIdentity',
      'GetDocument',
    ]);
    const [error] = errorAnnotations(run.stdout);
    expect(error!.properties).toContain('title=Roots differ from the stack');
    expect(error!.message).toContain("confines CachePath to the stack's CacheRoots: /run/nginx-cache");
    expect(run.outputs.status).toBeUndefined();
  });

  it('roots that match: status planned, the plan, and the stack check passed', async () => {
    const run = await dryRun(sitesFile('roots: { cache: [/run/nginx-cache] }', '/run/nginx-cache/portal'), {
      'read-stack': 'true',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(run.stdout).toContain(
      'Stack check: 1 deployed document read (ssm:GetDocument); .github/cache-purge.yml fits the stack.',
    );
    expect(double.callsOf('SendCommand')).toEqual([]);
  });

  it('no OIDC token (no id-token: write): the check stops with that error, having called nothing', async () => {
    double.reset();
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true', 'read-stack': 'true', 'role-to-assume': ROLE },
      files: { '.github/cache-purge.yml': sitesFile('', '/var/cache/nginx/portal') },
      env: { AWS_ENDPOINT_URL: double.env().AWS_ENDPOINT_URL!, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(run.code).toBe(1);
    expect(errorAnnotations(run.stdout).map((e) => e.properties)).toEqual(['title=No OIDC token available']);
    expect(double.calls).toEqual([]);
  });

  it('without read-stack the dry run calls nothing, even with roots that differ', async () => {
    const run = await dryRun(sitesFile('', '/var/cache/nginx/portal'), {});
    expect(run.code).toBe(0);
    expect(run.outputs.status).toBe('planned');
    expect(double.calls).toEqual([]);
  });
});
