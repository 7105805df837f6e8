// The run's pre-flight (#15 item 1), in-process through the action's run() with the real SSM client
// talking JSON 1.1 to the local AWS double (AWS_ENDPOINT_URL): one GetDocument (DocumentFormat JSON)
// per distinct bundled document, version and region, before any SendCommand; a stack whose documents
// confine CachePath to other roots than the sites file's fails the whole run with nothing sent, for
// every site, naming the document, both lists of roots and the two fixes; the same stack with the
// sites file's `roots` set to its list runs; a value the deployed pattern refuses fails too; a role
// without ssm:GetDocument (a stack deployed before) is a warning annotation and the run goes on; a
// custom document is not read. The executor, the double and the SDK share one Timeline.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsDouble, useAwsDouble, type AwsDouble, type AwsDoubleOptions } from './helpers/aws-double.js';
import { withAllowedPattern } from './helpers/ssm-document-contents.js';
import { recordingRunner } from './helpers/recording-runner.js';
import { Timeline } from './helpers/fakes.js';
import { run } from '../src/action/main.js';
import { allowedPatternFor } from '../src/shared/stack-roots.js';
import type { SitesRunReport } from '../src/action/report/report.js';

const OK = 'CACHE_PURGE_RESULT {"files":12,"bytes":4096,"method":"find-delete","durationMs":7}';

/** Two sites: portal (W3TC, FastCGI, a custom document), shop (FastCGI with the stack's NamePrefix). */
const sitesFile = (roots = '', cache = '/var/cache/nginx/portal') => `region: us-east-1
${roots}
sites:
  portal:
    targets: { instance-ids: [i-0123456789abcdef0] }
    steps:
      - name: W3 Total Cache
        ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: /var/www/portal } }
      - name: FastCGI cache
        ssm: { document: CachePurge-FastCGI, parameters: { CachePath: ${cache} } }
      - name: Varnish
        ssm: { document: Acme-VarnishBan, parameters: { UrlPattern: /blog/ } }
  shop:
    targets: { instance-ids: [i-0123456789abcdef1] }
    steps:
      - name: FastCGI cache
        ssm: { document: blog-CachePurge-FastCGI, parameters: { CachePath: /var/cache/nginx/shop } }
`;

let aws: AwsDouble;
const timeline = new Timeline();
let restoreEnv: () => void;
beforeAll(async () => {
  timeline.start();
  aws = await startAwsDouble({}, timeline.now);
  restoreEnv = useAwsDouble(aws);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  timeline.stop();
});

/** The stack deployed with CacheRoots `roots`: its FastCGI document, under both names the sites file uses. */
function stackWithCacheRoots(roots: string[]) {
  const content = withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(roots));
  aws.documentContents.overrides.set('CachePurge-FastCGI', content);
}

async function purge(text: string, site: string, options: AwsDoubleOptions = {}, setup = () => {}) {
  aws.reset({ defaultScript: { stdout: OK }, ...options });
  setup();
  const workspace = mkdtempSync(join(tmpdir(), 'roots-preflight-'));
  mkdirSync(join(workspace, '.github'));
  writeFileSync(join(workspace, '.github/cache-purge.yml'), text);
  const { runner, recorded } = recordingRunner({
    site,
    'role-to-assume': 'arn:aws:iam::123456789012:role/cache-purge',
  });
  await run({
    runner,
    env: {
      GITHUB_WORKSPACE: workspace,
      GITHUB_RUN_ID: String(Math.random()).slice(2, 12),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_ACTOR: 'octocat',
      ...aws.env(),
    },
    execute: { clock: timeline, random: () => 0, getIdToken: (audience) => aws.idToken(audience) },
  });
  const report = JSON.parse(recorded.outputs.report ?? 'null') as SitesRunReport | null;
  return { recorded, report, operations: aws.calls.filter((c) => c.service === 'ssm') };
}

const FILE = '.github/cache-purge.yml';

