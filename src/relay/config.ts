// The relay's configuration, read once from the environment and checked before any request is served.
// Every problem names the variable and the fix, and every problem is reported at once (not only the
// first); the variable names are the public contract (docs/relay.md, "Environment variables").
// Comma-separated lists (SITES, ALLOWED_*_IDS) skip empty entries, so a trailing comma is harmless.
// Pure: takes the environment as a plain object, returns data or throws.

import { createPrivateKey } from 'node:crypto';
import { formats } from '../shared/aws-formats.js';
import { isLoopbackHost } from './loopback-host.js';

export interface GitHubTokenAuth {
  kind: 'token';
  token: string;
}

export interface GitHubAppAuth {
  kind: 'app';
  appId: string;
  privateKey: string;
  installationId: number;
}

export interface RelayConfig {
  /** Current secret first, then the previous one during a rotation. */
  signingSecrets: string[];
  github: {
    auth: GitHubTokenAuth | GitHubAppAuth;
    /** REST API base, no trailing slash (https://api.github.com, or https://HOST/api/v3 on GHES). */
    apiUrl: string;
    /** Web base used for links (https://github.com, or https://HOST on GHES). */
    webUrl: string;
  };
  owner: string;
  repo: string;
  /** Workflow file name (purge-cache.yml) or numeric id. */
  workflow: string;
  ref: string;
  /** Site keys, lower case, in the order given. */
  sites: string[];
  allowedTeamIds?: ReadonlySet<string>;
  allowedChannelIds?: ReadonlySet<string>;
  allowedUserIds?: ReadonlySet<string>;
}

export interface ListenConfig {
  host: string;
  port: number;
}

const DEFAULTS = {
  GITHUB_API_URL: 'https://api.github.com',
  DISPATCH_WORKFLOW: 'purge-cache.yml',
  DISPATCH_REF: 'main',
  HOST: '127.0.0.1',
  PORT: 8080,
} as const;

/** One variable that cannot work: its name and what is wrong with it, with the fix. */
export interface RelayConfigProblem {
  variable: string;
  message: string;
}

/**
 * Configuration that cannot work. `problems` lists every bad variable (in the order docs/relay.md lists
 * them); `variable` is the first one. The message has one line per problem: `VARIABLE: what is wrong
 * and the fix`.
 */
export class RelayConfigError extends Error {
  readonly variable: string;
  readonly problems: readonly RelayConfigProblem[];

  constructor(variable: string, message: string);
  constructor(problems: readonly RelayConfigProblem[]);
  constructor(first: string | readonly RelayConfigProblem[], message?: string) {
    const problems = typeof first === 'string' ? [{ variable: first, message: message ?? '' }] : first;
    if (problems.length === 0) throw new TypeError('RelayConfigError needs at least one problem');
    super(problems.map((problem) => `${problem.variable}: ${problem.message}`).join('\n'));
    this.name = 'RelayConfigError';
    this.problems = problems;
    this.variable = problems[0]!.variable;
  }

  /** The distinct variables to fix, in order. */
  get variables(): string[] {
    return [...new Set(this.problems.map((problem) => problem.variable))];
  }
}

/**
 * Runs each reader and collects every RelayConfigError instead of stopping at the first; throws one
 * RelayConfigError with all their problems at the end. Other errors are bugs and propagate.
 */
export function collectConfigProblems(): {
  attempt<T>(reader: () => T): T | undefined;
  finish(): void;
} {
  const problems: RelayConfigProblem[] = [];
  return {
    attempt(reader) {
      try {
        return reader();
      } catch (error) {
        if (!(error instanceof RelayConfigError)) throw error;
        problems.push(...error.problems);
        return undefined;
      }
    },
    finish() {
      if (problems.length > 0) throw new RelayConfigError(problems);
    },
  };
}

