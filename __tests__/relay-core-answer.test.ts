// The relay's pure core, without I/O: every GitHub result → Slack answer (success with the run link,
// each failure with what to do, network failures before and after sending), the answer's wording
// rules, retry-after, and the dispatch body.

import { describe, expect, it } from 'vitest';
import { asSentence, replyForDispatch, retryAfterSeconds } from '../src/relay/core/dispatch-reply.js';
import {
  acceptedResult,
  dispatchBody,
  rejectsReturnRunDetails,
  type DispatchResult,
} from '../src/relay/core/dispatch.js';
import { NOW, config, message, nowSeconds } from './helpers/relay-core-fixtures.js';

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
