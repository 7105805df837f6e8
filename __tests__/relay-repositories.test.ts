// Sites in several repositories (issue 15, item 4): SITES takes `site=owner/repo` (default:
// DISPATCH_REPOSITORY), and the relay dispatches each site to the repository it lives in — one
// workflow run per repository for a confirmed broad purge, each given its own sites. End to end
// through the relay's real Node server and real Octokit to the GitHub double holding two repositories;
// the answer has one line per repository (a failure in one next to the run that did start), the log
// line the worst outcome with every dispatch listed.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOWS, startGitHubDouble, type GitHubDouble } from './helpers/github-double.ts';
import { startSlackSink, type SlackSink } from './helpers/slack-sink.js';
import { clickBody, commandBody, postSigned, TEST_SIGNING_SECRET } from './helpers/slack.ts';
import { loadRelayConfig, type RelayConfig } from '../src/relay/core/config.js';
import { RelayConfigError } from '../src/relay/core/config-problems.js';
import { dispatchRequests } from '../src/relay/core/dispatch.js';
import { replyForDispatches } from '../src/relay/core/dispatch-replies.js';
import { createGitHubDispatcher } from '../src/relay/github.js';
import { createRelay } from '../src/relay/relay.js';
import { startRelayServer } from '../src/relay/http-server.js';

const BASE_ENV = {
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  GITHUB_TOKEN: 'ghp_x',
  DISPATCH_REPOSITORY: 'acme/website',
};

describe('SITES: site=owner/repo', () => {
  it('names the repository of a site; the others stay in DISPATCH_REPOSITORY', () => {
    const config = loadRelayConfig({
      ...BASE_ENV,
      SITES: 'portal, Blog=acme/blog ,shop=Other-Org/shop.site,',
    });
    expect(config.sites).toEqual(['portal', 'blog', 'shop']);
    expect(config.siteRepositories).toEqual(
      new Map([
        ['blog', { owner: 'acme', repo: 'blog' }],
        ['shop', { owner: 'Other-Org', repo: 'shop.site' }],
      ]),
    );
    expect(loadRelayConfig({ ...BASE_ENV, SITES: 'portal,main' }).siteRepositories).toBeUndefined();
  });

  it.each([
    ['blog=acme', 'blog=acme'],
    ['blog=https://github.com/acme/blog', 'blog=https://github.com/acme/blog'],
    ['blog=acme/blog/x', 'blog=acme/blog/x'],
    ['blog=', 'blog='],
    ['blog=acme/blog.git x', 'blog=acme/blog.git x'],
  ])('refuses %j, naming SITES and the form', (sites, shown) => {
    try {
      loadRelayConfig({ ...BASE_ENV, SITES: `portal,${sites}` });
      expect.unreachable('the configuration should have been refused');
    } catch (error) {
      expect(error).toBeInstanceOf(RelayConfigError);
      expect((error as Error).message).toContain(
        `SITES: has ${JSON.stringify(shown)}; a site whose workflow lives in another repository is written site=owner/repo, e.g. blog=my-org/blog (no URL, no .git).`,
      );
    }
  });

  it('a site given twice (once with its repository) is still refused as listed twice', () => {
    expect(() => loadRelayConfig({ ...BASE_ENV, SITES: 'blog,blog=acme/blog' })).toThrow(
      /lists "blog" twice/,
    );
  });

  it('groups the sites of a request by repository, in the order of their first site', () => {
    const config = loadRelayConfig({ ...BASE_ENV, SITES: 'portal,blog=acme/blog,main,news=acme/blog' });
    const requests = dispatchRequests(config, ['portal', 'blog', 'main', 'news'], {
      userId: 'U0001',
      channelId: 'C0001',
    });
    expect(requests.map((r) => [`${r.owner}/${r.repo}`, r.inputs.site, r.inputs.sites])).toEqual([
      ['acme/website', 'portal', 'portal,main'],
      ['acme/blog', 'blog', 'blog,news'],
    ]);
    expect(dispatchRequests(config, ['blog'], { userId: 'U0001', channelId: 'C0001' })).toHaveLength(1);
  });

  it('several accepted dispatches of an unconfirmed request go to the channel; one failure keeps it to the user', () => {
    const config = loadRelayConfig({ ...BASE_ENV, SITES: 'portal,blog=acme/blog' });
    const requests = dispatchRequests(config, ['portal', 'blog'], { userId: 'U0001', channelId: 'C0001' });
    const context = {
      config,
      site: 'portal,blog',
      command: { teamId: 'T0001', channelId: 'C0001', userId: 'U0001', command: '/clear-cache', text: '' },
      nowMs: 0,
      timeoutMs: 2000,
    };
    const accepted = replyForDispatches(
      requests.map((request, i) => ({ request, result: { kind: 'accepted', runId: i + 1 } })),
      context,
    );
    expect(JSON.parse(accepted.response.body)).toEqual({
      response_type: 'in_channel',
      text: [
        'Cache purge of *portal* requested by <@U0001> — <https://github.com/acme/website/actions/runs/1>',
        'Cache purge of *blog* requested by <@U0001> — <https://github.com/acme/blog/actions/runs/2>',
      ].join('\n'),
    });
    const oneFailed = replyForDispatches(
      [
        { request: requests[0]!, result: { kind: 'accepted', runId: 1 } },
        { request: requests[1]!, result: { kind: 'no_answer', cause: 'timeout' } },
      ],
      context,
    );
    expect(JSON.parse(oneFailed.response.body).response_type).toBe('ephemeral');
    expect(oneFailed.log).toMatchObject({ decision: 'status_unknown', site: 'portal,blog' });
  });
});

