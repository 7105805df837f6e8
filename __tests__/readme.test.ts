// The README's inputs and outputs tables stay equal to action.yml (names, required, defaults);
// action.yml keeps the runtime and entry point the project promises; the sites-file page's error
// sample (docs/sites-file.md) is what the bundle really prints, and its local dry-run command runs as
// written.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { blockAfter, docSection } from './helpers/docs.js';
import { exampleConfig, repoRoot, runAction } from './helpers/run-action.js';

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYml;
const sitesFile = docSection('docs/sites-file.md', 'The sites file');

function table(heading: string): string[][] {
  return docSection('README.md', heading)
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

const unquote = (s: string) => s.replace(/^`|`$/g, '');

describe('README ↔ action.yml', () => {
  it('runs on node24 from dist/index.js', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('the inputs table lists exactly the inputs of action.yml, with the same required flag and default', () => {
    const rows = table('Inputs');
    expect(rows.map((r) => unquote(r[0]!))).toEqual(Object.keys(action.inputs));
    for (const [name, required, fallback] of rows) {
      const input = action.inputs[unquote(name!)]!;
      expect({ name, required: required === 'yes', default: unquote(fallback!) }).toEqual({
        name,
        required: input.required === true,
        default: input.default ?? '',
      });
    }
  });

  it('the outputs table lists exactly the outputs of action.yml', () => {
    expect(table('Outputs').map((r) => unquote(r[0]!))).toEqual(Object.keys(action.outputs));
  });

  it('the quick start is the two documented commands', () => {
    const quickStart = docSection('README.md', 'Quick start');
    expect(quickStart).toContain('npm ci && npm run demo');
    expect(quickStart).toContain('npm test');
  });
});

describe('the sites-file error sample (docs/sites-file.md)', () => {
  it('is what dist/index.js prints for the example file with "document:" misspelt in the first step', async () => {
    const sample = blockAfter(sitesFile, 'misspelt in the first step gives', '');
    const config = exampleConfig.replace('document:', 'documnet:');
    expect(config).not.toBe(exampleConfig);
    const run = await runAction({
      inputs: { site: 'portal', 'dry-run': 'true' },
      files: { '.github/cache-purge.yml': config },
    });
    expect(run.code).toBe(1);
    const printed = run.stdout
      .split('\n')
      .find((line) => line.startsWith('::error '))!
      .replaceAll('%0A', '\n');
    expect(printed).toBe(sample);
  });
});

describe('the local sites-file check (docs/sites-file.md)', () => {
  it('runs as written (paths replaced) on the example sites file and prints the plan', () => {
    const command = blockAfter(sitesFile, 'To check a sites file before you commit it', 'sh');
    const site = mkdtempSync(join(tmpdir(), 'readme-site-'));
    try {
      mkdirSync(join(site, '.github'));
      writeFileSync(join(site, '.github/cache-purge.yml'), exampleConfig);
      const script = command
        .replaceAll('~/src/website', site)
        .replaceAll('~/src/cache-purge-action', repoRoot);
      // the AWS keys of a laptop: the check never passes them on
      const env = {
        PATH: process.env.PATH,
        HOME: site,
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        INPUT_DRY_RUN: 'false',
      };
      const run = spawnSync('bash', ['-euc', script], { encoding: 'utf8', env });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('── Plan for portal');
      expect(run.stdout).toMatch(/^Dry run: nothing was purged\. 3 steps would run for portal\.$/m);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });
});
