// A document of the user's own (docs/custom-documents.md) in a real run of dist/index.js against the AWS
// double: the plan passes its parameters through unchecked, and its CACHE_PURGE_RESULT line is read like
// ours — in the log, the job summary and the report output. Also the example document shipped for that
// page (examples/custom-document/Acme-VarnishBan.json): valid schema 2.2, and run as SSM Agent would run
// it (with a `varnishadm` stand-in) its last line is a result the action parses.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction } from './helpers/run-action.js';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';
import {
  checkParameters,
  runDocument,
  schemaProblems,
  type SsmDocument,
} from './helpers/ssm-document-runner.js';
import { repoRoot } from './helpers/run-action.js';

const SITES_FILE = `region: us-east-1
sites:
  portal:
    targets: { instance-ids: [i-0123456789abcdef0] }
    steps:
      - name: Varnish
        ssm:
          document: Acme-VarnishBan
          parameters: { UrlPattern: /blog/ }
`;
const RESULT =
  'CACHE_PURGE_RESULT {"files":0,"bytes":0,"counted":false,"method":"varnish-ban","durationMs":12,"pattern":"/blog/"}';

let double: AwsDouble;
beforeAll(async () => {
  double = await startAwsDouble();
});
afterAll(async () => {
  await double.close();
});

describe('a custom document in a run', () => {
  it('is sent as written, and its result line shows in the log, the job summary and the report', async () => {
    double.reset({
      documents: { 'Acme-VarnishBan': { default: { stdout: `Banning /blog/\n${RESULT}\n` } } },
    });
    const run = await runAction({
      inputs: { site: 'portal' },
      files: { '.github/cache-purge.yml': SITES_FILE },
      env: { ...double.env(), AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(double.callsOf('SendCommand')[0]!.input).toMatchObject({
      DocumentName: 'Acme-VarnishBan',
      Parameters: { UrlPattern: ['/blog/'] },
    });
    const report = JSON.parse(run.outputs.report!);
    expect(report.steps[0].instances[0].result).toEqual(
      JSON.parse(RESULT.slice('CACHE_PURGE_RESULT '.length)),
    );
    expect(run.stdout).toContain('varnish-ban');
    expect(run.summary).toContain('| 1 | Varnish | ✅ succeeded |');
    expect(run.summary).toContain('flushed, no file counts · varnish-ban');
    expect(run.summary).toContain('SSM `Acme-VarnishBan` (custom document: parameters not checked)');
  });

  it('a result line that is no result says why, in the log and the job summary; the step still stands on its exit code', async () => {
    const bad =
      'CACHE_PURGE_RESULT {"files":0,"bytes":0,"method":"varnish-ban","durationMs":12,"fallback":true}';
    double.reset({
      documents: { 'Acme-VarnishBan': { default: { stdout: `Banning /blog/\n${bad}\n` } } },
    });
    const run = await runAction({
      inputs: { site: 'portal' },
      files: { '.github/cache-purge.yml': SITES_FILE },
      env: { ...double.env(), AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    });
    expect(run.code).toBe(0);
    const why = `"fallback" must be a string, not true (a name CachePurge-FastCGI's instant purge uses: leave it out of your own result)`;
    expect(run.stdout).toContain(
      `✓ i-0123456789abcdef0: Success in 100 ms — its CACHE_PURGE_RESULT line is no result: ${why}`,
    );
    expect(run.summary).toContain(`the CACHE_PURGE_RESULT line of 1 instance is no result: ${why}`);
    const instance = JSON.parse(run.outputs.report!).steps[0].instances[0];
    expect(instance.result).toBeUndefined();
    expect(instance.resultProblem).toBe(why);
  });
});

describe('examples/custom-document/Acme-VarnishBan.json', () => {
  const doc = JSON.parse(
    readFileSync(join(repoRoot, 'examples/custom-document/Acme-VarnishBan.json'), 'utf8'),
  ) as SsmDocument;

  it('is a valid Command document whose parameter is checked by the service and again by the script', () => {
    expect(schemaProblems(doc)).toEqual([]);
    const pattern = doc.parameters!.UrlPattern!.allowedPattern!;
    expect(doc.mainSteps[0]!.inputs.runCommand).toContain(`readonly URL_PATTERN_PATTERN='${pattern}'`);
    expect(checkParameters(doc, { UrlPattern: '/blog/;reboot' }).ok).toBe(false);
  });

  it.each(['current', 'legacy'] as const)(
    'run by a %s agent, its last line is a result the action parses; a bad value is refused with exit 2',
    async (agent) => {
      const dir = mkdtempSync(join(tmpdir(), 'cpa-varnishadm-'));
      try {
        writeFileSync(join(dir, 'varnishadm'), `#!/bin/bash\nprintf '%s\\n' "$*" > ${dir}/args\necho 200\n`);
        chmodSync(join(dir, 'varnishadm'), 0o755);
        const run = await runDocument(doc, { UrlPattern: '/blog/' }, { agent, pathPrefix: [dir] });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('ban req.url ~ ^/blog/\n');
        expect(run.result).toMatchObject({
          method: 'varnish-ban',
          files: 0,
          counted: false,
          pattern: '/blog/',
        });
        const refused = await runDocument(
          doc,
          { UrlPattern: '/x y' },
          { agent, serviceChecks: false, pathPrefix: [dir] },
        );
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/^Acme-VarnishBan: refused: UrlPattern /);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
