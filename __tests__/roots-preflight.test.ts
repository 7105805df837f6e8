// The run's pre-flight (#15 item 1): its pure decisions (which deployed documents to read, and whether
// the run may start from what GetDocument gave), and its adapter with a mocked SSM client
// (aws-sdk-client-mock): GetDocument as JSON, the pinned version passed on, AccessDenied a warning.

import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetDocumentCommand, SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { planSitesFile } from '../src/action/plan/plan-sites-file.js';
import {
  deployedRoots,
  documentReads,
  preflightVerdict,
  type ReadOutcome,
} from '../src/action/run/roots-preflight-decisions.js';
import { rootsPreflight } from '../src/action/run/roots-preflight.js';
import { allowedPatternFor } from '../src/shared/stack-roots.js';
import { bundledDocumentText, withAllowedPattern } from './helpers/ssm-document-contents.js';

const FILE = 'sites.yml';
const TEXT = `region: us-east-1
sites:
  portal:
    roots: { wordpress: [/srv/www, /var/www] }
    targets: { instance-ids: [i-0123456789abcdef0] }
    steps:
      - ssm: { document: CachePurge-W3TotalCache, parameters: { WordPressPath: /var/www/portal } }
      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: '{{ssm:/portal/cache}}' } }
      - ssm: { document: CachePurge-FastCGI, document-version: '3', parameters: { CachePath: /var/cache/nginx/p } }
      - ssm: { document: Acme-VarnishBan, parameters: { UrlPattern: /blog/ } }
  shop:
    roots: { cache: [/run/nginx-cache] }
    targets: { instance-ids: [i-0123456789abcdef1] }
    steps:
      - ssm: { document: 'arn:aws:ssm:us-east-1:123456789012:document/CachePurge-FastCGI', parameters: { CachePath: /run/nginx-cache/shop } }
      - ssm: { document: CachePurge-FastCGI, parameters: { CachePath: /run/nginx-cache/shop } }
`;
const plans = ['portal', 'shop'].map((site) => planSitesFile(TEXT, { site, configFile: FILE }));
const fastCgi = (roots: string[]): ReadOutcome => ({
  kind: 'content',
  content: withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(roots)),
});
const bundled = (name: string): ReadOutcome => ({ kind: 'content', content: bundledDocumentText(name) });

describe('which documents the pre-flight reads', () => {
  it('each distinct bundled (document, version, region), ARNs too, with the roots each site gives; custom documents not', () => {
    const reads = documentReads(plans);
    expect(reads.map((r) => [r.document, r.documentVersion, r.uses.map((u) => u.site)])).toEqual([
      ['CachePurge-W3TotalCache', undefined, ['portal']],
      ['CachePurge-FastCGI', undefined, ['portal', 'shop']],
      ['CachePurge-FastCGI', '3', ['portal']],
      ['arn:aws:ssm:us-east-1:123456789012:document/CachePurge-FastCGI', undefined, ['shop']],
    ]);
    expect(reads[1]!.uses.map((u) => u.roots.cache)).toEqual([['/var/cache/nginx'], ['/run/nginx-cache']]);
  });
});

