// The relay's configuration, read once from the environment and checked before any request is served.
// Every problem names the variable and the fix, and every problem is reported at once (not only the
// first); the variable names are the public contract (docs/relay.md, "Environment variables").
// Comma-separated lists (SITES, ALLOWED_*_IDS) skip empty entries, so a trailing comma is harmless.
// A SITES entry `site=owner/repo` dispatches that site to its own repository (default:
// DISPATCH_REPOSITORY); dispatchRepository says where a site goes.
// Here: the whole RelayConfig, the Slack signing secrets, where to dispatch, the sites, the allow-lists
// and the Node server's HOST and PORT; GitHub's credentials and addresses are in config-github.ts.
// Pure: takes the environment as a plain object, returns data or throws.

import { ALL_SITES } from '../../shared/all-sites.js';
import { formats } from '../../shared/aws-formats.js';
import {
  collectConfigProblems,
  listEntries,
  read,
  RelayConfigError,
  required,
  type Env,
} from './config-problems.js';
import { readGitHubAuth, readGitHubUrls, type GitHubAppAuth, type GitHubTokenAuth } from './config-github.js';
import { SLACK_ID } from './slack-id.js';

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
  /** Sites whose workflow is in another repository than owner/repo (SITES `site=owner/repo`). */
  siteRepositories?: ReadonlyMap<string, Repository>;
  allowedTeamIds?: ReadonlySet<string>;
  allowedChannelIds?: ReadonlySet<string>;
  allowedUserIds?: ReadonlySet<string>;
}

export interface Repository {
  owner: string;
  repo: string;
}

interface ListenConfig {
  host: string;
  port: number;
}

const DEFAULTS = {
  DISPATCH_WORKFLOW: 'purge-cache.yml',
  DISPATCH_REF: 'main',
  HOST: '127.0.0.1',
  PORT: 8080,
} as const;

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

/** `owner/repo` → its parts, or undefined when it is not one repository's full name. */
function parseRepository(value: string): Repository | undefined {
  const [owner, repo, ...rest] = value.split('/');
  if (rest.length > 0 || !owner || !repo || !OWNER.test(owner) || !REPO.test(repo)) return undefined;
  return { owner, repo };
}

function readRepository(env: Env): Repository {
  const value = required(
    env,
    'DISPATCH_REPOSITORY',
    'the repository holding the purge workflow, as owner/repo',
  );
  const repository = parseRepository(value);
  if (!repository) {
    throw new RelayConfigError(
      'DISPATCH_REPOSITORY',
      `is ${JSON.stringify(value)}; use owner/repo, e.g. my-org/website (no URL, no .git).`,
    );
  }
  return repository;
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

/** SITES: the site keys in order, and the repository of each `site=owner/repo` entry. */
function readSites(env: Env): { sites: string[]; siteRepositories: Map<string, Repository> } {
  const value = required(
    env,
    'SITES',
    "the site keys the workflow's `site` choice accepts, comma-separated (e.g. portal,main)",
  );
  const entries = listEntries(value);
  const siteRepositories = new Map<string, Repository>();
  const badRepositories: string[] = [];
  const sites = entries.map((entry) => {
    const equals = entry.indexOf('=');
    if (equals < 0) return entry.toLowerCase();
    const site = entry.slice(0, equals).trim().toLowerCase();
    const repository = parseRepository(entry.slice(equals + 1).trim());
    if (repository) siteRepositories.set(site, repository);
    else badRepositories.push(entry);
    return site;
  });
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
  if (badRepositories.length > 0) {
    problems.push(
      `has ${badRepositories.map((entry) => JSON.stringify(entry)).join(', ')}; a site whose workflow lives in another repository is written site=owner/repo, e.g. blog=my-org/blog (no URL, no .git).`,
    );
  }
  if (sites.includes('help')) problems.push('has "help", which is the usage command; rename that site.');
  if (sites.includes(ALL_SITES))
    problems.push(`has "${ALL_SITES}", which asks for every site; rename that site.`);
  const twice = [...new Set(sites.filter((site, index) => sites.indexOf(site) !== index))];
  if (twice.length > 0) {
    problems.push(`lists ${twice.map((site) => JSON.stringify(site)).join(', ')} twice.`);
  }
  if (problems.length > 0) {
    throw new RelayConfigError(problems.map((message) => ({ variable: 'SITES', message })));
  }
  return { sites, siteRepositories };
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
    sites: sites!.sites,
    ...(sites!.siteRepositories.size > 0 && { siteRepositories: sites!.siteRepositories }),
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

/** The repository a site's workflow is dispatched to: its own (SITES site=owner/repo), else DISPATCH_REPOSITORY. */
export function dispatchRepository(config: RelayConfig, site: string): Repository {
  return config.siteRepositories?.get(site) ?? { owner: config.owner, repo: config.repo };
}

/**
 * Link to the dispatched workflow's runs (or the repository's Actions tab for a numeric id), in
 * `repository` (default: DISPATCH_REPOSITORY).
 */
export function actionsPageUrl(
  config: RelayConfig,
  repository: Repository = { owner: config.owner, repo: config.repo },
): string {
  const base = `${config.github.webUrl}/${repository.owner}/${repository.repo}/actions`;
  return /^[0-9]+$/.test(config.workflow) ? base : `${base}/workflows/${config.workflow}`;
}
