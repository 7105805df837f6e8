// The relay's pure core, without I/O: the request checks before anything is decided — Slack's published
// signing example and every verification failure (rotation, skew, re-encoding), then parsing the
// slash command and the text rules (case, trimming, a misspelt site's closest match).

import { describe, expect, it } from 'vitest';
import { computeSignature, verifySlackSignature } from '../src/relay/core/signature.js';
import { interpretText, parseSlashCommand } from '../src/relay/core/command.js';
import { commandBody } from './helpers/slack.js';

// Slack's documented example ("Verifying requests from Slack").
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

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
