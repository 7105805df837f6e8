// `npm run check-sites` (scripts/check-sites.mjs) on a site repository in a temp dir: the example
// sites file gives exit 0 and the plan; a broken one exit 1 and its problems on readable lines (the
// runner's %0A escapes decoded). It runs the built dist/index.js as a dry run with no AWS_* or INPUT_*
// variable of the calling shell. With --read-stack it keeps the shell's AWS_* and reads the deployed
// documents: against the AWS double (the SDK pointed at it by AWS_ENDPOINT_URL), a stack deployed with
// other CacheRoots than the file's is caught before any run, naming the fix; a check that could not
// read the stack does not pass; nothing but GetDocument reaches AWS.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig, repoRoot } from './helpers/run-action.js';
import { startAwsDouble, type AwsDouble } from './helpers/aws-double.js';
import { withAllowedPattern } from './helpers/ssm-document-contents.js';
import { allowedPatternFor } from '../src/shared/stack-roots.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A site repository holding `sitesFile` at `path`; returns its directory. */
function siteRepo(sitesFile: string, path = '.github/cache-purge.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-sites-repo-'));
  dirs.push(dir);
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), sitesFile);
  return dir;
}

/** The script as `npm run check-sites -- …` starts it: in this package, the caller's dir in INIT_CWD. */
function checkSites(args: string[], env: Record<string, string> = {}, initCwd = tmpdir()) {
  return spawnSync(process.execPath, [join(repoRoot, 'scripts/check-sites.mjs'), ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', INIT_CWD: initCwd, ...env },
  });
}