describe('the pre-flight before any SendCommand', () => {
  it('reads each bundled document once, as JSON, before anything runs; a custom document is not read', async () => {
    const { recorded, operations } = await purge(
      sitesFile('roots: { cache: [/var/cache/nginx, /run/nginx-cache] }'),
      'portal',
      {},
      () => stackWithCacheRoots(['/var/cache/nginx', '/run/nginx-cache']),
    );
    expect(recorded.errors).toEqual([]);
    expect(recorded.failed).toBe(false);
    const reads = operations.filter((c) => c.operation === 'GetDocument');
    expect(reads.map((c) => c.input)).toEqual([
      { Name: 'CachePurge-W3TotalCache', DocumentFormat: 'JSON' },
      { Name: 'CachePurge-FastCGI', DocumentFormat: 'JSON' },
    ]);
    const firstSend = operations.findIndex((c) => c.operation === 'SendCommand');
    expect(operations.slice(0, firstSend).map((c) => c.operation)).toEqual(['GetDocument', 'GetDocument']);
    expect(recorded.info).toContain(
      `Pre-flight: CachePurge-FastCGI in us-east-1: CachePath below /var/cache/nginx, /run/nginx-cache, as ${FILE} says for portal.`,
    );
  });

  it('a stack with other CacheRoots than the sites file: the run fails with nothing sent, naming the document, both roots and both fixes', async () => {
    const { recorded, report, operations } = await purge(sitesFile(), 'portal,shop', {}, () =>
      stackWithCacheRoots(['/run/nginx-cache']),
    );
    expect(operations.map((c) => c.operation)).toEqual(['GetDocument', 'GetDocument', 'GetDocument']);
    expect(operations.map((c) => c.input.Name)).toEqual([
      'CachePurge-W3TotalCache',
      'CachePurge-FastCGI',
      'blog-CachePurge-FastCGI',
    ]);
    expect(recorded.failed).toBe(true);
    expect(report!.status).toBe('failure');
    expect(report!.sites.flatMap((site) => site.steps.map((step) => step.status))).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    expect(recorded.errors).toHaveLength(1);
    expect(recorded.errors[0]!.annotation?.title).toBe('Roots differ from the stack');
    expect(recorded.errors[0]!.message.split('\n')).toEqual([
      `Nothing was run: the stack's documents, as deployed, do not fit ${FILE}.`,
      `- CachePurge-FastCGI in us-east-1 (step 2 "FastCGI cache" of portal) confines CachePath to the stack's CacheRoots: /run/nginx-cache; ${FILE} gives portal roots.cache: /var/cache/nginx, the default. Either set \`roots.cache: [/run/nginx-cache]\` in ${FILE} (at the top level, or under sites.portal) to match the stack, or update the stack's CacheRoots parameter to /var/cache/nginx.`,
      `- blog-CachePurge-FastCGI in us-east-1 (step 1 "FastCGI cache" of shop) confines CachePath to the stack's CacheRoots: /run/nginx-cache; ${FILE} gives shop roots.cache: /var/cache/nginx, the default. Either set \`roots.cache: [/run/nginx-cache]\` in ${FILE} (at the top level, or under sites.shop) to match the stack, or update the stack's CacheRoots parameter to /var/cache/nginx.`,
      'See docs/troubleshooting.md, "Roots differ from the stack".',
      'Not run: every step of portal, shop.',
    ]);
  });

  it('the same stack, the sites file listing its roots: the run goes on', async () => {
    const text = sitesFile('roots: { cache: [/run/nginx-cache] }', '/run/nginx-cache/portal');
    const { recorded, report, operations } = await purge(text, 'portal', {}, () =>
      stackWithCacheRoots(['/run/nginx-cache']),
    );
    expect(recorded.errors).toEqual([]);
    expect(report!.status).toBe('success');
    expect(operations.filter((c) => c.operation === 'SendCommand')).toHaveLength(3);
  });

  it('a value the deployed pattern refuses fails the run whatever the roots say', async () => {
    const text = sitesFile('roots: { cache: [/run/nginx-cache] }', '/run/nginx-cache/portal');
    const { recorded, operations } = await purge(text, 'portal', {}, () => {
      // roots that match, but a deployed pattern (a hand-edited document) allowing only one directory
      stackWithCacheRoots(['/run/nginx-cache']);
      aws.documentContents.overrides.set(
        'CachePurge-W3TotalCache',
        withAllowedPattern('CachePurge-W3TotalCache', 'WordPressPath', '^/var/www/shop$'),
      );
    });
    expect(operations.some((c) => c.operation === 'SendCommand')).toBe(false);
    expect(recorded.errors[0]!.annotation?.title).toBe('The deployed documents refuse this run');
    expect(recorded.errors[0]!.message).toContain(
      '- WordPressPath "/var/www/portal" (step 1 "W3 Total Cache" of portal) does not match CachePurge-W3TotalCache in us-east-1\'s allowedPattern as deployed, ^/var/www/shop$: SSM would refuse it.',
    );
  });

  it('a role without ssm:GetDocument (a stack deployed before): a warning annotation, and the run goes on', async () => {
    const { recorded, report, operations } = await purge(sitesFile(), 'portal', {
      ssmDenied: ['GetDocument'],
    });
    expect(operations.filter((c) => c.operation === 'GetDocument').map((c) => c.errorCode)).toEqual([
      'AccessDeniedException',
      'AccessDeniedException',
    ]);
    expect(report!.status).toBe('success');
    expect(recorded.failed).toBe(false);
    const warnings = recorded.warnings.filter(
      (w) => w.annotation?.title === 'Roots not compared with the stack',
    );
    expect(warnings.map((w) => w.message.split(':')[0])).toEqual([
      "Could not read CachePurge-W3TotalCache in us-east-1, so the roots of the stack's WordPressRoots were not compared with those of .github/cache-purge.yml before the run",
      "Could not read CachePurge-FastCGI in us-east-1, so the roots of the stack's CacheRoots were not compared with those of .github/cache-purge.yml before the run",
    ]);
    expect(warnings[1]!.message).toContain(
      'a stack deployed before this version of cache-purge-action does not allow it. Update the stack (docs/setup.md). The run went on; each instance still refuses a path outside the stack\'s roots. See docs/troubleshooting.md, "Roots not compared with the stack".',
    );
  });
});
