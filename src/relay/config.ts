// The relay's configuration, read once from the environment and checked before any request is served.
// Every problem names the variable and the fix; the variable names are the public contract (README,
// "Slack relay"). Pure: takes the environment as a plain object, returns data or throws.

import { createPrivateKey } from 'node:crypto';

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

export const DEFAULTS = {
  GITHUB_API_URL: 'https://api.github.com',
  DISPATCH_WORKFLOW: 'purge-cache.yml',
  DISPATCH_REF: 'main',
  HOST: '127.0.0.1',
  PORT: 8080,
} as const;

/** Configuration that cannot work; `variable` is the environment variable to fix. */
export class RelayConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'RelayConfigError';
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; undefined when unset or blank. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function required(env: Env, name: string, what: string): string {
  const value = read(env, name);
  if (value === undefined) throw new RelayConfigError(name, `is not set; set it to ${what}.`);
  return value;
}

const SLACK_ID = /^[A-Z0-9]{2,30}$/;
const SITE_KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

function readSecrets(env: Env): string[] {
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

/** The API base and the matching web base (github.com for api.github.com, HOST for HOST/api/v3). */
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
  const apiUrl = url.href.replace(/\/+$/, '');
  let webUrl: string;
  if (url.hostname === 'api.github.com') webUrl = `${url.protocol}//github.com`;
  else if (/^api\.[^.]+\.ghe\.com$/.test(url.hostname)) webUrl = `${url.protocol}//${url.host.slice(4)}`;
  else webUrl = apiUrl.replace(/\/api\/v3$/, '');
  return { apiUrl, webUrl };
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
  const sites = value.split(',').map((site) => site.trim().toLowerCase());
  const seen = new Set<string>();
  for (const site of sites) {
    if (!SITE_KEY.test(site)) {
      throw new RelayConfigError(
        'SITES',
        `has ${JSON.stringify(site)}; each site is a key of the sites file (lower-case letters, digits, - and _), comma-separated, e.g. portal,main.`,
      );
    }
    if (site === 'help') {
      throw new RelayConfigError('SITES', 'has "help", which is the usage command; rename that site.');
    }
    if (seen.has(site)) throw new RelayConfigError('SITES', `lists ${JSON.stringify(site)} twice.`);
    seen.add(site);
  }
  return sites;
}

function readAllowList(env: Env, name: string, example: string): ReadonlySet<string> | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  for (const id of ids) {
    if (!SLACK_ID.test(id)) {
      throw new RelayConfigError(
        name,
        `has ${JSON.stringify(id)}, which is not a Slack id; list ids like ${example}, comma-separated (names change and can be reused, ids cannot).`,
      );
    }
  }
  if (ids.length === 0)
    throw new RelayConfigError(name, `is set but lists no id; list ids like ${example}, or unset it.`);
  return new Set(ids);
}

/** Reads and checks every relay variable; throws RelayConfigError naming the first bad one. */
export function loadRelayConfig(env: Env): RelayConfig {
  const signingSecrets = readSecrets(env);
  const auth = readGitHubAuth(env);
  const urls = readGitHubUrls(env);
  const { owner, repo } = readRepository(env);
  const allowedTeamIds = readAllowList(env, 'ALLOWED_TEAM_IDS', 'T0123ABCD');
  const allowedChannelIds = readAllowList(env, 'ALLOWED_CHANNEL_IDS', 'C0123ABCD');
  const allowedUserIds = readAllowList(env, 'ALLOWED_USER_IDS', 'U0123ABCD');
  return {
    signingSecrets,
    github: { auth, ...urls },
    owner,
    repo,
    workflow: readWorkflow(env),
    ref: readRef(env),
    sites: readSites(env),
    ...(allowedTeamIds && { allowedTeamIds }),
    ...(allowedChannelIds && { allowedChannelIds }),
    ...(allowedUserIds && { allowedUserIds }),
  };
}

/** HOST and PORT of the plain Node server. PORT 0 picks a free port (it is logged on start). */
export function loadListenConfig(env: Env): ListenConfig {
  const host = read(env, 'HOST') ?? DEFAULTS.HOST;
  if (/\s|\//.test(host)) {
    throw new RelayConfigError(
      'HOST',
      `is ${JSON.stringify(host)}; use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0.`,
    );
  }
  const rawPort = read(env, 'PORT');
  const port = rawPort === undefined ? DEFAULTS.PORT : Number(rawPort);
  if (
    !Number.isInteger(port) ||
    port < 0 ||
    port > 65535 ||
    (rawPort !== undefined && !/^[0-9]+$/.test(rawPort))
  ) {
    throw new RelayConfigError('PORT', `is ${JSON.stringify(rawPort)}; use a port number from 0 to 65535.`);
  }
  return { host, port };
}

/** Link to the dispatched workflow's runs (or the repository's Actions tab for a numeric id). */
export function actionsPageUrl(config: RelayConfig): string {
  const base = `${config.github.webUrl}/${config.owner}/${config.repo}/actions`;
  return /^[0-9]+$/.test(config.workflow) ? base : `${base}/workflows/${config.workflow}`;
}
