// Our runner adapter speaks the GitHub Actions runner protocol byte for byte as @actions/core does:
// the same calls produce the same stdout lines and the same GITHUB_OUTPUT / summary file contents.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { actionsRunner } from '../src/action/runner.js';
import { restoreEnv } from './helpers/process-env.ts';

let dir: string;
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  dir = mkdtempSync(join(tmpdir(), 'runner-protocol-'));
});
afterEach(() => {
  restoreEnv(saved);
  vi.restoreAllMocks();
});

/** What @actions/core writes to stdout for `act`. */
function coreStdout(act: () => void): string {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  act();
  vi.restoreAllMocks();
  return out;
}

function ours(env: NodeJS.ProcessEnv = process.env) {
  let out = '';
  return { runner: actionsRunner(env, (t) => (out += t)), stdout: () => out };
}

const tricky = 'line 1\nline 2\r: 100%, done';

describe('runner protocol parity with @actions/core', () => {
  it('annotations with title, file, line and column', () => {
    const expected = coreStdout(() => {
      core.error(tricky, { title: 'A: b, c', file: '.github/cache-purge.yml', startLine: 7, startColumn: 3 });
      core.warning(tricky, { title: 'W' });
      core.error('plain');
    });
    const { runner, stdout } = ours();
    runner.error(tricky, { title: 'A: b, c', file: '.github/cache-purge.yml', line: 7, column: 3 });
    runner.warning(tricky, { title: 'W' });
    runner.error('plain');
    expect(stdout()).toBe(expected);
  });

  it('groups, debug, info and masks', async () => {
    const expected = coreStdout(() => {
      core.startGroup('Plan: portal');
      core.info(tricky);
      core.endGroup();
      core.debug(tricky);
      core.setSecret('s3cr%t\nx');
    });
    const { runner, stdout } = ours();
    await runner.group('Plan: portal', async () => runner.info(tricky));
    runner.debug(tricky);
    runner.setSecret('s3cr%t\nx');
    expect(stdout()).toBe(expected);
  });

  it('outputs in the GITHUB_OUTPUT file', () => {
    const coreFile = join(dir, 'core-output');
    const ourFile = join(dir, 'our-output');
    writeFileSync(coreFile, '');
    writeFileSync(ourFile, '');
    process.env.GITHUB_OUTPUT = coreFile;
    core.setOutput('plan', '{"a":"multi\nline"}');
    const { runner } = ours({ GITHUB_OUTPUT: ourFile });
    runner.setOutput('plan', '{"a":"multi\nline"}');
    const normalise = (text: string) => text.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'DELIMITER');
    expect(normalise(readFileSync(ourFile, 'utf8'))).toBe(normalise(readFileSync(coreFile, 'utf8')));
  });

  it('inputs: INPUT_<NAME> upper case, spaces to _, hyphens kept, trimmed', () => {
    const env = { 'INPUT_DRY-RUN': ' true ', INPUT_MY_INPUT: 'x' };
    Object.assign(process.env, env);
    const { runner } = ours(env);
    expect(runner.getInput('dry-run')).toBe(core.getInput('dry-run'));
    expect(runner.getInput('my input')).toBe(core.getInput('my input'));
    expect(runner.getInput('absent')).toBe(core.getInput('absent'));
  });

  it('the job summary is appended to GITHUB_STEP_SUMMARY', async () => {
    const file = join(dir, 'summary');
    writeFileSync(file, '# before\n');
    const { runner } = ours({ GITHUB_STEP_SUMMARY: file });
    await runner.appendSummary('## plan');
    expect(readFileSync(file, 'utf8')).toBe('# before\n## plan\n');
  });
});
