// The relay's pure core, without I/O: `decide` — what a signed request gets before any dispatch: the
// HTTP checks (405, 415, 413, 401), ssl_check, help and site lists, "Did you mean", authorisation by
// team, channel and user id only, and the answers while the relay is misconfigured.

import { describe, expect, it } from 'vitest';
import { loadRelayConfig } from '../src/relay/core/config.js';
import { decide, decideMisconfigured } from '../src/relay/core/decide.js';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.js';
import { ENV, NOW, config, message, nowSeconds, request, response } from './helpers/relay-core-fixtures.js';

describe('decide', () => {
  it('dispatches one known site with the requester as a Slack mention', () => {
    const decision = decide(request(commandBody({ text: 'Main' })), config, NOW);
    expect(decision).toMatchObject({
      kind: 'dispatch',
      site: 'main',
      dispatches: [
        {
          owner: 'acme',
          repo: 'website',
          workflow: 'purge-cache.yml',
          ref: 'main',
          inputs: { site: 'main', requester: '<@U0001>', 'slack-channel': 'C0001' },
        },
      ],
    });
  });

  it('answers 405, 415, 413 and 401 before reading the body', () => {
    const body = commandBody();
    expect(response(decide({ ...request(body), method: 'GET' }, config, NOW))).toMatchObject({
      status: 405,
      headers: { allow: 'POST' },
    });
    const json = { ...slackHeaders(body, { timestamp: nowSeconds }), 'content-type': 'application/json' };
    expect(response(decide(request(body, json), config, NOW)).status).toBe(415);
    const big = commandBody({ text: 'x'.repeat(17_000) });
    expect(response(decide(request(big), config, NOW)).status).toBe(413);
    const unsigned = response(
      decide(request(body, { 'content-type': 'application/x-www-form-urlencoded' }), config, NOW),
    );
    expect(unsigned).toEqual({
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '',
    });
    const stale = response(
      decide(request(body, slackHeaders(body, { timestamp: nowSeconds - 301 })), config, NOW),
    );
    expect(stale.status).toBe(401);
  });

  it('accepts the content type with a charset, in any case', () => {
    const body = commandBody();
    const headers = {
      ...slackHeaders(body, { timestamp: nowSeconds }),
      'content-type': 'Application/X-WWW-Form-Urlencoded; charset=utf-8',
    };
    expect(decide(request(body, headers), config, NOW).kind).toBe('dispatch');
  });

  it('answers ssl_check with an empty 200 and malformed commands with 400', () => {
    expect(response(decide(request('ssl_check=1&token=x'), config, NOW))).toMatchObject({
      status: 200,
      body: '',
    });
    expect(response(decide(request(`${commandBody()}&user_id=U2`), config, NOW)).status).toBe(400);
  });

  it('lists the sites for help, empty text and anything that is not one site, ephemerally', () => {
    for (const text of ['', 'help', 'blog', 'portal blog', 'all portal', 'portal; rm -rf /']) {
      const reply = response(decide(request(commandBody({ text })), config, NOW));
      expect(reply.status).toBe(200);
      expect(message(reply).response_type).toBe('ephemeral');
      expect(message(reply).text).toContain('Sites: `portal`, `main`.');
      expect(message(reply).text).toContain('`/clear-cache <site>`');
    }
    expect(message(response(decide(request(commandBody({ text: 'blog' })), config, NOW))).text).toMatch(
      /^`blog` is not a site\./,
    );
  });

  it('an unknown site that misspells one gets "Did you mean", the rest of the reply and the log unchanged', () => {
    const decision = decide(request(commandBody({ text: 'portl', user_id: 'U0TYPO' })), config, NOW);
    expect(message(response(decision))).toEqual({
      response_type: 'ephemeral',
      text: '`portl` is not a site. Did you mean `portal`? Usage: `/clear-cache <site>` purges every cache layer of one site; `/clear-cache <site> <site>…` or `/clear-cache all` purges several in one run, once you confirm. Sites: `portal`, `main`.',
    });
    expect(decision).toMatchObject({
      log: {
        decision: 'invalid_text',
        reason: 'unknown_site',
        status: 200,
        user: 'U0TYPO',
        team: 'T0001',
        channel: 'C0001',
      },
    });
    expect(Object.keys((decision as { log: object }).log).sort()).toEqual(
      ['channel', 'decision', 'reason', 'status', 'team', 'user'].sort(),
    );
    // no close site: the reply is as before, with no guess
    expect(message(response(decide(request(commandBody({ text: 'blog' })), config, NOW))).text).toBe(
      '`blog` is not a site. Usage: `/clear-cache <site>` purges every cache layer of one site; `/clear-cache <site> <site>…` or `/clear-cache all` purges several in one run, once you confirm. Sites: `portal`, `main`.',
    );
  });

  it('authorises by team, channel and user id only', () => {
    const restricted = loadRelayConfig({
      ...ENV,
      ALLOWED_TEAM_IDS: 'T0001',
      ALLOWED_CHANNEL_IDS: 'C0001, C0002',
      ALLOWED_USER_IDS: 'U0001',
    });
    expect(decide(request(commandBody()), restricted, NOW).kind).toBe('dispatch');
    for (const [fields, text] of [
      [
        { team_id: 'T0009' },
        "Cache purges are not allowed in this workspace: the relay's ALLOWED_TEAM_IDS does not list this workspace's id `T0009`. Ask whoever runs the relay to add it.",
      ],
      [
        { channel_id: 'C0009', channel_name: 'ops' },
        "Cache purges are not allowed in this channel: the relay's ALLOWED_CHANNEL_IDS does not list this channel's id `C0009`. Ask whoever runs the relay to add it.",
      ],
      [
        { user_id: 'U0123ABCD', user_name: 'ada' },
        "Cache purges are not allowed for you: the relay's ALLOWED_USER_IDS does not list your Slack user id `U0123ABCD`. Ask whoever runs the relay to add it.",
      ],
    ] as const) {
      const decision = decide(request(commandBody(fields)), restricted, NOW);
      expect(message(response(decision))).toEqual({ response_type: 'ephemeral', text });
      expect(decision).toMatchObject({ log: { decision: 'forbidden' } });
    }
  });

  it('while misconfigured, answers a signed command with a 200 naming the variables, and refuses the rest as usual', () => {
    const body = commandBody({ user_id: 'U0042' });
    const signed = decideMisconfigured(
      request(body),
      [TEST_SIGNING_SECRET],
      ['SITES', 'DISPATCH_REPOSITORY'],
      NOW,
    );
    expect(signed.response.status).toBe(200);
    expect(message(signed.response)).toEqual({
      response_type: 'ephemeral',
      text: 'The cache-purge relay is misconfigured, so nothing was started: `SITES` and `DISPATCH_REPOSITORY` need fixing in its settings. Whoever runs the relay finds what is wrong in its log (`config_error` lines).',
    });
    expect(signed.log).toMatchObject({
      decision: 'misconfigured',
      reason: 'config_error',
      status: 200,
      user: 'U0042',
    });
    expect(
      message(decideMisconfigured(request(body), [TEST_SIGNING_SECRET], ['SITES'], NOW).response).text,
    ).toContain('`SITES` needs fixing');
    const forged = decideMisconfigured(request(body), ['another-secret'], ['SITES'], NOW);
    expect([forged.response.status, forged.response.body, forged.log.reason]).toEqual([
      401,
      '',
      'bad_signature',
    ]);
    expect(
      decideMisconfigured({ ...request(body), method: 'GET' }, [TEST_SIGNING_SECRET], ['SITES'], NOW).response
        .status,
    ).toBe(405);
  });
});
