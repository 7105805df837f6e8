// The shipped examples keep the relay's contract: the dispatched workflow declares exactly the inputs
// the relay sends (and the double, built from that file, accepts the relay's real dispatch for every
// site), passes them through `with:` only, and the Slack manifest declares /clear-cache.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './helpers/run-action.js';
import { startGitHubDouble, type GitHubDouble, type WorkflowInput } from './helpers/github-double.ts';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { loadRelayConfig } from '../src/relay/core/config.js';
import { dispatchRequests } from '../src/relay/core/dispatch.js';
import { createGitHubDispatcher } from '../src/relay/github.js';
import { createRelay } from '../src/relay/relay.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, WorkflowInput & { type: string }> } };
  permissions: Record<string, string>;
  concurrency: { group: string };
  jobs: Record<string, { steps: Step[] }>;
}

const workflowText = readFileSync(join(repoRoot, 'examples/purge-cache.yml'), 'utf8');
const workflow = parse(workflowText) as Workflow;
const sitesFile = parse(readFileSync(join(repoRoot, 'examples/cache-purge.yml'), 'utf8')) as {
  sites: object;
};
const manifest = parse(readFileSync(join(repoRoot, 'examples/slack-app-manifest.yml'), 'utf8')) as {
  display_information: { name: string };
  features: { slash_commands: { command: string; url: string; usage_hint: string; description: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string } };
};

describe('examples/purge-cache.yml', () => {
  const inputs = workflow.on.workflow_dispatch.inputs;

  it('takes site as a choice of every site of the sites file and all; sites, requester and slack-channel as strings', () => {
    expect(Object.keys(inputs)).toEqual(['site', 'sites', 'requester', 'slack-channel']);
    expect(inputs['slack-channel']).toMatchObject({ type: 'string', required: false });
    expect(inputs.site).toMatchObject({ type: 'choice', required: true });
    expect(inputs.site!.options).toEqual([...Object.keys(sitesFile.sites), 'all']);
    expect(inputs.sites).toMatchObject({ type: 'string', required: false });
    expect(inputs.requester).toMatchObject({ type: 'string', required: false });
  });

  it('asks only for id-token: write and contents: read, and runs one purge per site at a time', () => {
    expect(workflow.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
    expect(workflow.concurrency.group).toContain('${{ inputs.sites || inputs.site }}');
  });

  it('checks out, then passes the inputs to the action with `with:`, never inside `run:`', () => {
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/);
    expect(steps[1]).toEqual({
      uses: './',
      with: {
        site: '${{ inputs.sites || inputs.site }}',
        requester: '${{ inputs.requester }}',
        'role-to-assume': '${{ vars.CACHE_PURGE_ROLE_ARN }}',
        'slack-webhook-url': '${{ secrets.SLACK_WEBHOOK_URL }}',
        'slack-bot-token': '${{ secrets.SLACK_BOT_TOKEN }}',
        'slack-channel': '${{ inputs.slack-channel }}',
      },
    });
    for (const step of steps) expect(step.run ?? '').not.toContain('${{');
    expect(workflowText).toContain('uses: OWNER/cache-purge-action@v1');
  });

  describe('accepts what the relay sends (a double built from this file, real Octokit)', () => {
    let double: GitHubDouble;
    beforeAll(async () => {
      double = await startGitHubDouble({ workflows: { 'purge-cache.yml': { id: 1, inputs } } });
    });
    afterAll(async () => double?.close());

    it.each(Object.keys(sitesFile.sites))('/clear-cache %s', async (site) => {
      const config = loadRelayConfig({
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SITES: Object.keys(sitesFile.sites).join(','),
        ...double.env('token'),
      });
      const relay = createRelay({ config, dispatch: createGitHubDispatcher(config.github), log: () => {} });
      const body = commandBody({ text: site });
      const reply = await relay({ method: 'POST', headers: slackHeaders(body), body: Buffer.from(body) });
      expect(JSON.parse(reply.body)).toMatchObject({ response_type: 'in_channel' });
      expect(double.dispatches.at(-1)!.inputs).toEqual({
        site,
        requester: '<@U0001>',
        'slack-channel': 'C0001',
      });
    });

    it('several sites, confirmed: site holds the first (a valid choice), sites the list', () => {
      const config = loadRelayConfig({
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SITES: Object.keys(sitesFile.sites).join(','),
        ...double.env('token'),
      });
      const [first, second] = Object.keys(sitesFile.sites) as [string, string];
      const [request] = dispatchRequests(config, [first, second], { userId: 'U0001', channelId: 'C0001' });
      expect(request!.inputs).toEqual({
        site: first,
        sites: `${first},${second}`,
        requester: '<@U0001>',
        'slack-channel': 'C0001',
      });
    });

    it('GitHub accepts that dispatch against this file', async () => {
      const config = loadRelayConfig({
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SITES: Object.keys(sitesFile.sites).join(','),
        ...double.env('token'),
      });
      const sites = Object.keys(sitesFile.sites);
      const result = await createGitHubDispatcher(config.github)(
        dispatchRequests(config, sites, { userId: 'U0001', channelId: 'C0001' })[0]!,
        AbortSignal.timeout(5_000),
      );
      expect(result).toMatchObject({ kind: 'accepted' });
      expect(double.dispatches.at(-1)!.inputs).toMatchObject({ site: sites[0], sites: sites.join(',') });
    });
  });
});

describe('examples/slack-app-manifest.yml', () => {
  it('declares /clear-cache with a usage hint, pointing at the relay route, with the commands scope', () => {
    const [command] = manifest.features.slash_commands;
    expect(command).toMatchObject({
      command: '/clear-cache',
      url: expect.stringMatching(/^https:\/\/.+\/slack\/commands$/),
    });
    expect(command!.usage_hint).toContain('portal');
    expect(command!.command.length).toBeLessThanOrEqual(32);
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
    // the confirm button's clicks go to the same relay route as the command
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: command!.url });
    // what the relay and the live message need, and no more
    expect(manifest.oauth_config.scopes.bot).toEqual(['commands', 'chat:write']);
  });
});
