// The "send the relay what Slack would send" recipe (docs/relay.md, Set it up, step 5) works as
// written against the relay bundle: signed with the right secret it gets the help text and starts
// nothing; with another secret it gets a 401.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { blockAfter, docSection } from './helpers/docs.ts';
import { startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startRelay, type RunningRelay } from './helpers/relay-server.ts';
import { TEST_SIGNING_SECRET } from './helpers/slack.ts';

const recipe = blockAfter(docSection('docs/relay.md', 'Set it up'), 'Before Slack is wired up', 'sh');

let double: GitHubDouble;
let relay: RunningRelay;

beforeAll(async () => {
  double = await startGitHubDouble();
  relay = await startRelay({ ...double.env('token'), SITES: 'portal,main' });
});

afterAll(async () => {
  await relay?.stop();
  await double?.close();
});

/** The recipe as a user runs it, with the relay's address and the secret they type at the prompt. */
function runRecipe(secret: string) {
  const lines = recipe.split('\n');
  expect(lines[0]).toMatch(/^RELAY=http:\/\/127\.0\.0\.1:8080 /);
  const script = recipe.replace(/^RELAY=\S+/m, `RELAY=${relay.url}`);
  return spawnSync('bash', ['-euc', script], {
    input: `${secret}\n`,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
}

describe('docs/relay.md: a signed request to the relay without Slack', () => {
  it("with the relay's signing secret: HTTP 200 and the help text, nothing dispatched", () => {
    const run = runRecipe(TEST_SIGNING_SECRET);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\nHTTP 200\n$/);
    const answer = JSON.parse(run.stdout.slice(0, run.stdout.lastIndexOf('\nHTTP'))) as {
      response_type: string;
      text: string;
    };
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('`portal`');
    expect(answer.text).toContain('`main`');
    expect(double.requests.filter((r) => r.route === 'dispatch')).toHaveLength(0);
  });

  it('with another secret: HTTP 401 and no body', () => {
    const run = runRecipe('not-the-signing-secret');
    expect(run.status, run.stderr).toBe(0);
    // the first new line is the recipe's `echo` after the hidden prompt
    expect(run.stdout).toBe('\n\nHTTP 401\n');
  });
});