type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; undefined when unset or blank. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A comma-separated list's entries, trimmed; empty entries are skipped (a trailing comma is harmless). */
function listEntries(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function required(env: Env, name: string, what: string): string {
  const value = read(env, name);
  if (value === undefined) throw new RelayConfigError(name, `is not set; set it to ${what}.`);
  return value;
}

const SLACK_ID = /^[A-Z0-9]{2,30}$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** The Slack signing secrets (current first, then the previous one), or a RelayConfigError. */
export function readSigningSecrets(env: Env): string[] {
  const current = required(
    env,
    'SLACK_SIGNING_SECRET',
    "your Slack app's Signing Secret (Basic Information)",
  );
  const previous = read(env, 'SLACK_SIGNING_SECRET_PREVIOUS');
  for (const [name, value] of [
    ['SLACK_SIGNING_SECRET', current],
    ['SLACK_SIGNING_SECRET_PREVIOUS', previous],
  ] as const) {
    if (value !== undefined && /\s/.test(value)) {
      throw new RelayConfigError(
        name,
        'contains whitespace; paste the Signing Secret exactly as Slack shows it.',
      );
    }
  }
  return previous === undefined || previous === current ? [current] : [current, previous];
}

function readGitHubAuth(env: Env): GitHubTokenAuth | GitHubAppAuth {
  const token = read(env, 'GITHUB_TOKEN');
  const appVariables = ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'] as const;
  const appSet = appVariables.filter((name) => read(env, name) !== undefined);
  if (token !== undefined && appSet.length > 0) {
    throw new RelayConfigError(
      'GITHUB_TOKEN',
      `is set together with ${appSet.join(', ')}; use either GITHUB_TOKEN or the three GITHUB_APP_* variables, not both.`,
    );
  }
  if (token !== undefined) {
    if (/\s/.test(token))
      throw new RelayConfigError('GITHUB_TOKEN', 'contains whitespace; paste the token alone.');
    return { kind: 'token', token };
  }
  if (appSet.length === 0) {
    throw new RelayConfigError(
      'GITHUB_TOKEN',
      'is not set; set GITHUB_TOKEN (a token with Actions: write on DISPATCH_REPOSITORY) or a GitHub App with GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID.',
    );
  }
  const missing = appVariables.find((name) => !appSet.includes(name));
  if (missing !== undefined) {
    throw new RelayConfigError(
      missing,
      `is not set, but ${appSet.join(', ')} ${appSet.length === 1 ? 'is' : 'are'}; a GitHub App needs all of GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID.`,
    );
  }
  const appId = read(env, 'GITHUB_APP_ID')!;
  if (!/^(?:[1-9][0-9]{0,15}|Iv[0-9A-Za-z._-]{4,60})$/.test(appId)) {
    throw new RelayConfigError(
      'GITHUB_APP_ID',
      `is ${JSON.stringify(appId)}; use the App ID (a number) or the Client ID (Iv…) from the App's settings page.`,
    );
  }
  const installation = read(env, 'GITHUB_APP_INSTALLATION_ID')!;
  if (!/^[1-9][0-9]{0,15}$/.test(installation)) {
    throw new RelayConfigError(
      'GITHUB_APP_INSTALLATION_ID',
      `is ${JSON.stringify(installation)}; use the number at the end of the installation's settings URL (…/installations/12345678).`,
    );
  }
  // Environment variables often carry a PEM with literal "\n" sequences instead of newlines.
  const privateKey = read(env, 'GITHUB_APP_PRIVATE_KEY')!.replace(/\\n/g, '\n');
  try {
    const key = createPrivateKey(privateKey);
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
  } catch {
    throw new RelayConfigError(
      'GITHUB_APP_PRIVATE_KEY',
      "is not an RSA private key in PEM form; paste the whole .pem file the App's settings page generated (BEGIN … END lines included).",
    );
  }
  return { kind: 'app', appId, privateKey, installationId: Number(installation) };
}

/**
 * The API base and the matching web base for run links: GITHUB_SERVER_URL when set (the name the
 * Actions runner uses for it), else derived — github.com for api.github.com, HOST for HOST/api/v3.
 * The API base carries the GitHub token, so it must be https unless its host is loopback.
 */
function readGitHubUrls(env: Env): { apiUrl: string; webUrl: string } {
  const raw = read(env, 'GITHUB_API_URL') ?? DEFAULTS.GITHUB_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelayConfigError(
      'GITHUB_API_URL',
      `is ${JSON.stringify(raw)}, not a URL; use e.g. ${DEFAULTS.GITHUB_API_URL}.`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new RelayConfigError(
      'GITHUB_API_URL',
      `is ${JSON.stringify(raw)}; use an http(s) URL without query, e.g. ${DEFAULTS.GITHUB_API_URL} or https://HOST/api/v3.`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url)) {
    throw new RelayConfigError(
      'GITHUB_API_URL',
      `is ${JSON.stringify(raw)}, plain http: the GitHub token would cross the network unencrypted; use https://${url.host}${url.pathname.replace(/\/+$/, '')} (plain http is accepted only for a loopback host: 127.0.0.1, localhost or [::1]).`,
    );
  }
  const apiUrl = url.href.replace(/\/+$/, '');
  const server = read(env, 'GITHUB_SERVER_URL');
  if (server !== undefined) return { apiUrl, webUrl: readServerUrl(server) };
  let webUrl: string;
  if (url.hostname === 'api.github.com') webUrl = `${url.protocol}//github.com`;
  else if (/^api\.[^.]+\.ghe\.com$/.test(url.hostname)) webUrl = `${url.protocol}//${url.host.slice(4)}`;
  else webUrl = apiUrl.replace(/\/api\/v3$/, '');
  return { apiUrl, webUrl };
}

function readServerUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new RelayConfigError(
      'GITHUB_SERVER_URL',
      `is ${JSON.stringify(raw)}; use the web address run links should point at, an http(s) URL without query, e.g. https://github.com or https://HOST, or leave it unset to derive it from GITHUB_API_URL.`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function readRepository(env: Env): { owner: string; repo: string } {
  const value = required(
    env,
    'DISPATCH_REPOSITORY',
    'the repository holding the purge workflow, as owner/repo',
  );
  const [owner, repo, ...rest] = value.split('/');
  if (rest.length > 0 || !owner || !repo || !OWNER.test(owner) || !REPO.test(repo)) {
    throw new RelayConfigError(
      'DISPATCH_REPOSITORY',
      `is ${JSON.stringify(value)}; use owner/repo, e.g. my-org/website (no URL, no .git).`,
    );
  }
  return { owner, repo };
}

function readWorkflow(env: Env): string {
  const value = read(env, 'DISPATCH_WORKFLOW') ?? DEFAULTS.DISPATCH_WORKFLOW;
  if (!/^(?:[A-Za-z0-9._-]+\.ya?ml|[1-9][0-9]{0,15})$/.test(value)) {
    throw new RelayConfigError(
      'DISPATCH_WORKFLOW',
      `is ${JSON.stringify(value)}; use the workflow's file name under .github/workflows (e.g. ${DEFAULTS.DISPATCH_WORKFLOW}) or its numeric id.`,
    );
  }
  return value;
}

function readRef(env: Env): string {
  const value = read(env, 'DISPATCH_REF') ?? DEFAULTS.DISPATCH_REF;
  if (/[\s~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$/.test(value) || value.length > 255) {
    throw new RelayConfigError(
      'DISPATCH_REF',
      `is ${JSON.stringify(value)}, not a valid git ref; use a branch or tag name such as ${DEFAULTS.DISPATCH_REF}.`,
    );
  }
  return value;
}

function readSites(env: Env): string[] {
  const value = required(
    env,
    'SITES',
    "the site keys the workflow's `site` choice accepts, comma-separated (e.g. portal,main)",
  );
  const sites = listEntries(value.toLowerCase());
  if (sites.length === 0) {
    throw new RelayConfigError(
      'SITES',
      "is set but lists no site; list the site keys the workflow's `site` choice accepts, comma-separated (e.g. portal,main).",
    );
  }
  const problems: string[] = [];
  const bad = sites.filter((site) => !formats.siteKey.pattern.test(site));
  if (bad.length > 0) {
    problems.push(
      `has ${bad.map((site) => JSON.stringify(site)).join(', ')}; each site is a key of the sites file (lower-case letters, digits, - and _), comma-separated, e.g. portal,main.`,
    );
  }
  if (sites.includes('help')) problems.push('has "help", which is the usage command; rename that site.');
  const twice = [...new Set(sites.filter((site, index) => sites.indexOf(site) !== index))];
  if (twice.length > 0) {
    problems.push(`lists ${twice.map((site) => JSON.stringify(site)).join(', ')} twice.`);
  }
  if (problems.length > 0) {
    throw new RelayConfigError(problems.map((message) => ({ variable: 'SITES', message })));
  }
  return sites;
}

function readAllowList(env: Env, name: string, example: string): ReadonlySet<string> | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const ids = listEntries(value);
  const bad = ids.filter((id) => !SLACK_ID.test(id));
  if (bad.length > 0) {
    throw new RelayConfigError(
      name,
      `has ${bad.map((id) => JSON.stringify(id)).join(', ')}, which ${bad.length === 1 ? 'is not a Slack id' : 'are not Slack ids'}; list ids like ${example}, comma-separated (names change and can be reused, ids cannot).`,
    );
  }
  if (ids.length === 0)
    throw new RelayConfigError(name, `is set but lists no id; list ids like ${example}, or unset it.`);
  return new Set(ids);
}

/** Reads and checks every relay variable; throws one RelayConfigError listing every bad one. */
export function loadRelayConfig(env: Env): RelayConfig {
  const check = collectConfigProblems();
  const signingSecrets = check.attempt(() => readSigningSecrets(env));
  const auth = check.attempt(() => readGitHubAuth(env));
  const urls = check.attempt(() => readGitHubUrls(env));
  const repository = check.attempt(() => readRepository(env));
  const workflow = check.attempt(() => readWorkflow(env));
  const ref = check.attempt(() => readRef(env));
  const sites = check.attempt(() => readSites(env));
  const allowedTeamIds = check.attempt(() => readAllowList(env, 'ALLOWED_TEAM_IDS', 'T0123ABCD'));
  const allowedChannelIds = check.attempt(() => readAllowList(env, 'ALLOWED_CHANNEL_IDS', 'C0123ABCD'));
  const allowedUserIds = check.attempt(() => readAllowList(env, 'ALLOWED_USER_IDS', 'U0123ABCD'));
  check.finish();
  return {
    signingSecrets: signingSecrets!,
    github: { auth: auth!, ...urls! },
    owner: repository!.owner,
    repo: repository!.repo,
    workflow: workflow!,
    ref: ref!,
    sites: sites!,
    ...(allowedTeamIds && { allowedTeamIds }),
    ...(allowedChannelIds && { allowedChannelIds }),
    ...(allowedUserIds && { allowedUserIds }),
  };
}

/** HOST and PORT of the plain Node server. PORT 0 picks a free port (it is logged on start). */
export function loadListenConfig(env: Env): ListenConfig {
  const check = collectConfigProblems();
  const host = check.attempt(() => {
    const value = read(env, 'HOST') ?? DEFAULTS.HOST;
    if (/\s|\//.test(value)) {
      throw new RelayConfigError(
        'HOST',
        `is ${JSON.stringify(value)}; use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0.`,
      );
    }
    return value;
  });
  const port = check.attempt(() => {
    const raw = read(env, 'PORT');
    const value = raw === undefined ? DEFAULTS.PORT : Number(raw);
    if (
      !Number.isInteger(value) ||
      value < 0 ||
      value > 65535 ||
      (raw !== undefined && !/^[0-9]+$/.test(raw))
    ) {
      throw new RelayConfigError('PORT', `is ${JSON.stringify(raw)}; use a port number from 0 to 65535.`);
    }
    return value;
  });
  check.finish();
  return { host: host!, port: port! };
}

/** Link to the dispatched workflow's runs (or the repository's Actions tab for a numeric id). */
export function actionsPageUrl(config: RelayConfig): string {
  const base = `${config.github.webUrl}/${config.owner}/${config.repo}/actions`;
  return /^[0-9]+$/.test(config.workflow) ? base : `${base}/workflows/${config.workflow}`;
}
