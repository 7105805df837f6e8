// The relay's configuration (loadRelayConfig, loadListenConfig): the defaults, the variable and the
// fix named for every bad value, empty list entries skipped, every bad variable reported at once in
// the order of docs/relay.md, and a GitHub App key with literal \n sequences.

import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { actionsPageUrl, loadListenConfig, loadRelayConfig } from '../src/relay/core/config.js';
import { RelayConfigError } from '../src/relay/core/config-problems.js';
import { TEST_SIGNING_SECRET } from './helpers/slack.js';
import { ENV, config } from './helpers/relay-core-fixtures.js';

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
