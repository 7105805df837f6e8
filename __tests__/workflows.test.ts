// Every workflow this project ships or shows (its own .github/workflows, examples/, the README's YAML
// snippets) uses action majors that still run on GitHub's runners: Node 20 was removed from them in
// September 2026, and actions/checkout and actions/setup-node run on Node 24 from v5. An action this test
// does not know fails it, so someone checks its runtime before it ships. The release workflow runs the
// whole CI before it moves the major tag.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './helpers/run-action.js';

/** First major of each action whose action.yml says `using: node24`. */
const FIRST_NODE24_MAJOR: Record<string, number> = {
  'actions/checkout': 5,
  'actions/setup-node': 5,
};

interface Workflow {
  on?: unknown;
  permissions?: Record<string, string>;
  jobs?: Record<string, { steps?: { uses?: string; run?: string; name?: string }[] }>;
}

const workflowFiles = [
  ...readdirSync(join(repoRoot, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(join(repoRoot, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => `examples/${f}`),
];

function workflowsOf(file: string): Workflow[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  if (file !== 'README.md') return [parse(text) as Workflow];
  return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => parse(m[1]!) as Workflow);
}

function usesOf(workflow: Workflow | null): string[] {
  if (!workflow || typeof workflow !== 'object' || !workflow.jobs) return [];
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])),
  );
}

describe('workflows use action majors that run on Node 24', () => {
  const sources = [...workflowFiles, 'README.md'];
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
  const release = workflowsOf('.github/workflows/release.yml')[0]!;
  const steps = release.jobs!.release!.steps!;

  it('runs on version tags only, and may push the major tag', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(release.permissions).toEqual({ contents: 'write' });
  });

  it('runs the whole CI before it moves the major tag and creates the release', () => {
    const ci = steps.findIndex((s) => s.run?.includes('bash .ci/run'));
    const move = steps.findIndex((s) => s.run?.includes('git push --force origin "refs/tags/$major"'));
    const create = steps.findIndex((s) => s.run?.startsWith('gh release create'));
    expect(ci).toBeGreaterThan(-1);
    expect(move).toBeGreaterThan(ci);
    expect(create).toBeGreaterThan(move);
    expect(steps[create]!.run).toContain('infra/build/relay.zip');
    expect(steps.slice(ci, create).some((s) => s.run === 'npm run package:relay')).toBe(true);
  });

  it('moves the major tag the README pins: v1.4.2 → v1', () => {
    const line = steps
      .find((s) => s.run?.includes('major='))!
      .run!.split('\n')
      .find((l) => l.startsWith('major='))!;
    const major = execFileSync('bash', ['-c', `${line}; printf %s "$major"`], {
      env: { GITHUB_REF_NAME: 'v1.4.2' },
      encoding: 'utf8',
    });
    expect(major).toBe('v1');
  });
});