describe('whether the run may start', () => {
  const reads = documentReads(plans);

  it('roots equal in any order, in the form this version writes or the pre-roots stacks wrote: it may', () => {
    expect(deployedRoots('^/(var|srv)/www(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$')).toEqual([
      '/var/www',
      '/srv/www',
    ]);
    expect(deployedRoots('^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$')).toEqual([
      '/var/cache/nginx',
    ]);
    const only = [reads[0]!, reads[2]!];
    // the files as they are (portal: /srv/www, /var/www against the file's /var/www|/srv/www)
    const verdict = preflightVerdict(
      only,
      [bundled('CachePurge-W3TotalCache'), bundled('CachePurge-FastCGI')],
      FILE,
    );
    expect(verdict.error).toBeUndefined();
    expect(verdict.warnings).toEqual({});
    expect(verdict.lines).toHaveLength(2);
  });

  it('a site whose roots differ fails the run, a Parameter Store value is left to SSM', () => {
    const verdict = preflightVerdict([reads[1]!], [fastCgi(['/run/nginx-cache'])], FILE);
    expect(verdict.error?.code).toBe('RootsMismatch');
    expect(verdict.error?.message.split('\n')).toEqual([
      `Nothing was run: the stack's documents, as deployed, do not fit ${FILE}.`,
      `- CachePurge-FastCGI in us-east-1 (step 2 "CachePurge-FastCGI" of portal) confines CachePath to the stack's CacheRoots: /run/nginx-cache; ${FILE} gives portal roots.cache: /var/cache/nginx, the default. Either set \`roots.cache: [/run/nginx-cache]\` in ${FILE} (at the top level, or under sites.portal) to match the stack, or update the stack's CacheRoots parameter to /var/cache/nginx.`,
      'See docs/troubleshooting.md, "Roots differ from the stack".',
    ]);
  });

  it('a value the deployed pattern refuses fails the run though the roots agree', () => {
    const content = withAllowedPattern(
      'CachePurge-FastCGI',
      'CachePath',
      allowedPatternFor(['/var/cache/nginx']),
    );
    const strict = JSON.parse(content) as { parameters: Record<string, { allowedPattern: string }> };
    strict.parameters.CachePath!.allowedPattern = '^(/var/cache/nginx)(/[a-z]{5,}){1,8}$';
    const verdict = preflightVerdict(
      [reads[2]!],
      [{ kind: 'content', content: JSON.stringify(strict) }],
      FILE,
    );
    expect(verdict.error?.code).toBe('DeployedDocumentMismatch');
    expect(verdict.error?.message).toContain(
      '- CachePath "/var/cache/nginx/p" (step 3 "CachePurge-FastCGI" of portal) does not match CachePurge-FastCGI (version 3) in us-east-1\'s allowedPattern as deployed, ^(/var/cache/nginx)(/[a-z]{5,}){1,8}$: SSM would refuse it.',
    );
  });

  it('not readable: denied or failing is a warning for each site using it; a document that does not exist is an error', () => {
    const denied = preflightVerdict(
      [reads[1]!],
      [{ kind: 'denied', message: 'not authorized to perform: ssm:GetDocument' }],
      FILE,
    );
    expect(denied.error).toBeUndefined();
    expect(Object.keys(denied.warnings)).toEqual(['portal', 'shop']);
    expect(denied.warnings.shop![0]!.title).toBe('Roots not compared with the stack');
    const failing = preflightVerdict(
      [reads[1]!],
      [{ kind: 'failed', code: 'TimeoutError', message: 'slow' }],
      FILE,
    );
    expect(failing.error).toBeUndefined();
    expect(failing.warnings.portal![0]!.message).toContain(
      'GetDocument failed: TimeoutError: "slow" (SSM was not reached: check the network, the proxy settings HTTPS_PROXY and NO_PROXY, and AWS_ENDPOINT_URL if set)',
    );
    const throttled = preflightVerdict(
      [reads[1]!],
      [{ kind: 'failed', code: 'ThrottlingException', message: 'Rate exceeded' }],
      FILE,
    );
    // SSM answered: no network hint
    expect(throttled.warnings.portal![0]!.message).toContain(
      'GetDocument failed: ThrottlingException: "Rate exceeded". The run went on',
    );
    const notJson = preflightVerdict([reads[1]!], [{ kind: 'content', content: 'schemaVersion: 2.2' }], FILE);
    expect(notJson.error).toBeUndefined();
    expect(notJson.warnings.portal![0]!.message).toContain('is not a JSON document with parameters');
    const missing = preflightVerdict(
      [reads[2]!],
      [{ kind: 'failed', code: 'InvalidDocumentVersion', message: 'no version 3' }],
      FILE,
    );
    expect(missing.error?.message).toContain(
      '- CachePurge-FastCGI (version 3) in us-east-1 does not exist (GetDocument: InvalidDocumentVersion), so SendCommand would refuse it',
    );
  });

  it('a deployed pattern of another form: not compared (a warning), its values still checked', () => {
    const odd = withAllowedPattern('CachePurge-FastCGI', 'CachePath', '^/data/[a-z]+$');
    const verdict = preflightVerdict([reads[2]!], [{ kind: 'content', content: odd }], FILE);
    expect(verdict.warnings.portal![0]!.message).toContain(
      'has no CachePath allowedPattern of the form this version writes',
    );
    expect(verdict.error?.message).toContain(
      '"/var/cache/nginx/p" (step 3 "CachePurge-FastCGI" of portal) does not match',
    );
  });

  it('check mode (the dry run\'s stack check): what could not be compared fails it, titled "Stack not read" when that is all', () => {
    const denied = preflightVerdict(
      [reads[1]!],
      [{ kind: 'denied', message: 'not authorized to perform: ssm:GetDocument' }],
      FILE,
      'check',
    );
    expect(denied.warnings).toEqual({});
    expect(denied.error?.code).toBe('StackNotRead');
    expect(denied.error?.title).toBe('Stack not read');
    const [head, problem, see] = denied.error!.message.split('\n');
    expect(head).toBe(
      `The stack check did not pass: it could not compare the stack's documents with ${FILE}.`,
    );
    expect(problem).toMatch(
      /^- Could not read CachePurge-FastCGI in us-east-1, .* by the check: ssm:GetDocument was denied/,
    );
    expect(problem).toContain('your own credentials need it in their IAM policy.');
    expect(problem).not.toContain('The run went on');
    expect(see).toBe('See docs/troubleshooting.md, "Stack not read".');
    const odd = withAllowedPattern('CachePurge-FastCGI', 'CachePath', '^/data/[a-z]+$');
    const notCompared = preflightVerdict([reads[2]!], [{ kind: 'content', content: odd }], FILE, 'check');
    // a pattern of another form is not compared (an error here) and its values still fail against it
    expect(notCompared.error?.code).toBe('DeployedDocumentMismatch');
    expect(notCompared.error?.message).toContain(
      'has no CachePath allowedPattern of the form this version writes',
    );
    expect(notCompared.error?.message).toContain('does not match');
    const mismatch = preflightVerdict([reads[1]!], [fastCgi(['/run/nginx-cache'])], FILE, 'check');
    expect(mismatch.error?.code).toBe('RootsMismatch');
    expect(mismatch.error?.message.split('\n')[0]).toBe(
      `The stack check did not pass: the stack's documents, as deployed, do not fit ${FILE}.`,
    );
  });
});