describe('npm run check-sites', () => {
  it('the example sites file: exit 0 and the plan, even with AWS keys and a stray INPUT_ in the shell', () => {
    const dir = siteRepo(exampleConfig);
    const run = checkSites([dir, 'portal'], {
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_PROFILE: 'production',
      // passed on, the action would refuse it as a misnamed dry-run: the child never sees it
      INPUT_DRY_RUN: 'false',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Checking .github/cache-purge.yml in ${dir} for site "portal": a dry run, with no AWS credentials.`,
    );
    expect(lines).toContain('── Plan for portal');
    expect(lines).toContain('  3. CloudFront: invalidate /* on CloudFront distribution E2EXAMPLE12345');
    expect(lines).toContain('Dry run: nothing was purged. 3 steps would run for portal.');
    expect(run.stdout).not.toMatch(/^::/m);
  });

  it('a relative directory is read from where the command was typed (INIT_CWD), --config names the file', () => {
    const dir = siteRepo(exampleConfig, 'ops/sites.yml');
    const run = checkSites(['.', 'main', '--config', 'ops/sites.yml'], {}, dir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Checking ops/sites.yml in ${dir} for site "main"`);
    expect(run.stdout).toContain('Dry run: nothing was purged. 3 steps would run for main.');
  });

  it('a broken file: exit 1 and every problem on its own line, where it is, then no plan', () => {
    const dir = siteRepo(
      exampleConfig
        .replace('document: CachePurge-W3TotalCache', 'documnet: CachePurge-W3TotalCache')
        .replace('document: CachePurge-FastCGI', 'document: CachePurge-FastCgi')
        .replace('CachePath: /var/cache/nginx/portal', 'CachePath: /var/cache/nginx/../x'),
    );
    const run = checkSites([dir, 'portal']);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('%0A');
    const lines = run.stdout.split('\n');
    expect(lines.slice(2, 5)).toEqual([
      'Error: Sites file does not match the schema; Unknown bundled document; Invalid document parameters (.github/cache-purge.yml:15:11)',
      '.github/cache-purge.yml has 3 problems:',
      expect.stringMatching(
        /^ {2}- sites\.portal\.steps\[0\]\.ssm\.documnet \(line 15\): unknown key "documnet"/,
      ),
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}- sites\.portal\.steps\[1\]\.ssm\.parameters\.CachePath \(line 20\) \(step 2/,
      ),
    );
    // a misspelt bundled document is a problem like the others, its parameters checked as the one it means
    expect(lines).toContain(
      '  - sites.portal.steps[1].ssm.document (line 19) (step 2, FastCGI cache): "CachePurge-FastCgi" is not a document bundled with cache-purge-action — did you mean `CachePurge-FastCGI`? (Document names are case-sensitive.) Write `document: CachePurge-FastCGI`.',
    );
    expect(run.stdout).not.toContain('Plan for portal');
  });

  it('without the AWS_* of the shell: a file that relies on AWS_REGION needs --aws-region', () => {
    const dir = siteRepo(exampleConfig.replace(/^region: .*$/m, ''));
    const withoutRegion = checkSites([dir, 'portal'], { AWS_REGION: 'eu-west-1' });
    expect(withoutRegion.status).toBe(1);
    expect(withoutRegion.stdout).toContain('Error: No AWS region (.github/cache-purge.yml:');
    // the action's message speaks of a workflow's inputs; check-sites says what stands in for them here
    expect(withoutRegion.stdout).toContain(
      'check-sites: --aws-region REGION stands in for the "aws-region" input (your shell\'s AWS_REGION is not passed on without --read-stack).',
    );
    const noFile = checkSites([dir, 'portal', '--config', 'ops/nowhere.yml']);
    expect(noFile.status).toBe(1);
    expect(noFile.stdout).toContain(
      'check-sites: --config PATH stands in for the "config" input (relative to the site repository).',
    );
    const withRegion = checkSites([dir, 'portal', '--aws-region', 'eu-west-1']);
    expect(withRegion.status, withRegion.stdout).toBe(0);
    expect(withRegion.stdout).toContain('in eu-west-1');
  });

  it('a bad command line: exit 2 and the usage', () => {
    for (const args of [
      [],
      ['only-a-dir'],
      ['/nonexistent/site-repo', 'portal'],
      ['.', 'portal', '--config'],
    ]) {
      const run = checkSites(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('Usage: npm run check-sites -- <site-repo-dir> <site>');
    }
  });
});

/** The script started without blocking this process (the AWS double answers from it). */
function checkSitesAsync(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts/check-sites.mjs'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', INIT_CWD: tmpdir(), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run check-sites --read-stack: the file against the deployed documents', () => {
  let double: AwsDouble;
  beforeAll(async () => {
    double = await startAwsDouble();
  });
  afterAll(async () => {
    await double.close();
  });

  /** The shell of someone with AWS credentials, the SDK pointed at the double; the stack's CacheRoots /run/nginx-cache. */
  function stackShell(options: Parameters<AwsDouble['reset']>[0] = {}) {
    double.reset(options);
    double.documentContents.overrides.set(
      'CachePurge-FastCGI',
      withAllowedPattern('CachePurge-FastCGI', 'CachePath', allowedPatternFor(['/run/nginx-cache'])),
    );
    return {
      ...double.env(),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: 'us-east-1',
    };
  }
  const awsOperations = () => double.calls.map((call) => call.operation);

  it('a stack deployed with other CacheRoots than the file: exit 1, both roots and the fixes, only GetDocument sent', async () => {
    const dir = siteRepo(exampleConfig);
    const run = await checkSitesAsync([dir, 'portal', '--read-stack'], stackShell());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Checking .github/cache-purge.yml in ${dir} for site "portal": a dry run that reads the stack's documents with your AWS credentials (ssm:GetDocument only).`,
    );
    expect(lines).toContain('Error: Roots differ from the stack');
    expect(lines).toContain(
      "The stack check did not pass: the stack's documents, as deployed, do not fit .github/cache-purge.yml.",
    );
    expect(lines).toContain(
      '- CachePurge-FastCGI in us-east-1 (step 2 "FastCGI cache" of portal) confines CachePath to the stack\'s CacheRoots: /run/nginx-cache; .github/cache-purge.yml gives portal roots.cache: /var/cache/nginx, the default. Either set `roots.cache: [/run/nginx-cache]` in .github/cache-purge.yml (at the top level, or under sites.portal) to match the stack, or update the stack\'s CacheRoots parameter to /var/cache/nginx.',
    );
    expect(run.stdout).not.toContain('Dry run: nothing was purged');
    expect(awsOperations()).toEqual(['GetDocument', 'GetDocument']);
    expect(double.calls.every((call) => call.accessKeyId === 'AKIDEXAMPLE')).toBe(true);
  });

  it('the file with the stack roots: exit 0, it fits the stack, still nothing but GetDocument', async () => {
    const dir = siteRepo(
      exampleConfig
        .replace(/^region: .*$/m, '$&\nroots: { cache: [/run/nginx-cache] }')
        .replace('CachePath: /var/cache/nginx/portal', 'CachePath: /run/nginx-cache/portal'),
    );
    const run = await checkSitesAsync([dir, 'portal', '--read-stack'], stackShell());
    expect(run.stderr).toBe('');
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      'Stack check: CachePurge-FastCGI in us-east-1: CachePath below /run/nginx-cache, as .github/cache-purge.yml says for portal.',
    );
    expect(run.stdout).toContain(
      'Stack check: 2 deployed documents read (ssm:GetDocument); .github/cache-purge.yml fits the stack.',
    );
    expect(run.stdout).toContain('Dry run: nothing was purged. 3 steps would run for portal.');
    expect(awsOperations()).toEqual(['GetDocument', 'GetDocument']);
  });

  it('credentials that may not read the documents: exit 1, "Stack not read" (a check that compared nothing does not pass)', async () => {
    const dir = siteRepo(exampleConfig);
    const run = await checkSitesAsync(
      [dir, 'portal', '--read-stack'],
      stackShell({ ssmDenied: ['GetDocument'] }),
    );
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('Error: Stack not read');
    expect(lines).toContain(
      "The stack check did not pass: it could not compare the stack's documents with .github/cache-purge.yml.",
    );
    expect(run.stdout).toMatch(
      /^- Could not read CachePurge-FastCGI in us-east-1, so the roots of the stack's CacheRoots were not compared with those of \.github\/cache-purge\.yml by the check: ssm:GetDocument was denied \(.+\): the check's credentials need it on the stack's documents/m,
    );
    expect(run.stdout).toContain('See docs/troubleshooting.md, "Stack not read".');
    expect(awsOperations()).toEqual(['GetDocument', 'GetDocument']);
  });

  it('--read-stack with no credentials in the shell: exit 1, the SDK chain named, and what a shell can give', async () => {
    const dir = siteRepo(exampleConfig);
    double.reset();
    const run = await checkSitesAsync([dir, 'portal', '--read-stack'], {
      AWS_ENDPOINT_URL: double.env().AWS_ENDPOINT_URL!,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Error: No AWS credentials');
    expect(run.stdout).toContain(
      "check-sites --read-stack uses your shell's credentials: AWS_PROFILE (a profile of ~/.aws/config), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a session from `aws sso login`; role-to-assume is a workflow's.",
    );
    expect(awsOperations()).toEqual([]);
  });

  it('--read-stack with a profile that is not there: the message names AWS_PROFILE and how to check it', async () => {
    const dir = siteRepo(exampleConfig);
    const config = join(dir, 'aws-config');
    writeFileSync(config, '[profile staging]\nregion = us-east-1\n');
    double.reset();
    const run = await checkSitesAsync([dir, 'portal', '--read-stack'], {
      AWS_ENDPOINT_URL: double.env().AWS_ENDPOINT_URL!,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_CONFIG_FILE: config,
      AWS_PROFILE: 'production',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'AWS_PROFILE is "production": check that this profile exists in the shared config or credentials file (`aws configure list-profiles`) and has credentials (an SSO profile: `aws sso login --profile production`), or unset AWS_PROFILE.',
    );
    expect(awsOperations()).toEqual([]);
  });

  it('without --read-stack the same shell reaches no AWS endpoint', async () => {
    const dir = siteRepo(exampleConfig);
    const run = await checkSitesAsync([dir, 'portal'], stackShell());
    expect(run.status, run.stdout).toBe(0);
    expect(awsOperations()).toEqual([]);
  });
});