describe('the relay dispatches each site to its repository (real server, Octokit, GitHub double)', () => {
  let github: GitHubDouble;
  let sink: SlackSink;
  let server: Awaited<ReturnType<typeof startRelayServer>>;
  let config: RelayConfig;
  const lines: string[] = [];

  beforeAll(async () => {
    // each repository's purge-cache.yml offers its own sites in the site choice (the double holds one
    // workflow for all: the union)
    github = await startGitHubDouble({
      moreRepositories: ['acme/blog'],
      workflows: {
        'purge-cache.yml': {
          id: 1001,
          inputs: {
            ...DEFAULT_WORKFLOWS['purge-cache.yml']!.inputs,
            site: { type: 'choice', required: true, options: ['portal', 'main', 'blog', 'shop', 'all'] },
          },
        },
      },
    });
    sink = await startSlackSink();
    // shop's repository does not exist on the double: GitHub answers 404 there
    config = loadRelayConfig({
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SITES: 'portal,blog=acme/blog,main,shop=acme/shop',
      ...github.env('token'),
    });
    const relay = createRelay({
      config,
      dispatch: createGitHubDispatcher(config.github),
      log: (line) => void lines.push(line),
    });
    server = await startRelayServer({ relay, host: '127.0.0.1', port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all([github.close(), sink.close()]);
  });
  beforeEach(() => {
    github.reset();
    sink.reset();
    lines.length = 0;
  });

  const post = (body: string) => postSigned(`${server.url}/slack/commands`, body);
  /** A broad purge: the prompt, then the same user's click on its button. */
  async function confirmed(text: string) {
    const prompt = JSON.parse((await post(commandBody({ text }))).text) as {
      blocks: [unknown, { elements: { value: string }[] }];
    };
    const click = clickBody({
      token: prompt.blocks[1].elements[0]!.value,
      responseUrl: `${sink.origin}/actions/T0001/1/abc`,
    });
    expect(await post(click)).toEqual({ status: 200, text: '' });
    return (sink.requests.at(-1)!.body as { text: string }).text;
  }
  const lastLog = () => JSON.parse(lines.at(-1)!) as Record<string, unknown>;

  it('/clear-cache blog: one dispatch, to acme/blog, and its run link in the channel', async () => {
    const answer = JSON.parse((await post(commandBody({ text: 'blog' }))).text) as Record<string, string>;
    expect(github.dispatches.map((d) => [`${d.owner}/${d.repo}`, d.inputs.site])).toEqual([
      ['acme/blog', 'blog'],
    ]);
    expect(answer.response_type).toBe('in_channel');
    expect(answer.text).toMatch(
      /^Cache purge of \*blog\* requested by <@U0001> — <http.+\/acme\/blog\/actions\/runs\/\d+>$/,
    );
    expect(lastLog()).toMatchObject({ decision: 'dispatched', site: 'blog' });
    expect(lastLog()).not.toHaveProperty('dispatches');
  });

  it('/clear-cache portal: DISPATCH_REPOSITORY, exactly as before', async () => {
    await post(commandBody({ text: 'portal' }));
    expect(github.dispatches.map((d) => [`${d.owner}/${d.repo}`, d.inputs.site])).toEqual([
      ['acme/website', 'portal'],
    ]);
  });

  it('a confirmed purge of sites in two repositories: one run in each, with its own sites; both links', async () => {
    const text = await confirmed('main blog portal');
    expect(github.dispatches.map((d) => [`${d.owner}/${d.repo}`, d.inputs])).toEqual(
      expect.arrayContaining([
        [
          'acme/website',
          { site: 'portal', sites: 'portal,main', requester: '<@U0001>', 'slack-channel': 'C0001' },
        ],
        ['acme/blog', { site: 'blog', requester: '<@U0001>', 'slack-channel': 'C0001' }],
      ]),
    );
    expect(github.dispatches).toHaveLength(2);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(
        /^Confirmed by <@U0001> — cache purge of \*portal,main\* — <.+\/acme\/website\/actions\/runs\/\d+>$/,
      ),
      expect.stringMatching(
        /^Confirmed by <@U0001> — cache purge of \*blog\* — <.+\/acme\/blog\/actions\/runs\/\d+>$/,
      ),
    ]);
    expect(lastLog()).toMatchObject({
      event: 'slack_interaction',
      decision: 'dispatched',
      site: 'portal,blog,main',
      dispatches: [
        { repository: 'acme/website', site: 'portal,main', decision: 'dispatched', reason: 'run_created' },
        { repository: 'acme/blog', site: 'blog', decision: 'dispatched', reason: 'run_created' },
      ],
    });
  });

  it('one repository failing does not hide the run that started in the other', async () => {
    const text = await confirmed('portal shop');
    expect(github.dispatches.map((d) => `${d.owner}/${d.repo}`)).toEqual(['acme/website']);
    const [started, failed] = text.split('\n');
    expect(started).toMatch(
      /^Confirmed by <@U0001> — cache purge of \*portal\* — <.+\/acme\/website\/actions\/runs\/\d+>$/,
    );
    expect(failed).toBe(
      "GitHub found no workflow `purge-cache.yml` in acme/shop (HTTP 404). Check SITES (shop=acme/shop) and DISPATCH_WORKFLOW, that the workflow file is on the default branch, and that the relay's token can see the repository. Nothing was started.",
    );
    expect(lastLog()).toMatchObject({
      decision: 'dispatch_failed',
      reason: 'github_404',
      dispatches: [
        { repository: 'acme/website', decision: 'dispatched' },
        { repository: 'acme/shop', decision: 'dispatch_failed', reason: 'github_404', github_status: 404 },
      ],
    });
  });

  it('/clear-cache all: every repository once', async () => {
    await confirmed('all');
    expect(
      github.dispatches.map((d) => [`${d.owner}/${d.repo}`, d.inputs.sites ?? d.inputs.site]).sort(),
    ).toEqual([
      ['acme/blog', 'blog'],
      ['acme/website', 'portal,main'],
    ]);
  });
});
