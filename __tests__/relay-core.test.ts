// The relay's pure core, without I/O: Slack's published signing example, every verification failure,
// parsing, authorisation by id, the text rules, every GitHub result → Slack answer, the configuration
// errors (each names its variable) and the dispatch deadline.

import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { computeSignature, verifySlackSignature } from '../src/relay/core/signature.js';
import { actionsPageUrl, loadListenConfig, loadRelayConfig } from '../src/relay/core/config.js';
import { RelayConfigError } from '../src/relay/core/config-problems.js';
import { createServer } from 'node:net';
import { interpretText, parseSlashCommand } from '../src/relay/core/command.js';
import { decide, decideMisconfigured, type Decision } from '../src/relay/core/decide.js';
import { asSentence, replyForDispatch, retryAfterSeconds } from '../src/relay/core/dispatch-reply.js';
import type { RelayResponse } from '../src/relay/core/reply.js';
import {
  acceptedResult,
  describeNetworkError,
  dispatchBody,
  rejectsReturnRunDetails,
  type DispatchProgress,
  type DispatchResult,
} from '../src/relay/core/dispatch.js';
import { createRelay, dispatchWithDeadline } from '../src/relay/relay.js';
import { commandBody, slackHeaders, TEST_SIGNING_SECRET } from './helpers/slack.js';

// Slack's documented example ("Verifying requests from Slack").
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const ENV = {
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  GITHUB_TOKEN: 'ghp_exampletoken',
  DISPATCH_REPOSITORY: 'acme/website',
  SITES: 'portal,main',
};
const config = loadRelayConfig(ENV);
const NOW = 1_750_000_000_000;
const nowSeconds = NOW / 1000;

function request(
  body: string,
  headers: Record<string, string> = slackHeaders(body, { timestamp: nowSeconds }),
) {
  return { method: 'POST', headers, body: Buffer.from(body) };
}

function response(decision: Decision): RelayResponse {
  if (decision.kind !== 'respond') throw new Error(`expected an answer, got ${decision.kind}`);
  return decision.response;
}

const message = (reply: RelayResponse) => JSON.parse(reply.body) as { response_type: string; text: string };

