// The relay's GitHub settings: the credentials (GITHUB_TOKEN, or a GitHub App: GITHUB_APP_ID,
// GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID) and the addresses (GITHUB_API_URL, which must be
// https unless loopback since it carries the token, and GITHUB_SERVER_URL or the web address derived
// from the API's for run links). Each problem names the variable and the fix. Pure.

import { createPrivateKey } from 'node:crypto';
import { read, RelayConfigError, type Env } from './config-problems.js';
import { isLoopbackHost } from '../../shared/loopback-host.js';

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

const DEFAULT_API_URL = 'https://api.github.com';

export function readGitHubAuth(env: Env): GitHubTokenAuth | GitHubAppAuth {
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
export function readGitHubUrls(env: Env): { apiUrl: string; webUrl: string } {
  const raw = read(env, 'GITHUB_API_URL') ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelayConfigError(
      'GITHUB_API_URL',
      `is ${JSON.stringify(raw)}, not a URL; use e.g. ${DEFAULT_API_URL}.`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new RelayConfigError(
      'GITHUB_API_URL',
      `is ${JSON.stringify(raw)}; use an http(s) URL without query, e.g. ${DEFAULT_API_URL} or https://HOST/api/v3.`,
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