describe('the adapter (mocked SSM client)', () => {
  const ssm = new SSMClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' },
  });
  const mock = mockClient(ssm);
  beforeEach(() => mock.reset());
  const deps = { ssmClient: () => ssm, signal: new AbortController().signal };

  it('asks GetDocument for JSON, by the name or ARN as written, with the pinned version; sends nothing', async () => {
    mock.on(GetDocumentCommand).callsFake((input: { Name: string }) => ({
      Content: input.Name.includes('W3')
        ? bundledDocumentText('CachePurge-W3TotalCache')
        : withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(['/var/cache/nginx'])),
    }));
    const verdict = await rootsPreflight(plans, FILE, deps);
    expect(mock.commandCalls(GetDocumentCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'CachePurge-W3TotalCache', DocumentFormat: 'JSON' },
      { Name: 'CachePurge-FastCGI', DocumentFormat: 'JSON' },
      { Name: 'CachePurge-FastCGI', DocumentVersion: '3', DocumentFormat: 'JSON' },
      { Name: 'arn:aws:ssm:us-east-1:123456789012:document/CachePurge-FastCGI', DocumentFormat: 'JSON' },
    ]);
    expect(mock.commandCalls(SendCommandCommand)).toHaveLength(0);
    // shop says /run/nginx-cache, the stack /var/cache/nginx
    expect(verdict.error?.message).toContain('gives shop roots.cache: /run/nginx-cache.');
  });

  it('AccessDeniedException: warnings, no error', async () => {
    mock.on(GetDocumentCommand).rejects(
      Object.assign(new Error('User: … is not authorized to perform: ssm:GetDocument'), {
        name: 'AccessDeniedException',
      }),
    );
    const verdict = await rootsPreflight(plans, FILE, deps);
    expect(verdict.error).toBeUndefined();
    expect(verdict.warnings.portal!.map((w) => w.title)).toEqual([
      'Roots not compared with the stack',
      'Roots not compared with the stack',
      'Roots not compared with the stack',
    ]);
    expect(verdict.warnings.portal![0]!.message).toContain('ssm:GetDocument was denied');
  });
});
