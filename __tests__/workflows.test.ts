// Every workflow this project ships or shows (its own .github/workflows, examples/, the YAML snippets of
// README.md, CONTRIBUTING.md and docs/) uses action majors that still run on GitHub's runners: Node 20
// was removed from them in September 2026, and actions/checkout and actions/setup-node run on Node 24
// from v5. An action this test does not know fails it, so someone checks its runtime before it ships.
// The release workflow runs the whole CI before it moves the major tag.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { codeBlocks, docFiles } from './helpers/docs.js';
import { repoRoot } from './helpers/run-action.js';

/** First major of each action whose action.yml says `using: node24`. */
const FIRST_NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
};

interface Step {
  uses?: string;
  run?: string;
  name?: string;
  if?: string;
}

interface Workflow {
  on?: unknown;
  permissions?: Record<string, string>;
  jobs?: Record<string, { steps?: Step[] }>;
}

const workflowFiles = [
  ...readdirSync(join(repoRoot, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(join(repoRoot, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `examples/${f}`),
];

function workflowsOf(file: string): Workflow[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  if (!file.endsWith('.md')) return [parse(text) as Workflow];
  return codeBlocks(text)
    .filter((block) => /^ya?ml$/.test(block.info))
    .map((block) => parse(block.body) as Workflow);
}

function usesOf(workflow: Workflow | null): string[] {
  if (!workflow || typeof workflow !== 'object' || !workflow.jobs) return [];
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])),
  );
}

describe('workflows use action majors that run on Node 24', () => {
  const sources = [...workflowFiles, ...docFiles];
  const all = sources.flatMap((file) =>
    workflowsOf(file).flatMap((w) => usesOf(w).map((uses) => ({ file, uses }))),
  );

  it('finds the steps it checks', () => {
    expect(all.filter((u) => u.uses.startsWith('actions/checkout@')).length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((u) => u.file))).toEqual(
      new Set([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/release.yml',
        'examples/deploy.yml',
        'examples/purge-cache.yml',
        'README.md',
      ]),
    );
  });

  it.each(sources)('%s', (file) => {
    for (const { uses } of all.filter((u) => u.file === file)) {
      if (uses.startsWith('./') || uses.startsWith('OWNER/cache-purge-action@')) continue;
      const match = /^([\w.-]+\/[\w.-]+)@v(\d+)$/.exec(uses);
      expect(match, `${file}: "${uses}" is not pinned to a major tag such as @v5`).not.toBeNull();
      const [, action, major] = match!;
      const first = FIRST_NODE24_MAJOR[action!];
      expect(
        first,
        `${file}: ${action} is not known here; check that its action.yml runs on node24, then add it`,
      ).toBeDefined();
      expect(
        Number(major),
        `${file}: ${uses} runs on Node 20, which runners no longer have; use @v${first}`,
      ).toBeGreaterThanOrEqual(first!);
    }
  });
});

describe('release workflow', () => {
  const release = workflowsOf('.github/workflows/release.yml')[0]! as Workflow & {
    jobs: Record<string, { needs?: string; permissions?: Record<string, string>; steps: Step[] }>;
  };
  const ci = release.jobs.ci!;
  const publish = release.jobs.publish!;
  const at = (text: string) => publish.steps.findIndex((s) => s.run?.includes(text));

  it('runs on version tags only; only the publish job may write, and only after the whole CI passed', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(ci.permissions).toBeUndefined();
    expect(ci.steps.some((s) => s.run?.includes('bash .ci/run'))).toBe(true);
    expect(publish.needs).toBe('ci');
    expect(publish.permissions).toEqual({ contents: 'write' });
    expect(
      publish.steps
        .filter((s) => s.run?.includes('npm ci'))
        .every((s) => s.run!.includes('--ignore-scripts')),
    ).toBe(true);
  });

  it('checks the tag, creates the release, and only then moves the major tag, when the tag is the highest', () => {
    const check = at('scripts/release-check.sh');
    const create = at('gh release create');
    const move = at('git push --force origin "refs/tags/$MAJOR"');
    expect(check).toBeGreaterThan(-1);
    expect(create).toBeGreaterThan(check);
    expect(move).toBeGreaterThan(create);
    expect(publish.steps[create]!.run).toContain('infra/build/relay.zip');
    expect(at('node scripts/package-relay.mjs')).toBeLessThan(create);
    expect(publish.steps[move]!.if).toBe("steps.check.outputs.latest == 'true'");
  });
});

describe('scripts/release-check.sh', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    });
  let origin: string;
  let clone: string;
  const commit = (version: string, tag?: string) => {
    writeFileSync(
      join(origin, 'package.json'),
      `{\n  "name": "x",\n  "version": "${version}",\n  "private": true\n}\n`,
    );
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', version);
    if (tag) git(origin, 'tag', tag);
  };
  const check = (tag: string) =>
    spawnSync('bash', [join(repoRoot, 'scripts/release-check.sh'), tag], {
      cwd: clone,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });

  beforeAll(() => {
    origin = mkdtempSync(join(tmpdir(), 'release-origin-'));
    git(origin, 'init', '-q', '-b', 'main');
    commit('1.0.0', 'v1.0.0');
    commit('1.1.0', 'v1.1.0');
    // A lower version tagged later on main (a late patch of 1.0): released, but v1 must not go back.
    commit('1.0.5', 'v1.0.5');
    git(origin, 'switch', '-qc', 'feature');
    commit('1.2.0', 'v1.2.0');
    git(origin, 'switch', '-q', 'main');
    clone = mkdtempSync(join(tmpdir(), 'release-clone-'));
    git(tmpdir(), 'clone', '-q', origin, clone);
  });
  afterAll(() => {
    rmSync(origin, { recursive: true, force: true });
    rmSync(clone, { recursive: true, force: true });
  });

  it('accepts the highest tag of its major on main: move v1', () => {
    git(clone, 'checkout', '-q', 'v1.1.0');
    const run = check('v1.1.0');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toBe('major=v1\nlatest=true\n');
  });

  it('accepts a lower version tagged later, but v1 stays where it is', () => {
    git(clone, 'checkout', '-q', 'v1.0.5');
    const run = check('v1.0.5');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toBe('major=v1\nlatest=false\n');
  });

  it('refuses a tag that is not on main, naming the fix', () => {
    git(clone, 'checkout', '-q', 'v1.2.0');
    const run = check('v1.2.0');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /^::error title=Release refused::v1\.2\.0 \([0-9a-f]{40}\) is not on main: tag a commit of main/,
    );
  });

  it('refuses a tag that differs from package.json, and a tag that is not a version', () => {
    git(clone, 'checkout', '-q', 'v1.1.0');
    git(clone, 'tag', 'v1.1.5');
    const run = check('v1.1.5');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'package.json says "version": "1.1.0", the tag is v1.1.5: set it to "1.1.5"',
    );
    expect(check('v1.1').stdout).toContain('v1.1 is not a version tag like v1.2.3.');
  });
});