describe('Slack signature', () => {
  it("reproduces Slack's published example", () => {
    const body = Buffer.from(SLACK_EXAMPLE.body);
    expect(computeSignature(SLACK_EXAMPLE.secret, SLACK_EXAMPLE.timestamp, body)).toBe(
      SLACK_EXAMPLE.signature,
    );
    const headers = {
      'X-Slack-Signature': SLACK_EXAMPLE.signature,
      'X-Slack-Request-Timestamp': SLACK_EXAMPLE.timestamp,
    };
    expect(verifySlackSignature(headers, body, [SLACK_EXAMPLE.secret], 1531420618_000)).toEqual({ ok: true });
  });

  it('accepts the previous secret during a rotation, and nothing else', () => {
    const body = Buffer.from(SLACK_EXAMPLE.body);
    const headers = {
      'x-slack-signature': SLACK_EXAMPLE.signature,
      'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
    };
    expect(verifySlackSignature(headers, body, ['new-secret', SLACK_EXAMPLE.secret], 1531420618_000).ok).toBe(
      true,
    );
    expect(verifySlackSignature(headers, body, ['new-secret'], 1531420618_000)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it.each([
    [
      'missing signature',
      { 'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp },
      'missing_signature_header',
    ],
    ['missing timestamp', { 'x-slack-signature': SLACK_EXAMPLE.signature }, 'missing_timestamp_header'],
    [
      'non-integer timestamp',
      { 'x-slack-signature': SLACK_EXAMPLE.signature, 'x-slack-request-timestamp': '1531420618.5' },
      'bad_timestamp',
    ],
    [
      'upper-case hex',
      {
        'x-slack-signature': SLACK_EXAMPLE.signature.toUpperCase(),
        'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
      },
      'bad_signature',
    ],
    [
      'v1 scheme',
      {
        'x-slack-signature': SLACK_EXAMPLE.signature.replace('v0=', 'v1='),
        'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
      },
      'bad_signature',
    ],
    [
      'truncated signature',
      {
        'x-slack-signature': SLACK_EXAMPLE.signature.slice(0, -1),
        'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
      },
      'bad_signature',
    ],
    [
      'repeated signature header',
      {
        'x-slack-signature': [SLACK_EXAMPLE.signature, SLACK_EXAMPLE.signature],
        'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
      },
      'missing_signature_header',
    ],
  ])('refuses a %s', (_name, headers, reason) => {
    expect(
      verifySlackSignature(headers, Buffer.from(SLACK_EXAMPLE.body), [SLACK_EXAMPLE.secret], 1531420618_000),
    ).toEqual({
      ok: false,
      reason,
    });
  });

  it('refuses a timestamp more than 300 s away in either direction, accepts 300 s exactly', () => {
    const body = Buffer.from(SLACK_EXAMPLE.body);
    const headers = {
      'x-slack-signature': SLACK_EXAMPLE.signature,
      'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
    };
    const at = (seconds: number) =>
      verifySlackSignature(headers, body, [SLACK_EXAMPLE.secret], seconds * 1000);
    expect(at(1531420618 + 300).ok).toBe(true);
    expect(at(1531420618 - 300).ok).toBe(true);
    expect(at(1531420618 + 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(at(1531420618 - 301)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('verifies the raw bytes: an equivalent re-encoding of the body fails', () => {
    const body = Buffer.from(SLACK_EXAMPLE.body.replace('%2Fwebhook-collect', '/webhook-collect'));
    const headers = {
      'x-slack-signature': SLACK_EXAMPLE.signature,
      'x-slack-request-timestamp': SLACK_EXAMPLE.timestamp,
    };
    expect(verifySlackSignature(headers, body, [SLACK_EXAMPLE.secret], 1531420618_000).ok).toBe(false);
  });
});

describe('parsing and text rules', () => {
  it('decodes %XX and + and keeps the ids', () => {
    expect(parseSlashCommand(commandBody({ text: ' Portal ' }).replace('Portal', 'Port%61l+'))).toEqual({
      kind: 'command',
      command: {
        teamId: 'T0001',
        channelId: 'C0001',
        userId: 'U0001',
        command: '/clear-cache',
        text: ' Portal  ',
      },
    });
  });

  it('refuses duplicate keys and missing or malformed ids', () => {
    expect(parseSlashCommand(`${commandBody()}&text=main`)).toEqual({
      kind: 'malformed',
      reason: 'duplicate_key',
    });
    expect(parseSlashCommand(commandBody({ user_id: undefined }))).toEqual({
      kind: 'malformed',
      reason: 'missing_user_id',
    });
    expect(parseSlashCommand(commandBody({ team_id: '' }))).toEqual({
      kind: 'malformed',
      reason: 'missing_team_id',
    });
    expect(parseSlashCommand(commandBody({ channel_id: undefined }))).toEqual({
      kind: 'malformed',
      reason: 'missing_channel_id',
    });
    expect(parseSlashCommand(commandBody({ command: undefined }))).toEqual({
      kind: 'malformed',
      reason: 'missing_command',
    });
    expect(parseSlashCommand(commandBody({ user_id: 'U1>&<!here>' }))).toEqual({
      kind: 'malformed',
      reason: 'bad_user_id',
    });
    expect(parseSlashCommand('ssl_check=1&token=x')).toEqual({ kind: 'ssl_check' });
  });

  it('reads the text trimmed and case-insensitively', () => {
    const sites = ['portal', 'main'];
    expect(interpretText('  PORTAL\t', sites)).toEqual({ kind: 'site', site: 'portal' });
    expect(interpretText('', sites)).toEqual({ kind: 'usage' });
    expect(interpretText(' Help ', sites)).toEqual({ kind: 'usage' });
    expect(interpretText('blog', sites)).toEqual({ kind: 'invalid', reason: 'unknown_site', shown: 'blog' });
    expect(interpretText('main portal', sites)).toEqual({
      kind: 'sites',
      sites: ['portal', 'main'],
      all: false,
    });
    expect(interpretText('portal, Portal', sites)).toEqual({ kind: 'site', site: 'portal' });
    expect(interpretText(' ALL ', sites)).toEqual({ kind: 'sites', sites: ['portal', 'main'], all: true });
    expect(interpretText('all portal', sites)).toEqual({ kind: 'invalid', reason: 'all_with_sites' });
    expect(interpretText('portal blog', sites)).toEqual({
      kind: 'invalid',
      reason: 'unknown_site',
      shown: 'blog',
    });
    expect(interpretText('por\u0000tal', sites)).toEqual({ kind: 'invalid', reason: 'control_characters' });
    expect(interpretText('portal\nmain', sites)).toEqual({ kind: 'invalid', reason: 'control_characters' });
    expect(interpretText('p'.repeat(101), sites)).toEqual({ kind: 'invalid', reason: 'too_long' });
    expect(interpretText('<!channel>', sites)).toEqual({ kind: 'invalid', reason: 'unknown_site' });
  });

  it('suggests the closest site for a misspelt one (closestMatch), and nothing for a word too far off', () => {
    const sites = ['portal', 'main'];
    expect(interpretText('portl', sites)).toEqual({
      kind: 'invalid',
      reason: 'unknown_site',
      shown: 'portl',
      suggestion: 'portal',
    });
    expect(interpretText('MIAN', sites)).toMatchObject({ shown: 'mian', suggestion: 'main' });
    expect(interpretText('shop', sites)).toEqual({ kind: 'invalid', reason: 'unknown_site', shown: 'shop' });
    // a word that is not shown back is not answered with a guess either
    expect(interpretText('pörtal', sites)).toEqual({ kind: 'invalid', reason: 'unknown_site' });
  });
});

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

describe('GitHub result → Slack answer', () => {
  const context = {
    config,
    site: 'portal',
    command: {
      teamId: 'T0001',
      channelId: 'C0001',
      userId: 'U0001',
      command: '/clear-cache',
      text: 'portal',
    },
    nowMs: NOW,
    timeoutMs: 2000,
  };
  const actions = 'https://github.com/acme/website/actions/workflows/purge-cache.yml';
  const reject = (status: number, text = 'x', headers: Record<string, string> = {}): DispatchResult => ({
    kind: 'rejected',
    status,
    message: text,
    headers,
  });
  const answer = (result: DispatchResult) => message(replyForDispatch(result, context).response);

  it('success is in_channel with the run link, or the Actions page without a run id', () => {
    expect(
      answer({ kind: 'accepted', runId: 7, runUrl: 'https://github.com/acme/website/actions/runs/7' }),
    ).toEqual({
      response_type: 'in_channel',
      text: 'Cache purge of *portal* requested by <@U0001> — <https://github.com/acme/website/actions/runs/7>',
    });
    expect(answer({ kind: 'accepted', runId: 8 }).text).toContain(
      '<https://github.com/acme/website/actions/runs/8>',
    );
    expect(answer({ kind: 'accepted' })).toEqual({
      response_type: 'in_channel',
      text: `Cache purge of *portal* requested by <@U0001> — <${actions}>`,
    });
  });

  it('maps each GitHub failure to an ephemeral answer that says what to do', () => {
    expect(answer(reject(401, 'Bad credentials'))).toMatchObject({ response_type: 'ephemeral' });
    expect(answer(reject(401, 'Bad credentials')).text).toContain('GITHUB_TOKEN');
    expect(answer(reject(403, 'Resource not accessible by integration')).text).toContain('*Actions: write*');
    expect(answer(reject(404, 'Not Found')).text).toContain('on the default branch');
    expect(
      answer(reject(422, "Provided value 'x' for input 'site' not in the list of allowed values")).text,
    ).toBe(
      "GitHub rejected the dispatch (HTTP 422): Provided value 'x' for input 'site' not in the list of allowed values. Nothing was started.",
    );
    expect(answer(reject(422, 'Invalid request.\n\n"x" is not a permitted key.')).text).toBe(
      'GitHub rejected the dispatch (HTTP 422): Invalid request. "x" is not a permitted key. Nothing was started.',
    );
    expect(answer(reject(400, '')).text).toBe(
      'GitHub rejected the dispatch (HTTP 400): no message. Nothing was started.',
    );
    expect(answer(reject(429, 'slow down', { 'retry-after': '17' })).text).toBe(
      'GitHub is busy, try again in 17 s. Nothing was started.',
    );
    expect(
      answer(reject(403, 'You have exceeded a secondary rate limit', { 'retry-after': '42' })).text,
    ).toContain('busy, try again in 42 s');
    expect(
      answer(
        reject(403, 'API rate limit exceeded', {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(nowSeconds + 90),
        }),
      ).text,
    ).toContain('busy, try again in 90 s');
    for (const result of [reject(502), reject(500), { kind: 'no_answer', cause: 'timeout' } as const]) {
      const reply = answer(result);
      expect(reply.response_type).toBe('ephemeral');
      expect(reply.text).toContain(`status unknown — check <${actions}>`);
    }
    expect(answer({ kind: 'no_answer', cause: 'timeout' }).text).toContain('did not answer within 2 s');
  });

  it('network failures: "Nothing was started" when nothing was sent, "may or may not" only after sending; the error is logged', () => {
    const refused = {
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:443',
      beforeSending: true,
    };
    const reply = (result: DispatchResult) => replyForDispatch(result, context);
    expect(reply({ kind: 'not_sent', stage: 'dispatch', cause: 'network', error: refused })).toEqual({
      response: expect.objectContaining({
        body: JSON.stringify({
          response_type: 'ephemeral',
          text: 'The relay could not connect to GitHub at https://api.github.com (ECONNREFUSED). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.',
        }),
      }),
      text: 'The relay could not connect to GitHub at https://api.github.com (ECONNREFUSED). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.',
      log: {
        decision: 'dispatch_failed',
        reason: 'github_unreachable',
        status: 200,
        error_code: 'ECONNREFUSED',
        error: 'connect ECONNREFUSED 127.0.0.1:443',
        site: 'portal',
        user: 'U0001',
        team: 'T0001',
        channel: 'C0001',
      },
    });
    const badPort = { message: 'bad port', beforeSending: true };
    expect(answer({ kind: 'not_sent', stage: 'dispatch', cause: 'network', error: badPort }).text).toBe(
      'The relay could not connect to GitHub at https://api.github.com (bad port). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.',
    );
    expect(answer({ kind: 'not_sent', stage: 'dispatch', cause: 'timeout' }).text).toBe(
      'The relay could not connect to GitHub at https://api.github.com within 2 s. Check GITHUB_API_URL and that the relay can reach it (firewall, proxy, VPC without a NAT gateway). Nothing was started.',
    );
    expect(answer({ kind: 'not_sent', stage: 'credentials', cause: 'network', error: refused }).text).toBe(
      "The relay could not reach GitHub at https://api.github.com to get the GitHub App's installation token (ECONNREFUSED). Check GITHUB_API_URL and that the relay can reach it. Nothing was started.",
    );
    expect(answer({ kind: 'not_sent', stage: 'credentials', cause: 'timeout' }).text).toBe(
      "GitHub did not answer the GitHub App's installation-token request within 2 s. Try again in a minute; if it keeps happening, check that the relay can reach https://api.github.com (GITHUB_API_URL). Nothing was started.",
    );
    const reset = { code: 'UND_ERR_SOCKET', message: 'other side closed', beforeSending: false };
    const lost = reply({ kind: 'no_answer', cause: 'network', error: reset });
    expect(message(lost.response).text).toBe(
      `Cache purge of *portal*: status unknown — check <${actions}>. The connection to GitHub failed after the dispatch was sent (UND_ERR_SOCKET), so the purge may or may not have started; look there before trying again.`,
    );
    expect(lost.log).toMatchObject({
      decision: 'status_unknown',
      reason: 'github_connection_lost',
      error_code: 'UND_ERR_SOCKET',
      error: 'other side closed',
    });
    expect(
      replyForDispatch({ kind: 'no_answer', cause: 'timeout' }, { ...context, timeoutMs: 800 }).log.reason,
    ).toBe('github_timeout');
    expect(answer({ kind: 'no_answer', cause: 'timeout' }).text).toContain('did not answer within 2 s');
    expect(
      message(
        replyForDispatch({ kind: 'no_answer', cause: 'timeout' }, { ...context, timeoutMs: 800 }).response,
      ).text,
    ).toContain('GitHub did not answer within 800 ms, so the purge may or may not have started');
  });

  it('asSentence ends a message with exactly one full stop', () => {
    expect(asSentence('not in the list of allowed values')).toBe('not in the list of allowed values.');
    expect(asSentence('Bad credentials.')).toBe('Bad credentials.');
    expect(asSentence('Why?')).toBe('Why?');
    expect(asSentence('cut…')).toBe('cut…');
    expect(asSentence('"x" is not a permitted key."')).toBe('"x" is not a permitted key."');
    expect(asSentence('HTTP 500 (x)')).toBe('HTTP 500 (x).');
  });

  it("escapes GitHub's message for Slack", () => {
    expect(answer(reject(422, 'bad <!channel> & more')).text).toContain('bad &lt;!channel&gt; &amp; more');
  });

  it('retry-after wins over the reset time; a minute when neither is given', () => {
    expect(retryAfterSeconds({ 'retry-after': '5', 'x-ratelimit-reset': String(nowSeconds + 99) }, NOW)).toBe(
      5,
    );
    expect(retryAfterSeconds({}, NOW)).toBe(60);
  });

  it('the dispatch body is exactly ref, inputs and return_run_details', () => {
    const dispatch = {
      owner: 'acme',
      repo: 'website',
      workflow: 'purge-cache.yml',
      ref: 'main',
      inputs: { site: 'portal', requester: '<@U1>', 'slack-channel': 'C1' },
    };
    expect(JSON.stringify(dispatchBody(dispatch, true))).toBe(
      '{"ref":"main","inputs":{"site":"portal","requester":"<@U1>","slack-channel":"C1"},"return_run_details":true}',
    );
    expect(dispatchBody(dispatch, false)).toEqual({
      ref: 'main',
      inputs: { site: 'portal', requester: '<@U1>', 'slack-channel': 'C1' },
    });
    expect(
      rejectsReturnRunDetails(
        reject(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.'),
      ),
    ).toBe(true);
    expect(rejectsReturnRunDetails(reject(422, 'Unexpected inputs provided'))).toBe(false);
    expect(acceptedResult(200, { workflow_run_id: 5, html_url: 'javascript:alert(1)' })).toEqual({
      kind: 'accepted',
      runId: 5,
    });
    expect(acceptedResult(204, '')).toEqual({ kind: 'accepted' });
  });
});

describe('the dispatch deadline', () => {
  it('answers "status unknown" when the dispatcher never settles, and aborts it', async () => {
    let aborted = false;
    const result = await dispatchWithDeadline(
      (_request, signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
      {
        owner: 'a',
        repo: 'b',
        workflow: 'w.yml',
        ref: 'main',
        inputs: { site: 's', requester: '<@U1>', 'slack-channel': 'C1' },
      },
      20,
    );
    expect(result).toEqual({ kind: 'no_answer', cause: 'timeout' });
    expect(aborted).toBe(true);
  });

  const dispatchRequest = {
    owner: 'a',
    repo: 'b',
    workflow: 'w.yml',
    ref: 'main',
    inputs: { site: 's', requester: '<@U1>', 'slack-channel': 'C1' },
  };

  it.each<[DispatchProgress[], DispatchResult]>([
    [['token_exchange'], { kind: 'not_sent', stage: 'credentials', cause: 'timeout' }],
    [
      ['dispatch_may_be_sent', 'dispatch_not_sent'],
      { kind: 'not_sent', stage: 'dispatch', cause: 'timeout' },
    ],
    [['dispatch_not_sent', 'dispatch_may_be_sent'], { kind: 'no_answer', cause: 'timeout' }],
    [['token_exchange', 'dispatch_may_be_sent'], { kind: 'no_answer', cause: 'timeout' }],
    [[], { kind: 'no_answer', cause: 'timeout' }],
  ])('at the deadline, the last progress report %j decides: %j', async (reports, expected) => {
    const result = await dispatchWithDeadline(
      (_request, _signal, report) =>
        new Promise(() => {
          for (const progress of reports) report?.(progress);
        }),
      dispatchRequest,
      20,
    );
    expect(result).toEqual(expected);
  });

  it('a dispatcher that throws is a network failure carrying the error', async () => {
    const result = await dispatchWithDeadline(
      async () => {
        throw Object.assign(new Error('connect ECONNRESET 127.0.0.1:1'), { code: 'ECONNRESET' });
      },
      dispatchRequest,
      1000,
    );
    expect(result).toEqual({
      kind: 'no_answer',
      cause: 'network',
      error: { code: 'ECONNRESET', message: 'connect ECONNRESET 127.0.0.1:1', beforeSending: false },
    });
  });

  it('takes the time the adapter already spent off the dispatch deadline, down to 0.5 s', async () => {
    const lines: string[] = [];
    const relay = createRelay({
      config,
      dispatch: () => new Promise(() => {}),
      log: (line) => lines.push(line),
      dispatchTimeoutMs: 2000,
    });
    const body = commandBody({ text: 'portal' });
    const call = async (spentMs: number) => {
      const started = performance.now();
      const reply = await relay(
        { method: 'POST', headers: slackHeaders(body), body: Buffer.from(body) },
        { spentMs },
      );
      return { ms: performance.now() - started, text: message(reply).text };
    };
    const shortened = await call(1200);
    expect(shortened.text).toContain('GitHub did not answer within 800 ms');
    expect(shortened.ms).toBeGreaterThanOrEqual(780);
    expect(shortened.ms).toBeLessThan(1500);
    const floor = await call(5000);
    expect(floor.text).toContain('GitHub did not answer within 500 ms');
    expect(floor.ms).toBeLessThan(1200);
    // latency_ms counts the time spent before the relay was called
    expect((JSON.parse(lines[0]!) as { latency_ms: number }).latency_ms).toBeGreaterThanOrEqual(1200 + 780);
  });

  it('describes real network errors: code, innermost message, and whether anything could have been sent', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = async (url: string) => {
      try {
        await fetch(url, { method: 'POST', body: '{}' });
      } catch (error) {
        return describeNetworkError(error);
      }
      throw new Error(`${url} answered`);
    };
    expect(await failure(`http://127.0.0.1:${port}/`)).toEqual({
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
      beforeSending: true,
    });
    expect(await failure('http://127.0.0.1:9/')).toEqual({ message: 'bad port', beforeSending: true });
    // A server that closes the connection once the request has arrived: it may have acted on it.
    const closing = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    try {
      const lost = await failure(`http://127.0.0.1:${(closing.address() as { port: number }).port}/`);
      expect(lost).toMatchObject({ code: 'UND_ERR_SOCKET', beforeSending: false });
    } finally {
      closing.close();
    }
    expect(describeNetworkError('weird')).toEqual({ message: 'weird', beforeSending: false });
    expect(describeNetworkError({ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' })).toEqual({
      code: 'CERT_HAS_EXPIRED',
      message: 'certificate has expired',
      beforeSending: true,
    });
  });

  it('the relay logs one JSON line per request, without secrets, signature or text', async () => {
    const lines: string[] = [];
    let calls = 0;
    const relay = createRelay({
      config,
      dispatch: async () => {
        calls++;
        return { kind: 'accepted', runId: 3 };
      },
      log: (line) => lines.push(line),
      now: () => NOW,
    });
    const body = commandBody({ text: 'portal' });
    const headers = slackHeaders(body, { timestamp: nowSeconds });
    const reply = await relay({ method: 'POST', headers, body: Buffer.from(body) });
    expect(message(reply).response_type).toBe('in_channel');
    await relay({
      method: 'POST',
      headers: { ...headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` },
      body: Buffer.from(body),
    });
    expect(calls).toBe(1);
    expect(lines).toHaveLength(2);
    const [ok, bad] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(ok).toMatchObject({
      event: 'slack_command',
      decision: 'dispatched',
      reason: 'run_created',
      site: 'portal',
      user: 'U0001',
      run_id: 3,
      latency_ms: 0,
    });
    expect(bad).toMatchObject({ decision: 'rejected', reason: 'bad_signature', status: 401 });
    const all = lines.join('\n');
    for (const secret of [
      TEST_SIGNING_SECRET,
      'ghp_exampletoken',
      headers['x-slack-signature']!,
      'response_url',
      'hooks.slack.com',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('configuration', () => {
  const problem = (env: Record<string, string | undefined>) => {
    try {
      loadRelayConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(RelayConfigError);
      return error as RelayConfigError;
    }
    throw new Error('expected the configuration to be refused');
  };

  it('reads the defaults', () => {
    expect(config).toMatchObject({
      signingSecrets: [TEST_SIGNING_SECRET],
      github: { apiUrl: 'https://api.github.com', webUrl: 'https://github.com', auth: { kind: 'token' } },
      owner: 'acme',
      repo: 'website',
      workflow: 'purge-cache.yml',
      ref: 'main',
      sites: ['portal', 'main'],
    });
    expect(loadListenConfig({})).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(
      actionsPageUrl(loadRelayConfig({ ...ENV, GITHUB_API_URL: 'https://ghe.example.com/api/v3/' })),
    ).toBe('https://ghe.example.com/acme/website/actions/workflows/purge-cache.yml');
    // Behind an API proxy the web address cannot be derived: GITHUB_SERVER_URL gives it.
    const proxied = loadRelayConfig({
      ...ENV,
      GITHUB_API_URL: 'http://127.0.0.1:18091',
      GITHUB_SERVER_URL: 'https://github.example.com/',
    });
    expect(proxied.github).toMatchObject({
      apiUrl: 'http://127.0.0.1:18091',
      webUrl: 'https://github.example.com',
    });
    expect(actionsPageUrl(proxied)).toBe(
      'https://github.example.com/acme/website/actions/workflows/purge-cache.yml',
    );
  });

  it('names the variable and the fix for every bad value', () => {
    const cases: [Record<string, string | undefined>, string, RegExp][] = [
      [{ SLACK_SIGNING_SECRET: undefined }, 'SLACK_SIGNING_SECRET', /Signing Secret/],
      [{ SLACK_SIGNING_SECRET_PREVIOUS: 'a b' }, 'SLACK_SIGNING_SECRET_PREVIOUS', /whitespace/],
      [{ GITHUB_TOKEN: undefined }, 'GITHUB_TOKEN', /GITHUB_APP_ID/],
      [{ GITHUB_APP_ID: '1' }, 'GITHUB_TOKEN', /not both/],
      [{ GITHUB_TOKEN: undefined, GITHUB_APP_ID: '1' }, 'GITHUB_APP_PRIVATE_KEY', /needs all of/],
      [
        {
          GITHUB_TOKEN: undefined,
          GITHUB_APP_ID: 'x',
          GITHUB_APP_PRIVATE_KEY: 'k',
          GITHUB_APP_INSTALLATION_ID: '1',
        },
        'GITHUB_APP_ID',
        /App ID/,
      ],
      [
        {
          GITHUB_TOKEN: undefined,
          GITHUB_APP_ID: '1',
          GITHUB_APP_PRIVATE_KEY: 'k',
          GITHUB_APP_INSTALLATION_ID: '1',
        },
        'GITHUB_APP_PRIVATE_KEY',
        /PEM/,
      ],
      [
        {
          GITHUB_TOKEN: undefined,
          GITHUB_APP_ID: '1',
          GITHUB_APP_PRIVATE_KEY: 'k',
          GITHUB_APP_INSTALLATION_ID: 'abc',
        },
        'GITHUB_APP_INSTALLATION_ID',
        /installations/,
      ],
      [{ GITHUB_API_URL: 'ftp://x' }, 'GITHUB_API_URL', /http\(s\)/],
      [{ GITHUB_SERVER_URL: 'github.com' }, 'GITHUB_SERVER_URL', /https:\/\/github\.com or https:\/\/HOST/],
      [{ DISPATCH_REPOSITORY: undefined }, 'DISPATCH_REPOSITORY', /owner\/repo/],
      [{ DISPATCH_REPOSITORY: 'https://github.com/acme/website' }, 'DISPATCH_REPOSITORY', /owner\/repo/],
      [{ DISPATCH_WORKFLOW: 'purge cache' }, 'DISPATCH_WORKFLOW', /file name/],
      [{ DISPATCH_REF: 'main..x' }, 'DISPATCH_REF', /git ref/],
      [{ SITES: undefined }, 'SITES', /comma-separated/],
      [{ SITES: 'portal,Main!' }, 'SITES', /has "main!"; each site is a key/],
      [{ SITES: `portal,${'a'.repeat(64)}` }, 'SITES', /each site is a key of the sites file/],
      [{ SITES: ' , ,' }, 'SITES', /is set but lists no site/],
      [{ SITES: 'portal,Portal' }, 'SITES', /twice/],
      [{ SITES: 'portal,help' }, 'SITES', /usage/],
      [{ ALLOWED_CHANNEL_IDS: '#general' }, 'ALLOWED_CHANNEL_IDS', /not a Slack id/],
      [{ ALLOWED_USER_IDS: ' , ' }, 'ALLOWED_USER_IDS', /lists no id/],
    ];
    for (const [change, variable, fix] of cases) {
      const error = problem({ ...ENV, ...change });
      expect(error.variable).toBe(variable);
      expect(error.message.startsWith(`${variable}: `)).toBe(true);
      expect(error.message).toMatch(fix);
    }
    expect(() => loadListenConfig({ PORT: '80a' })).toThrow(/^PORT: /);
    expect(() => loadListenConfig({ PORT: '70000' })).toThrow(/^PORT: /);
  });

  it('skips empty entries in every comma-separated list (a trailing comma is harmless)', () => {
    const loaded = loadRelayConfig({
      ...ENV,
      SITES: 'portal, Main ,',
      ALLOWED_USER_IDS: 'U0001,,U0002,',
      ALLOWED_CHANNEL_IDS: ' C0001 , ',
    });
    expect(loaded.sites).toEqual(['portal', 'main']);
    expect([...loaded.allowedUserIds!]).toEqual(['U0001', 'U0002']);
    expect([...loaded.allowedChannelIds!]).toEqual(['C0001']);
  });

  it('reports every bad variable at once, one line each, in the order of the table in docs/relay.md', () => {
    const error = problem({
      SLACK_SIGNING_SECRET: 'a b',
      DISPATCH_REPOSITORY: 'acme',
      SITES: 'portal,help,Portal,x y',
      ALLOWED_USER_IDS: '@ada, bob',
    });
    expect(error.problems.map((p) => p.variable)).toEqual([
      'SLACK_SIGNING_SECRET',
      'GITHUB_TOKEN',
      'DISPATCH_REPOSITORY',
      'SITES',
      'SITES',
      'SITES',
      'ALLOWED_USER_IDS',
    ]);
    expect(error.variables).toEqual([
      'SLACK_SIGNING_SECRET',
      'GITHUB_TOKEN',
      'DISPATCH_REPOSITORY',
      'SITES',
      'ALLOWED_USER_IDS',
    ]);
    expect(error.variable).toBe('SLACK_SIGNING_SECRET');
    expect(error.message.split('\n')).toEqual([
      'SLACK_SIGNING_SECRET: contains whitespace; paste the Signing Secret exactly as Slack shows it.',
      expect.stringMatching(/^GITHUB_TOKEN: is not set; /),
      'DISPATCH_REPOSITORY: is "acme"; use owner/repo, e.g. my-org/website (no URL, no .git).',
      'SITES: has "x y"; each site is a key of the sites file (lower-case letters, digits, - and _), comma-separated, e.g. portal,main.',
      'SITES: has "help", which is the usage command; rename that site.',
      'SITES: lists "portal" twice.',
      'ALLOWED_USER_IDS: has "@ada", "bob", which are not Slack ids; list ids like U0123ABCD, comma-separated (names change and can be reused, ids cannot).',
    ]);
    const listen = (() => {
      try {
        loadListenConfig({ HOST: 'a b', PORT: 'eighty' });
      } catch (e) {
        return e as RelayConfigError;
      }
      throw new Error('expected a refusal');
    })();
    expect(listen.variables).toEqual(['HOST', 'PORT']);
  });

  it('accepts a GitHub App whose PEM came with literal \\n sequences', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const app = loadRelayConfig({
      ...ENV,
      GITHUB_TOKEN: undefined,
      GITHUB_APP_ID: '123',
      GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
      GITHUB_APP_INSTALLATION_ID: '456',
    });
    expect(app.github.auth).toEqual({ kind: 'app', appId: '123', privateKey: pem, installationId: 456 });
  });
});
