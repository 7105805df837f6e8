import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 1260:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   LF: () => (/* binding */ read),
/* harmony export */   Rf: () => (/* binding */ collectConfigProblems),
/* harmony export */   SB: () => (/* binding */ RelayConfigError),
/* harmony export */   fi: () => (/* binding */ listEntries),
/* harmony export */   mw: () => (/* binding */ required)
/* harmony export */ });
// How the relay's configuration reports what is wrong: one problem per bad variable (its name, what is
// wrong and the fix), every problem at once rather than only the first, and the small readers every
// check shares (a trimmed value, a comma-separated list, a required variable). Pure.
/**
 * Configuration that cannot work. `problems` lists every bad variable (in the order docs/relay.md lists
 * them); `variable` is the first one. The message has one line per problem: `VARIABLE: what is wrong
 * and the fix`.
 */
class RelayConfigError extends Error {
    variable;
    problems;
    constructor(first, message) {
        const problems = typeof first === 'string' ? [{ variable: first, message: message ?? '' }] : first;
        if (problems.length === 0)
            throw new TypeError('RelayConfigError needs at least one problem');
        super(problems.map((problem) => `${problem.variable}: ${problem.message}`).join('\n'));
        this.name = 'RelayConfigError';
        this.problems = problems;
        this.variable = problems[0].variable;
    }
    /** The distinct variables to fix, in order. */
    get variables() {
        return [...new Set(this.problems.map((problem) => problem.variable))];
    }
}
/**
 * Runs each reader and collects every RelayConfigError instead of stopping at the first; throws one
 * RelayConfigError with all their problems at the end. Other errors are bugs and propagate.
 */
function collectConfigProblems() {
    const problems = [];
    return {
        attempt(reader) {
            try {
                return reader();
            }
            catch (error) {
                if (!(error instanceof RelayConfigError))
                    throw error;
                problems.push(...error.problems);
                return undefined;
            }
        },
        finish() {
            if (problems.length > 0)
                throw new RelayConfigError(problems);
        },
    };
}
/** A variable's value, trimmed; undefined when unset or blank. */
function read(env, name) {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
}
/** A comma-separated list's entries, trimmed; empty entries are skipped (a trailing comma is harmless). */
function listEntries(value) {
    return value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
}
function required(env, name, what) {
    const value = read(env, name);
    if (value === undefined)
        throw new RelayConfigError(name, `is not set; set it to ${what}.`);
    return value;
}


/***/ }),

/***/ 9352:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  qC: () => (/* binding */ actionsPageUrl),
  BB: () => (/* binding */ dispatchRepository),
  q6: () => (/* binding */ loadListenConfig),
  Md: () => (/* binding */ loadRelayConfig)
});

// UNUSED EXPORTS: readSigningSecrets

// EXTERNAL MODULE: ./src/shared/all-sites.ts
var all_sites = __nccwpck_require__(2367);
;// CONCATENATED MODULE: ./src/shared/aws-formats.ts
// AWS's own formats for the identifiers a sites file or an input may carry, each with the sentence a
// user needs when a value does not match, and the numeric bounds AWS sets. Shared by the sites-file
// schema, the plan (the aws-region input) and the execution inputs (role-to-assume, role-session-name).
const formats = {
    region: {
        pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
        allowed: 'an AWS region code such as us-east-1 or eu-central-1',
    },
    instanceId: {
        pattern: /^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$/,
        allowed: 'an EC2 instance id (i- and 8 or 17 hex digits) or a managed instance id (mi- and 17 hex digits)',
    },
    /**
     * A tag key to target instances by (SendCommand's `tag:<key>`): at most 128 characters (EC2's limit
     * for a tag key), in the character set of SSM's Target key, which has no "+". Keys AWS creates, such
     * as aws:autoscaling:groupName, are fine: only creating tags refuses the "aws:" prefix.
     */
    tagKey: {
        pattern: /^[\p{L}\p{Z}\p{N}_.:/=\-@]{1,128}$/u,
        allowed: 'a tag key of 1–128 letters, digits, spaces and _ . : / = - @ (SSM cannot target keys with other characters, such as "+")',
    },
    tagValue: {
        pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u,
        allowed: '1–256 letters, digits, spaces and _ . : / = + - @',
    },
    documentName: {
        pattern: /^[a-zA-Z0-9_\-.:/]{3,128}$/,
        allowed: 'an SSM document name or ARN: 3–128 letters, digits and _ - . : / (e.g. CachePurge-FastCGI)',
    },
    documentVersion: {
        pattern: /^(\$LATEST|\$DEFAULT|[1-9][0-9]{0,7})$/,
        allowed: '$LATEST, $DEFAULT or a version number such as 3',
    },
    parameterName: {
        pattern: /^[A-Za-z0-9_]{1,128}$/,
        allowed: 'a document parameter name: letters, digits and _',
    },
    maxConcurrency: {
        pattern: /^([1-9][0-9]{0,6}|[1-9][0-9]?%|100%)$/,
        allowed: 'a number of instances (e.g. 10) or a percentage from 1% to 100%',
    },
    maxErrors: {
        pattern: /^([0-9]|[1-9][0-9]{1,6}|[0-9]%|[1-9][0-9]%|100%)$/,
        allowed: 'a number of errors (e.g. 0) or a percentage from 0% to 100%',
    },
    distributionId: {
        pattern: /^E[A-Z0-9]{9,19}$/,
        allowed: 'a CloudFront distribution id: E followed by 9–19 capital letters and digits (e.g. E2EXAMPLE12345)',
    },
    /** An IAM role ARN (any partition; a role path is allowed), as role-to-assume takes it. */
    roleArn: {
        pattern: /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/,
        allowed: 'arn:aws:iam::<12-digit account id>:role/<role name>, e.g. arn:aws:iam::123456789012:role/cache-purge',
    },
    /** STS's RoleSessionName. */
    roleSessionName: {
        pattern: /^[\w+=,.@-]{2,64}$/,
        allowed: '2–64 letters, digits and + = , . @ _ -',
    },
    /**
     * A stack's NamePrefix (infra/cache-purge.yml): what SSM allows in a document name, 1–32 characters
     * (so the role names it also prefixes stay within IAM's 64), not starting with a prefix SSM reserves
     * for AWS (aws, amazon, amzn, in any case). The template's AllowedPattern is this pattern's source
     * without the anchors (a test compares them).
     */
    documentNamePrefix: {
        pattern: /^(?![Aa][Ww][Ss]|[Aa][Mm][Aa][Zz][Oo][Nn]|[Aa][Mm][Zz][Nn])[A-Za-z0-9_.-]{1,32}$/,
        allowed: '1–32 letters, digits and _ . -, not starting with AWS, Amazon or AMZN (SSM reserves those)',
    },
    siteKey: {
        pattern: /^[a-z0-9][a-z0-9_-]{0,62}$/,
        allowed: '1–63 lower-case letters, digits, - and _, starting with a letter or digit',
    },
};
/** AssumeRoleWithWebIdentity's DurationSeconds bounds (the role's maximum session may be lower). */
const ROLE_DURATION_RANGE = { min: 900, max: 43_200 };
/** SendCommand's delivery timeout bounds (TimeoutSeconds). */
const DELIVERY_TIMEOUT_RANGE = { min: 30, max: 2_592_000 };
/** SendCommand accepts at most 50 instance ids; Targets take at most 5 tag keys with 5 values each. */
const MAX_INSTANCE_IDS = 50;
const MAX_TAG_KEYS = 5;
const MAX_TAG_VALUES = 5;

// EXTERNAL MODULE: ./src/relay/core/config-problems.ts
var config_problems = __nccwpck_require__(1260);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/shared/loopback-host.ts
var loopback_host = __nccwpck_require__(2691);
;// CONCATENATED MODULE: ./src/relay/core/config-github.ts
// The relay's GitHub settings: the credentials (GITHUB_TOKEN, or a GitHub App: GITHUB_APP_ID,
// GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID) and the addresses (GITHUB_API_URL, which must be
// https unless loopback since it carries the token, and GITHUB_SERVER_URL or the web address derived
// from the API's for run links). Each problem names the variable and the fix. Pure.



const DEFAULT_API_URL = 'https://api.github.com';
function readGitHubAuth(env) {
    const token = (0,config_problems/* read */.LF)(env, 'GITHUB_TOKEN');
    const appVariables = ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITHUB_APP_INSTALLATION_ID'];
    const appSet = appVariables.filter((name) => (0,config_problems/* read */.LF)(env, name) !== undefined);
    if (token !== undefined && appSet.length > 0) {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_TOKEN', `is set together with ${appSet.join(', ')}; use either GITHUB_TOKEN or the three GITHUB_APP_* variables, not both.`);
    }
    if (token !== undefined) {
        if (/\s/.test(token))
            throw new config_problems/* RelayConfigError */.SB('GITHUB_TOKEN', 'contains whitespace; paste the token alone.');
        return { kind: 'token', token };
    }
    if (appSet.length === 0) {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_TOKEN', 'is not set; set GITHUB_TOKEN (a token with Actions: write on DISPATCH_REPOSITORY) or a GitHub App with GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID.');
    }
    const missing = appVariables.find((name) => !appSet.includes(name));
    if (missing !== undefined) {
        throw new config_problems/* RelayConfigError */.SB(missing, `is not set, but ${appSet.join(', ')} ${appSet.length === 1 ? 'is' : 'are'}; a GitHub App needs all of GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID.`);
    }
    const appId = (0,config_problems/* read */.LF)(env, 'GITHUB_APP_ID');
    if (!/^(?:[1-9][0-9]{0,15}|Iv[0-9A-Za-z._-]{4,60})$/.test(appId)) {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_APP_ID', `is ${JSON.stringify(appId)}; use the App ID (a number) or the Client ID (Iv…) from the App's settings page.`);
    }
    const installation = (0,config_problems/* read */.LF)(env, 'GITHUB_APP_INSTALLATION_ID');
    if (!/^[1-9][0-9]{0,15}$/.test(installation)) {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_APP_INSTALLATION_ID', `is ${JSON.stringify(installation)}; use the number at the end of the installation's settings URL (…/installations/12345678).`);
    }
    // Environment variables often carry a PEM with literal "\n" sequences instead of newlines.
    const privateKey = (0,config_problems/* read */.LF)(env, 'GITHUB_APP_PRIVATE_KEY').replace(/\\n/g, '\n');
    try {
        const key = (0,external_node_crypto_.createPrivateKey)(privateKey);
        if (key.asymmetricKeyType !== 'rsa')
            throw new Error('not an RSA key');
    }
    catch {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_APP_PRIVATE_KEY', "is not an RSA private key in PEM form; paste the whole .pem file the App's settings page generated (BEGIN … END lines included).");
    }
    return { kind: 'app', appId, privateKey, installationId: Number(installation) };
}
/**
 * The API base and the matching web base for run links: GITHUB_SERVER_URL when set (the name the
 * Actions runner uses for it), else derived — github.com for api.github.com, HOST for HOST/api/v3.
 * The API base carries the GitHub token, so it must be https unless its host is loopback.
 */
function readGitHubUrls(env) {
    const raw = (0,config_problems/* read */.LF)(env, 'GITHUB_API_URL') ?? DEFAULT_API_URL;
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_API_URL', `is ${JSON.stringify(raw)}, not a URL; use e.g. ${DEFAULT_API_URL}.`);
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_API_URL', `is ${JSON.stringify(raw)}; use an http(s) URL without query, e.g. ${DEFAULT_API_URL} or https://HOST/api/v3.`);
    }
    if (url.protocol === 'http:' && !(0,loopback_host/* isLoopbackHost */.c)(url)) {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_API_URL', `is ${JSON.stringify(raw)}, plain http: the GitHub token would cross the network unencrypted; use https://${url.host}${url.pathname.replace(/\/+$/, '')} (plain http is accepted only for a loopback host: 127.0.0.1, localhost or [::1]).`);
    }
    const apiUrl = url.href.replace(/\/+$/, '');
    const server = (0,config_problems/* read */.LF)(env, 'GITHUB_SERVER_URL');
    if (server !== undefined)
        return { apiUrl, webUrl: readServerUrl(server) };
    let webUrl;
    if (url.hostname === 'api.github.com')
        webUrl = `${url.protocol}//github.com`;
    else if (/^api\.[^.]+\.ghe\.com$/.test(url.hostname))
        webUrl = `${url.protocol}//${url.host.slice(4)}`;
    else
        webUrl = apiUrl.replace(/\/api\/v3$/, '');
    return { apiUrl, webUrl };
}
function readServerUrl(raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        url = undefined;
    }
    if (!url ||
        (url.protocol !== 'https:' && url.protocol !== 'http:') ||
        url.search !== '' ||
        url.hash !== '') {
        throw new config_problems/* RelayConfigError */.SB('GITHUB_SERVER_URL', `is ${JSON.stringify(raw)}; use the web address run links should point at, an http(s) URL without query, e.g. https://github.com or https://HOST, or leave it unset to derive it from GITHUB_API_URL.`);
    }
    return url.href.replace(/\/+$/, '');
}

// EXTERNAL MODULE: ./src/relay/core/slack-id.ts
var slack_id = __nccwpck_require__(2671);
;// CONCATENATED MODULE: ./src/relay/core/config.ts
// The relay's configuration, read once from the environment and checked before any request is served.
// Every problem names the variable and the fix, and every problem is reported at once (not only the
// first); the variable names are the public contract (docs/relay.md, "Environment variables").
// Comma-separated lists (SITES, ALLOWED_*_IDS) skip empty entries, so a trailing comma is harmless.
// A SITES entry `site=owner/repo` dispatches that site to its own repository (default:
// DISPATCH_REPOSITORY); dispatchRepository says where a site goes.
// Here: the whole RelayConfig, the Slack signing secrets, where to dispatch, the sites, the allow-lists
// and the Node server's HOST and PORT; GitHub's credentials and addresses are in config-github.ts.
// Pure: takes the environment as a plain object, returns data or throws.





const DEFAULTS = {
    DISPATCH_WORKFLOW: 'purge-cache.yml',
    DISPATCH_REF: 'main',
    HOST: '127.0.0.1',
    PORT: 8080,
};
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;
/** The Slack signing secrets (current first, then the previous one), or a RelayConfigError. */
function readSigningSecrets(env) {
    const current = (0,config_problems/* required */.mw)(env, 'SLACK_SIGNING_SECRET', "your Slack app's Signing Secret (Basic Information)");
    const previous = (0,config_problems/* read */.LF)(env, 'SLACK_SIGNING_SECRET_PREVIOUS');
    for (const [name, value] of [
        ['SLACK_SIGNING_SECRET', current],
        ['SLACK_SIGNING_SECRET_PREVIOUS', previous],
    ]) {
        if (value !== undefined && /\s/.test(value)) {
            throw new config_problems/* RelayConfigError */.SB(name, 'contains whitespace; paste the Signing Secret exactly as Slack shows it.');
        }
    }
    return previous === undefined || previous === current ? [current] : [current, previous];
}
/** `owner/repo` → its parts, or undefined when it is not one repository's full name. */
function parseRepository(value) {
    const [owner, repo, ...rest] = value.split('/');
    if (rest.length > 0 || !owner || !repo || !OWNER.test(owner) || !REPO.test(repo))
        return undefined;
    return { owner, repo };
}
function readRepository(env) {
    const value = (0,config_problems/* required */.mw)(env, 'DISPATCH_REPOSITORY', 'the repository holding the purge workflow, as owner/repo');
    const repository = parseRepository(value);
    if (!repository) {
        throw new config_problems/* RelayConfigError */.SB('DISPATCH_REPOSITORY', `is ${JSON.stringify(value)}; use owner/repo, e.g. my-org/website (no URL, no .git).`);
    }
    return repository;
}
function readWorkflow(env) {
    const value = (0,config_problems/* read */.LF)(env, 'DISPATCH_WORKFLOW') ?? DEFAULTS.DISPATCH_WORKFLOW;
    if (!/^(?:[A-Za-z0-9._-]+\.ya?ml|[1-9][0-9]{0,15})$/.test(value)) {
        throw new config_problems/* RelayConfigError */.SB('DISPATCH_WORKFLOW', `is ${JSON.stringify(value)}; use the workflow's file name under .github/workflows (e.g. ${DEFAULTS.DISPATCH_WORKFLOW}) or its numeric id.`);
    }
    return value;
}
function readRef(env) {
    const value = (0,config_problems/* read */.LF)(env, 'DISPATCH_REF') ?? DEFAULTS.DISPATCH_REF;
    if (/[\s~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$/.test(value) || value.length > 255) {
        throw new config_problems/* RelayConfigError */.SB('DISPATCH_REF', `is ${JSON.stringify(value)}, not a valid git ref; use a branch or tag name such as ${DEFAULTS.DISPATCH_REF}.`);
    }
    return value;
}
/** SITES: the site keys in order, and the repository of each `site=owner/repo` entry. */
function readSites(env) {
    const value = (0,config_problems/* required */.mw)(env, 'SITES', "the site keys the workflow's `site` choice accepts, comma-separated (e.g. portal,main)");
    const entries = (0,config_problems/* listEntries */.fi)(value);
    const siteRepositories = new Map();
    const badRepositories = [];
    const sites = entries.map((entry) => {
        const equals = entry.indexOf('=');
        if (equals < 0)
            return entry.toLowerCase();
        const site = entry.slice(0, equals).trim().toLowerCase();
        const repository = parseRepository(entry.slice(equals + 1).trim());
        if (repository)
            siteRepositories.set(site, repository);
        else
            badRepositories.push(entry);
        return site;
    });
    if (sites.length === 0) {
        throw new config_problems/* RelayConfigError */.SB('SITES', "is set but lists no site; list the site keys the workflow's `site` choice accepts, comma-separated (e.g. portal,main).");
    }
    const problems = [];
    const bad = sites.filter((site) => !formats.siteKey.pattern.test(site));
    if (bad.length > 0) {
        problems.push(`has ${bad.map((site) => JSON.stringify(site)).join(', ')}; each site is a key of the sites file (lower-case letters, digits, - and _), comma-separated, e.g. portal,main.`);
    }
    if (badRepositories.length > 0) {
        problems.push(`has ${badRepositories.map((entry) => JSON.stringify(entry)).join(', ')}; a site whose workflow lives in another repository is written site=owner/repo, e.g. blog=my-org/blog (no URL, no .git).`);
    }
    if (sites.includes('help'))
        problems.push('has "help", which is the usage command; rename that site.');
    if (sites.includes(all_sites/* ALL_SITES */.V))
        problems.push(`has "${all_sites/* ALL_SITES */.V}", which asks for every site; rename that site.`);
    const twice = [...new Set(sites.filter((site, index) => sites.indexOf(site) !== index))];
    if (twice.length > 0) {
        problems.push(`lists ${twice.map((site) => JSON.stringify(site)).join(', ')} twice.`);
    }
    if (problems.length > 0) {
        throw new config_problems/* RelayConfigError */.SB(problems.map((message) => ({ variable: 'SITES', message })));
    }
    return { sites, siteRepositories };
}
function readAllowList(env, name, example) {
    const value = (0,config_problems/* read */.LF)(env, name);
    if (value === undefined)
        return undefined;
    const ids = (0,config_problems/* listEntries */.fi)(value);
    const bad = ids.filter((id) => !slack_id/* SLACK_ID */.x.test(id));
    if (bad.length > 0) {
        throw new config_problems/* RelayConfigError */.SB(name, `has ${bad.map((id) => JSON.stringify(id)).join(', ')}, which ${bad.length === 1 ? 'is not a Slack id' : 'are not Slack ids'}; list ids like ${example}, comma-separated (names change and can be reused, ids cannot).`);
    }
    if (ids.length === 0)
        throw new config_problems/* RelayConfigError */.SB(name, `is set but lists no id; list ids like ${example}, or unset it.`);
    return new Set(ids);
}
/** Reads and checks every relay variable; throws one RelayConfigError listing every bad one. */
function loadRelayConfig(env) {
    const check = (0,config_problems/* collectConfigProblems */.Rf)();
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
        signingSecrets: signingSecrets,
        github: { auth: auth, ...urls },
        owner: repository.owner,
        repo: repository.repo,
        workflow: workflow,
        ref: ref,
        sites: sites.sites,
        ...(sites.siteRepositories.size > 0 && { siteRepositories: sites.siteRepositories }),
        ...(allowedTeamIds && { allowedTeamIds }),
        ...(allowedChannelIds && { allowedChannelIds }),
        ...(allowedUserIds && { allowedUserIds }),
    };
}
/** HOST and PORT of the plain Node server. PORT 0 picks a free port (it is logged on start). */
function loadListenConfig(env) {
    const check = (0,config_problems/* collectConfigProblems */.Rf)();
    const host = check.attempt(() => {
        const value = (0,config_problems/* read */.LF)(env, 'HOST') ?? DEFAULTS.HOST;
        if (/\s|\//.test(value)) {
            throw new config_problems/* RelayConfigError */.SB('HOST', `is ${JSON.stringify(value)}; use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0.`);
        }
        return value;
    });
    const port = check.attempt(() => {
        const raw = (0,config_problems/* read */.LF)(env, 'PORT');
        const value = raw === undefined ? DEFAULTS.PORT : Number(raw);
        if (!Number.isInteger(value) ||
            value < 0 ||
            value > 65535 ||
            (raw !== undefined && !/^[0-9]+$/.test(raw))) {
            throw new config_problems/* RelayConfigError */.SB('PORT', `is ${JSON.stringify(raw)}; use a port number from 0 to 65535.`);
        }
        return value;
    });
    check.finish();
    return { host: host, port: port };
}
/** The repository a site's workflow is dispatched to: its own (SITES site=owner/repo), else DISPATCH_REPOSITORY. */
function dispatchRepository(config, site) {
    return config.siteRepositories?.get(site) ?? { owner: config.owner, repo: config.repo };
}
/**
 * Link to the dispatched workflow's runs (or the repository's Actions tab for a numeric id), in
 * `repository` (default: DISPATCH_REPOSITORY).
 */
function actionsPageUrl(config, repository = { owner: config.owner, repo: config.repo }) {
    const base = `${config.github.webUrl}/${repository.owner}/${repository.repo}/actions`;
    return /^[0-9]+$/.test(config.workflow) ? base : `${base}/workflows/${config.workflow}`;
}


/***/ }),

/***/ 456:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ik: () => (/* binding */ siteList),
/* harmony export */   Kx: () => (/* binding */ promptUpdate),
/* harmony export */   WU: () => (/* binding */ CLICK_TEXTS),
/* harmony export */   vx: () => (/* binding */ confirmPrompt)
/* harmony export */ });
/* harmony import */ var _shared_mrkdwn_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(1576);
/* harmony import */ var _shared_text_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4646);
/* harmony import */ var _interaction_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(4341);
/* harmony import */ var _confirm_token_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5905);
// What the relay shows around a broad purge (`/clear-cache all`, or several sites): the ephemeral
// Block Kit prompt whose button opens Slack's confirm dialog and carries the signed token, and the
// messages that replace the prompt through its `response_url` once it is clicked — confirmed (with the
// run link), cancelled, expired, or not verifiable. Pure.




const promptUpdate = (text) => ({
    replace_original: true,
    response_type: 'ephemeral',
    text,
});
const plain = (text) => ({ type: 'plain_text', text, emoji: true });
/** The sites as code spans, `a`, `b`: for the prompt and the relay's other replies. */
const siteList = (sites) => sites.map((site) => `\`${(0,_shared_mrkdwn_js__WEBPACK_IMPORTED_MODULE_1__/* .escapeMrkdwn */ .f)(site)}\``).join(', ');
const count = (sites) => (0,_shared_text_js__WEBPACK_IMPORTED_MODULE_2__/* .plural */ .LS)(sites.length, 'site');
/** The ephemeral prompt: what would be purged, a danger button with Slack's confirm dialog, a cancel button. */
function confirmPrompt(sites, all, token) {
    const what = all
        ? `*every site* (${count(sites)}: ${siteList(sites)})`
        : `*${count(sites)}*: ${siteList(sites)}`;
    const minutes = Math.round(_confirm_token_js__WEBPACK_IMPORTED_MODULE_0__/* .CONFIRM_TTL_MS */ .Hz / 60_000);
    const body = {
        response_type: 'ephemeral',
        text: `Purge every cache layer of ${count(sites)} (${sites.join(', ')})? Confirm within ${minutes} minutes.`,
        blocks: [
            {
                type: 'section',
                text: {
                    type: 'mrkdwn',
                    text: `Purge every cache layer of ${what}? They purge in one workflow run, and the result shows up in this channel. Only you can confirm, within ${minutes} minutes.`,
                },
            },
            {
                type: 'actions',
                elements: [
                    {
                        type: 'button',
                        action_id: _interaction_js__WEBPACK_IMPORTED_MODULE_3__/* .CONFIRM_ACTION */ .Qg,
                        style: 'danger',
                        text: plain(`Purge ${count(sites)}`),
                        value: token,
                        confirm: {
                            title: plain(`Purge ${count(sites)}?`),
                            text: {
                                type: 'mrkdwn',
                                text: `Every cache layer of ${siteList(sites)} is purged: plugin cache, nginx FastCGI cache and CloudFront. Visitors hit the origin until the caches refill.`.slice(0, 300),
                            },
                            confirm: plain('Purge'),
                            deny: plain('Not now'),
                            style: 'danger',
                        },
                    },
                    { type: 'button', action_id: _interaction_js__WEBPACK_IMPORTED_MODULE_3__/* .CANCEL_ACTION */ .MM, text: plain('Cancel'), value: 'cancel' },
                ],
            },
        ],
    };
    return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
    };
}
const CLICK_TEXTS = {
    cancelled: 'Cancelled: nothing was purged.',
    expired: `This confirmation expired (it lasts ${Math.round(_confirm_token_js__WEBPACK_IMPORTED_MODULE_0__/* .CONFIRM_TTL_MS */ .Hz / 60_000)} minutes): nothing was started. Type the command again.`,
    bad_token: 'This confirmation could not be verified (the relay may have a new signing secret): nothing was started. Type the command again.',
};


/***/ }),

/***/ 5905:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Hz: () => (/* binding */ CONFIRM_TTL_MS),
/* harmony export */   fj: () => (/* binding */ signConfirmToken),
/* harmony export */   xE: () => (/* binding */ verifyConfirmToken)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// The confirmation token a broad purge's prompt carries in its button (`value`, ≤ 2,000 characters):
// what was asked (the sites), by whom (user, team, channel), until when (5 minutes) and a nonce, signed
// with the relay's Slack signing secret (HMAC-SHA256 under its own label, so it is never a valid Slack
// request signature). The relay checks it statelessly — any relay instance, Lambda container or restart
// can confirm — and refuses a token it did not sign, one past its time, or one clicked by someone
// else. That a token is used once is the replay guard's part (../replay-guard.ts), by its nonce. Pure:
// the clock and the nonce are parameters.

/** How long a prompt can be confirmed. */
const CONFIRM_TTL_MS = 5 * 60 * 1000;
const LABEL = 'cache-purge-confirm-v1:';
const VERSION = 'v1';
const mac = (secret, body) => (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', Buffer.from(secret, 'utf8'))
    .update(LABEL + body, 'utf8')
    .digest('base64url');
function signConfirmToken(claims, secret) {
    const body = Buffer.from(JSON.stringify({
        s: claims.sites,
        a: claims.all ? 1 : 0,
        u: claims.user,
        t: claims.team,
        c: claims.channel,
        e: claims.expiresAtMs,
        n: claims.nonce,
    }), 'utf8').toString('base64url');
    return `${VERSION}.${body}.${mac(secret, body)}`;
}
function readClaims(body) {
    let data;
    try {
        data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    }
    catch {
        return undefined;
    }
    if (typeof data !== 'object' || data === null)
        return undefined;
    const { s, a, u, t, c, e, n } = data;
    const text = (v) => typeof v === 'string' && v.length > 0 && v.length <= 100;
    if (!Array.isArray(s) || s.length === 0 || !s.every(text))
        return undefined;
    if (!text(u) || !text(t) || !text(c) || !text(n) || typeof e !== 'number' || (a !== 0 && a !== 1))
        return undefined;
    return { sites: s, all: a === 1, user: u, team: t, channel: c, expiresAtMs: e, nonce: n };
}
/**
 * Checks a clicked token: signed with one of `secrets` (current or previous, as for requests), not
 * expired at `nowMs` (nor claiming to live longer than a prompt may), clicked by its user in its team.
 */
function verifyConfirmToken(token, secrets, click, nowMs) {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]{1,1900}$/.test(parts[1])) {
        return { ok: false, reason: 'bad_token' };
    }
    const [, body, given] = parts;
    const givenBytes = Buffer.from(given, 'utf8');
    let signed = false;
    for (const secret of secrets) {
        const expected = Buffer.from(mac(secret, body), 'utf8');
        if (expected.length === givenBytes.length && (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.timingSafeEqual)(expected, givenBytes))
            signed = true;
    }
    if (!signed)
        return { ok: false, reason: 'bad_token' };
    const claims = readClaims(body);
    if (claims === undefined)
        return { ok: false, reason: 'bad_token' };
    if (nowMs > claims.expiresAtMs || claims.expiresAtMs - nowMs > CONFIRM_TTL_MS) {
        return { ok: false, reason: 'expired' };
    }
    if (claims.team !== click.team)
        return { ok: false, reason: 'other_team' };
    if (claims.user !== click.user)
        return { ok: false, reason: 'other_user' };
    return { ok: true, claims };
}


/***/ }),

/***/ 3773:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  YK: () => (/* binding */ MAX_BODY_BYTES),
  LD: () => (/* binding */ decide)
});

// UNUSED EXPORTS: decideMisconfigured

;// CONCATENATED MODULE: ./src/shared/suggest.ts
// "Did you mean …?": the closest known word to a misspelt one (a site name, a key of the sites file),
// by edit distance with transpositions counted as one edit (optimal string alignment). Pure.
/** Insertions, deletions, substitutions and swaps of two neighbours, each one edit. Case-insensitive. */
function editDistance(a, b) {
    const s = [...a.toLowerCase()];
    const t = [...b.toLowerCase()];
    // rows[i][j]: distance between the first i characters of s and the first j of t
    const rows = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= s.length; i++) {
        for (let j = 1; j <= t.length; j++) {
            const cost = s[i - 1] === t[j - 1] ? 0 : 1;
            let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
                best = Math.min(best, rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    return rows[s.length][t.length];
}
/** How many edits still read as a typo of a word this long: 1 up to 5 characters, then one per 3. */
const tolerance = (word) => Math.max(1, Math.floor([...word].length / 3));
/**
 * The candidate `word` most likely misspells, or undefined when none is close enough: within
 * `maxEdits` edits when given (for long names that share most of their letters, such as the
 * `CachePurge-` documents), else the tolerance for the candidate's length. Ties go to the earlier
 * candidate; the word itself (ignoring case) is not a suggestion unless it differs in case.
 */
function closestMatch(word, candidates, maxEdits) {
    let best;
    for (const candidate of candidates) {
        if (candidate === word)
            continue;
        const distance = editDistance(word, candidate);
        if (distance > (maxEdits ?? tolerance(candidate)))
            continue;
        if (!best || distance < best.distance)
            best = { candidate, distance };
    }
    return best?.candidate;
}

// EXTERNAL MODULE: ./src/shared/all-sites.ts
var all_sites = __nccwpck_require__(2367);
// EXTERNAL MODULE: ./src/relay/core/slack-id.ts
var slack_id = __nccwpck_require__(2671);
;// CONCATENATED MODULE: ./src/relay/core/command.ts
// A verified slash-command body → the command's ids and text, who may use it, and what the text asks
// for (with a "did you mean" site for a misspelt one, from the project's closestMatch). Parsing happens
// only after the signature is verified; authorisation uses ids only (channel and user *names* change
// and can be reused). Pure.



const REQUIRED_FIELDS = ['team_id', 'channel_id', 'user_id', 'command'];
const COMMAND = /^\/[^\s\p{Cc}]{1,31}$/u;
/** Parses the form body with URLSearchParams (which decodes %XX and +); duplicate keys are refused. */
function parseSlashCommand(body) {
    const params = new URLSearchParams(body);
    const seen = new Set();
    for (const key of params.keys()) {
        if (seen.has(key))
            return { kind: 'malformed', reason: 'duplicate_key' };
        seen.add(key);
    }
    if (params.get('ssl_check') === '1')
        return { kind: 'ssl_check' };
    for (const field of REQUIRED_FIELDS) {
        if (!params.get(field))
            return { kind: 'malformed', reason: `missing_${field}` };
    }
    const teamId = params.get('team_id');
    const channelId = params.get('channel_id');
    const userId = params.get('user_id');
    const command = params.get('command');
    if (!slack_id/* SLACK_ID */.x.test(teamId))
        return { kind: 'malformed', reason: 'bad_team_id' };
    if (!slack_id/* SLACK_ID */.x.test(channelId))
        return { kind: 'malformed', reason: 'bad_channel_id' };
    if (!slack_id/* SLACK_ID */.x.test(userId))
        return { kind: 'malformed', reason: 'bad_user_id' };
    if (!COMMAND.test(command))
        return { kind: 'malformed', reason: 'bad_command' };
    return { kind: 'command', command: { teamId, channelId, userId, command, text: params.get('text') ?? '' } };
}
function authorise(command, config) {
    if (config.allowedTeamIds && !config.allowedTeamIds.has(command.teamId)) {
        return { allowed: false, reason: 'team_not_allowed', variable: 'ALLOWED_TEAM_IDS' };
    }
    if (config.allowedChannelIds && !config.allowedChannelIds.has(command.channelId)) {
        return { allowed: false, reason: 'channel_not_allowed', variable: 'ALLOWED_CHANNEL_IDS' };
    }
    if (config.allowedUserIds && !config.allowedUserIds.has(command.userId)) {
        return { allowed: false, reason: 'user_not_allowed', variable: 'ALLOWED_USER_IDS' };
    }
    return { allowed: true };
}
const MAX_TEXT_LENGTH = 100;
/**
 * Trimmed, case-insensitive: empty or "help" → usage; `all` → every site; one or more known sites
 * (separated by spaces or commas) → those sites; anything else → invalid (the first unknown word).
 */
function interpretText(raw, sites) {
    const text = raw.trim();
    if (text.length > MAX_TEXT_LENGTH)
        return { kind: 'invalid', reason: 'too_long' };
    if (/[\p{Cc}\u2028\u2029]/u.test(text))
        return { kind: 'invalid', reason: 'control_characters' };
    const lower = text.toLowerCase();
    if (lower === '' || lower === 'help')
        return { kind: 'usage' };
    const words = lower.split(/[\s,]+/).filter((word) => word !== '');
    if (words.includes(all_sites/* ALL_SITES */.V)) {
        return words.every((word) => word === all_sites/* ALL_SITES */.V)
            ? { kind: 'sites', sites: [...sites], all: true }
            : { kind: 'invalid', reason: 'all_with_sites' };
    }
    const unknown = words.find((word) => !sites.includes(word));
    if (unknown !== undefined) {
        // Echo the word back only when it is plainly a word; anything else is not repeated to the channel.
        if (!/^[a-z0-9._-]{1,40}$/.test(unknown))
            return { kind: 'invalid', reason: 'unknown_site' };
        const suggestion = closestMatch(unknown, sites);
        return {
            kind: 'invalid',
            reason: 'unknown_site',
            shown: unknown,
            ...(suggestion !== undefined && { suggestion }),
        };
    }
    const asked = sites.filter((site) => words.includes(site));
    return asked.length === 1 ? { kind: 'site', site: asked[0] } : { kind: 'sites', sites: asked, all: false };
}

// EXTERNAL MODULE: ./src/relay/core/interaction.ts
var core_interaction = __nccwpck_require__(4341);
// EXTERNAL MODULE: ./src/relay/core/confirm-prompt.ts
var confirm_prompt = __nccwpck_require__(456);
// EXTERNAL MODULE: ./src/relay/core/confirm-token.ts
var confirm_token = __nccwpck_require__(5905);
// EXTERNAL MODULE: ./src/relay/core/dispatch.ts
var dispatch = __nccwpck_require__(815);
// EXTERNAL MODULE: ./src/relay/core/reply.ts
var reply = __nccwpck_require__(8145);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/relay/core/signature.ts
// Slack request signing (https://docs.slack.dev, "Verifying requests from Slack"): the signature is
// v0= + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body bytes)). Verified over the raw bytes
// before anything parses the body; constant-time compare; timestamps more than 300 s away from now in
// either direction are refused (replay window). Pure: the clock is a parameter.

const MAX_CLOCK_SKEW_SECONDS = 300;
/** A header's single value, looked up case-insensitively; undefined when absent or repeated. */
function headerValue(headers, name) {
    const wanted = name.toLowerCase();
    let found;
    let count = 0;
    for (const [key, value] of Object.entries(headers)) {
        if (key.toLowerCase() !== wanted || value === undefined)
            continue;
        const values = typeof value === 'string' ? [value] : value;
        count += values.length;
        found = values[0];
    }
    return count === 1 ? found : undefined;
}
// Turning a secret into a key costs more than the HMAC itself; the relay has one or two secrets.
const keys = new Map();
function secretKey(secret) {
    let key = keys.get(secret);
    if (key === undefined) {
        if (keys.size >= 16)
            keys.clear();
        key = (0,external_node_crypto_.createSecretKey)(Buffer.from(secret, 'utf8'));
        keys.set(secret, key);
    }
    return key;
}
function computeSignature(secret, timestamp, rawBody) {
    const hmac = (0,external_node_crypto_.createHmac)('sha256', secretKey(secret));
    hmac.update(`v0:${timestamp}:`, 'utf8');
    hmac.update(rawBody);
    return `v0=${hmac.digest('hex')}`;
}
/**
 * Checks X-Slack-Signature / X-Slack-Request-Timestamp against each secret (current, then previous).
 * `nowMs` is the current time in milliseconds.
 */
function verifySlackSignature(headers, rawBody, secrets, nowMs) {
    const signature = headerValue(headers, 'x-slack-signature');
    if (signature === undefined)
        return { ok: false, reason: 'missing_signature_header' };
    const timestamp = headerValue(headers, 'x-slack-request-timestamp');
    if (timestamp === undefined)
        return { ok: false, reason: 'missing_timestamp_header' };
    if (!/^[0-9]{1,12}$/.test(timestamp))
        return { ok: false, reason: 'bad_timestamp' };
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
        return { ok: false, reason: 'stale_timestamp' };
    }
    if (!/^v0=[0-9a-f]{64}$/.test(signature))
        return { ok: false, reason: 'bad_signature' };
    const given = Buffer.from(signature, 'utf8');
    let matched = false;
    for (const secret of secrets) {
        const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'utf8');
        // Every secret is compared (no early exit), lengths are equal by the format check above.
        if (expected.length === given.length && (0,external_node_crypto_.timingSafeEqual)(expected, given))
            matched = true;
    }
    return matched ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

// EXTERNAL MODULE: ./src/shared/mrkdwn.ts
var mrkdwn = __nccwpck_require__(1576);
;// CONCATENATED MODULE: ./src/relay/core/decide-click.ts
// The relay's decision about a click on a broad purge's prompt (a verified `block_actions` request):
// the clicking user must still be allowed (ALLOWED_*_IDS), the token must be the relay's own, not
// expired, for this user, team and channel, and its sites still in SITES — then a dispatch, whose
// nonce the relay claims once (../replay-guard.ts) before it is sent. Cancel and the refusals replace
// the prompt (only its own user saw it); a click by someone else leaves it alone. Pure.






function decideClick(click, config, nowMs) {
    const action = click.action === core_interaction/* CONFIRM_ACTION */.Qg ? 'confirm' : 'cancel';
    const who = { user: click.userId, team: click.teamId, channel: click.channelId };
    const command = {
        teamId: click.teamId,
        channelId: click.channelId,
        userId: click.userId,
        command: '/clear-cache',
        text: '',
    };
    const log = (decision, reason, site) => ({
        decision,
        reason,
        status: 200,
        action,
        ...(site && { site }),
        ...who,
    });
    const replace = (decision, reason, text) => ({
        kind: 'update_prompt',
        response: (0,reply/* textReply */.US)(200),
        log: log(decision, reason),
        responseUrl: click.responseUrl,
        update: (0,confirm_prompt/* promptUpdate */.Kx)(text),
    });
    const authorisation = authorise(command, config);
    if (!authorisation.allowed) {
        return replace('forbidden', authorisation.reason, `Cache purges are not allowed here: the relay's ${authorisation.variable} does not list this id. Nothing was started.`);
    }
    if (action === 'cancel')
        return replace('cancelled', 'cancelled', confirm_prompt/* CLICK_TEXTS */.WU.cancelled);
    const check = (0,confirm_token/* verifyConfirmToken */.xE)(click.value, config.signingSecrets, { user: click.userId, team: click.teamId }, nowMs);
    if (!check.ok) {
        // someone else's click must not replace the prompt of the user who asked
        if (check.reason === 'other_user' || check.reason === 'other_team') {
            return { kind: 'respond', response: (0,reply/* textReply */.US)(200), log: log('click_refused', check.reason) };
        }
        return replace('click_refused', check.reason, confirm_prompt/* CLICK_TEXTS */.WU[check.reason]);
    }
    const { claims } = check;
    if (claims.channel !== click.channelId) {
        return { kind: 'respond', response: (0,reply/* textReply */.US)(200), log: log('click_refused', 'other_channel') };
    }
    const gone = claims.sites.filter((site) => !config.sites.includes(site));
    if (gone.length > 0) {
        return replace('click_refused', 'site_not_in_sites', `${gone.map((site) => `\`${site}\``).join(', ')} ${gone.length === 1 ? 'is' : 'are'} no longer among the relay's sites: nothing was started. Type the command again.`);
    }
    return {
        kind: 'dispatch',
        site: claims.sites.join(','),
        command,
        dispatches: (0,dispatch/* dispatchRequests */.bv)(config, claims.sites, command),
        confirm: { nonce: claims.nonce, expiresAtMs: claims.expiresAtMs, responseUrl: click.responseUrl },
    };
}

;// CONCATENATED MODULE: ./src/relay/core/decide.ts
// The relay's decisions about a request from Slack, before any dispatch: the checks every request
// passes (method, content type, size, Slack's signature, then the parse — a slash command, or a click
// on a prompt, `payload=`, decided in decide-click.ts), who may purge, and what the text asks for — an
// answer now (refusal, usage, not a site), a site to dispatch, or for several sites / `all` the prompt
// to confirm first (its token signed here). Also the answer while the relay's configuration is wrong.
// Every decision carries its log fields; the clock and the prompt's nonce are parameters. Pure.









/** Slack slash-command bodies are well under 4 KiB; anything far bigger is not from Slack. */
const MAX_BODY_BYTES = 16 * 1024;
function usageText(command, sites) {
    const name = (0,mrkdwn/* escapeMrkdwn */.f)(command);
    return `Usage: \`${name} <site>\` purges every cache layer of one site; \`${name} <site> <site>…\` or \`${name} all\` purges several in one run, once you confirm. Sites: ${(0,confirm_prompt/* siteList */.Ik)(sites)}.`;
}
function isFormContentType(headers) {
    const value = headerValue(headers, 'content-type');
    return value?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}
/**
 * The checks every request passes before anything reads it as a command: method, content type, size,
 * Slack's signature (with `signingSecrets`), then the parse. `nowMs` is the current time in ms.
 */
function admit(request, signingSecrets, nowMs) {
    const reject = (status, reason, response = (0,reply/* textReply */.US)(status)) => ({
        kind: 'respond',
        response,
        log: { decision: 'rejected', reason, status },
    });
    if (request.method.toUpperCase() !== 'POST') {
        return reject(405, 'method_not_allowed', (0,reply/* textReply */.US)(405, 'Method not allowed', { allow: 'POST' }));
    }
    if (!isFormContentType(request.headers)) {
        return reject(415, 'unsupported_content_type', (0,reply/* textReply */.US)(415, 'Unsupported content type'));
    }
    if (request.body.byteLength > MAX_BODY_BYTES)
        return reject(413, 'body_too_large', (0,reply/* textReply */.US)(413, 'Body too large'));
    const signature = verifySlackSignature(request.headers, request.body, signingSecrets, nowMs);
    if (!signature.ok)
        return reject(401, signature.reason);
    const text = Buffer.from(request.body).toString('utf8');
    const form = new URLSearchParams(text);
    if (form.has('payload') && !form.has('command')) {
        // an interactivity request: the form carries one field, the payload's JSON
        if ([...form.keys()].length !== 1)
            return reject(400, 'bad_interaction_form', (0,reply/* textReply */.US)(400, 'Bad request'));
        const interaction = (0,core_interaction/* parseInteraction */.Il)(form.get('payload'));
        if (interaction.kind === 'malformed')
            return reject(400, interaction.reason, (0,reply/* textReply */.US)(400, 'Bad request'));
        if (interaction.kind === 'ignored') {
            return {
                kind: 'respond',
                response: (0,reply/* textReply */.US)(200),
                log: { decision: 'ignored', reason: interaction.reason, status: 200 },
            };
        }
        return { kind: 'click', click: interaction.click };
    }
    const parsed = parseSlashCommand(text);
    if (parsed.kind === 'ssl_check') {
        return {
            kind: 'respond',
            response: (0,reply/* textReply */.US)(200),
            log: { decision: 'ssl_check', reason: 'ssl_check', status: 200 },
        };
    }
    if (parsed.kind === 'malformed')
        return reject(400, parsed.reason, (0,reply/* textReply */.US)(400, 'Bad request'));
    return { kind: 'command', command: parsed.command };
}
/** "`A`", "`A` and `B`", "`A`, `B` and `C`". */
function nameList(names) {
    const quoted = names.map((name) => `\`${name}\``);
    return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
/**
 * The answer while the relay's configuration is wrong but its signing secrets are readable: a request
 * Slack signed gets HTTP 200 with an ephemeral message naming the variables to fix (Slack shows only a
 * generic error for any other status, never the body); anything else is refused as usual.
 */
function decideMisconfigured(request, signingSecrets, variables, nowMs) {
    const admission = admit(request, signingSecrets, nowMs);
    if (admission.kind === 'respond')
        return admission;
    if (admission.kind === 'click') {
        const { click } = admission;
        return {
            kind: 'respond',
            response: textReply(200),
            log: {
                decision: 'misconfigured',
                reason: 'config_error',
                status: 200,
                user: click.userId,
                team: click.teamId,
                channel: click.channelId,
            },
        };
    }
    const { command } = admission;
    return {
        kind: 'respond',
        response: slackReply('ephemeral', `The cache-purge relay is misconfigured, so nothing was started: ${nameList(variables)} ${variables.length === 1 ? 'needs' : 'need'} fixing in its settings. Whoever runs the relay finds what is wrong in its log (\`config_error\` lines).`),
        log: {
            decision: 'misconfigured',
            reason: 'config_error',
            status: 200,
            user: command.userId,
            team: command.teamId,
            channel: command.channelId,
        },
    };
}
/**
 * Everything up to the dispatch. `nowMs` is the current time in milliseconds; `nonce` a fresh random
 * value for a prompt's token (used only when a prompt is sent).
 */
function decide(request, config, nowMs, nonce = '') {
    const admission = admit(request, config.signingSecrets, nowMs);
    if (admission.kind === 'respond')
        return admission;
    if (admission.kind === 'click')
        return decideClick(admission.click, config, nowMs);
    const command = admission.command;
    const who = { user: command.userId, team: command.teamId, channel: command.channelId };
    const answer = (decision, reason, text, site) => ({
        kind: 'respond',
        response: (0,reply/* slackReply */.pg)('ephemeral', text),
        log: { decision, reason, status: 200, ...(site && { site }), ...who },
    });
    const authorisation = authorise(command, config);
    if (!authorisation.allowed) {
        // The ids passed SLACK_ID's check in parseSlashCommand: safe to show as they are.
        const refusal = {
            team_not_allowed: `in this workspace: the relay's ${authorisation.variable} does not list this workspace's id \`${command.teamId}\``,
            channel_not_allowed: `in this channel: the relay's ${authorisation.variable} does not list this channel's id \`${command.channelId}\``,
            user_not_allowed: `for you: the relay's ${authorisation.variable} does not list your Slack user id \`${command.userId}\``,
        }[authorisation.reason];
        return answer('forbidden', authorisation.reason, `Cache purges are not allowed ${refusal}. Ask whoever runs the relay to add it.`);
    }
    const intent = interpretText(command.text, config.sites);
    const usage = usageText(command.command, config.sites);
    switch (intent.kind) {
        case 'usage':
            return answer('usage', 'usage', usage);
        case 'invalid': {
            const what = {
                unknown_site: intent.shown
                    ? `\`${intent.shown}\` is not a site.${intent.suggestion ? ` Did you mean \`${intent.suggestion}\`?` : ''}`
                    : 'That is not a site name.',
                all_with_sites: 'Give `all` alone, or list the sites without it.',
                control_characters: 'That is not a site name.',
                too_long: 'That is not a site name (too long).',
            }[intent.reason];
            return answer('invalid_text', intent.reason, `${what} ${usage}`);
        }
        case 'site':
            return {
                kind: 'dispatch',
                site: intent.site,
                command,
                dispatches: (0,dispatch/* dispatchRequests */.bv)(config, [intent.site], command),
            };
        case 'sites': {
            if (nonce === '')
                throw new Error('decide needs a nonce to sign a confirmation prompt');
            const token = (0,confirm_token/* signConfirmToken */.fj)({
                sites: intent.sites,
                all: intent.all,
                user: command.userId,
                team: command.teamId,
                channel: command.channelId,
                expiresAtMs: nowMs + confirm_token/* CONFIRM_TTL_MS */.Hz,
                nonce,
            }, config.signingSecrets[0]);
            return {
                kind: 'respond',
                response: (0,confirm_prompt/* confirmPrompt */.vx)(intent.sites, intent.all, token),
                log: {
                    decision: 'confirm_prompt',
                    reason: intent.all ? 'all' : 'several_sites',
                    status: 200,
                    site: intent.sites.join(','),
                    ...who,
                },
            };
        }
    }
}


/***/ }),

/***/ 815:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $H: () => (/* binding */ acceptedResult),
/* harmony export */   DD: () => (/* binding */ causeChain),
/* harmony export */   L_: () => (/* binding */ dispatchBody),
/* harmony export */   M5: () => (/* binding */ DISPATCH_TIMEOUT_MS),
/* harmony export */   aY: () => (/* binding */ deadlineResult),
/* harmony export */   bv: () => (/* binding */ dispatchRequests),
/* harmony export */   cT: () => (/* binding */ rejectsReturnRunDetails),
/* harmony export */   gl: () => (/* binding */ describeNetworkError),
/* harmony export */   oQ: () => (/* binding */ dispatchedSites)
/* harmony export */ });
/* harmony import */ var _config_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9352);
// The contract between the relay core and whatever starts the workflow (the Octokit adapter in
// ../github.ts): what to dispatch, the exact request body, the four ways it can end, the progress a
// dispatcher reports on the way (so a deadline can tell "nothing was sent" from "maybe sent"), what a
// network error says about itself, and the deadline it all runs under. Pure.

/** Hard limit for GitHub to accept the dispatch (Slack gives up after 3 s). */
const DISPATCH_TIMEOUT_MS = 2000;
/** The result a deadline gives, from the dispatcher's last progress report. */
function deadlineResult(progress) {
    if (progress === 'token_exchange')
        return { kind: 'not_sent', stage: 'credentials', cause: 'timeout' };
    if (progress === 'dispatch_not_sent')
        return { kind: 'not_sent', stage: 'dispatch', cause: 'timeout' };
    return { kind: 'no_answer', cause: 'timeout' };
}
/** Errors that can only happen while connecting (DNS, TCP, TLS handshake): the request was never sent. */
const CONNECT_PHASE_CODES = new Set([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EAI_FAIL',
    'EAI_NONAME',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'ENETUNREACH',
    'ENETDOWN',
    'EADDRNOTAVAIL',
    'UND_ERR_CONNECT_TIMEOUT',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const CONNECT_PHASE_PREFIXES = ['CERT_', 'ERR_TLS_', 'ERR_SSL_'];
/** Messages of errors without a code that fetch raises before connecting. */
const CONNECT_PHASE_MESSAGES = new Set(['bad port']);
/**
 * An error and its causes, outermost first (Octokit's RequestError → fetch's TypeError → the system
 * error), at most 8 deep. An AggregateError (every address of a host refused) has an empty message and
 * its causes in `errors`: the chain goes on with the first.
 */
function causeChain(error) {
    const chain = [];
    let current = error;
    while (chain.length < 8 && typeof current === 'object' && current !== null) {
        chain.push(current);
        const { cause, errors } = current;
        current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
    }
    return chain;
}
/**
 * Describes an error from its cause chain: the first string `code` found, the innermost message, and
 * whether it is an error that can only happen before the request is sent. Never throws.
 */
function describeNetworkError(error) {
    let code;
    let message = '';
    for (const link of causeChain(error)) {
        const { code: ownCode, message: ownMessage } = link;
        if (code === undefined && typeof ownCode === 'string' && /^[A-Z][A-Z0-9_]{1,60}$/.test(ownCode)) {
            code = ownCode;
        }
        if (typeof ownMessage === 'string' && ownMessage.trim() !== '')
            message = ownMessage;
    }
    if (message === '' && typeof error === 'string')
        message = error;
    const flat = message.replace(/\s+/g, ' ').trim();
    const short = flat.length > 300 ? `${flat.slice(0, 299)}…` : flat || 'unknown error';
    const beforeSending = (code !== undefined &&
        (CONNECT_PHASE_CODES.has(code) || CONNECT_PHASE_PREFIXES.some((prefix) => code.startsWith(prefix)))) ||
        CONNECT_PHASE_MESSAGES.has(short);
    return { ...(code !== undefined && { code }), message: short, beforeSending };
}
/** The body of POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches. */
function dispatchBody(request, withRunDetails) {
    const body = {
        ref: request.ref,
        inputs: {
            site: request.inputs.site,
            ...(request.inputs.sites !== undefined && { sites: request.inputs.sites }),
            requester: request.inputs.requester,
            'slack-channel': request.inputs['slack-channel'],
        },
    };
    if (withRunDetails)
        body.return_run_details = true;
    return body;
}
/**
 * GitHub Enterprise Server versions without run details refuse the parameter (400/422 naming it):
 * the one case where the dispatch is sent again, without it.
 */
function rejectsReturnRunDetails(result) {
    return (result.kind === 'rejected' &&
        (result.status === 400 || result.status === 422) &&
        /return_run_details/.test(result.message));
}
/** Reads the run details out of a 200 answer; a 204 (or anything unexpected) gives none. */
function acceptedResult(status, data) {
    if (status !== 200 || typeof data !== 'object' || data === null)
        return { kind: 'accepted' };
    const { workflow_run_id: runId, html_url: htmlUrl } = data;
    return {
        kind: 'accepted',
        ...(typeof runId === 'number' && Number.isSafeInteger(runId) && runId > 0 && { runId }),
        ...(typeof htmlUrl === 'string' && /^https?:\/\/[^\s<>|]+$/.test(htmlUrl) && { runUrl: htmlUrl }),
    };
}
/** The sites one dispatch purges, comma-separated: `sites` when it carries several, else `site`. */
const dispatchedSites = (request) => request.inputs.sites ?? request.inputs.site;
/**
 * The dispatches of `sites` for the user, to the channel of the command: one per repository the sites
 * live in (SITES `site=owner/repo`, else DISPATCH_REPOSITORY), in the order of their first site, each
 * with its first site as `site` and, when several, all its sites comma-separated as `sites`.
 */
function dispatchRequests(config, sites, who) {
    const byRepository = new Map();
    for (const site of sites) {
        const { owner, repo } = (0,_config_js__WEBPACK_IMPORTED_MODULE_0__/* .dispatchRepository */ .BB)(config, site);
        const key = `${owner}/${repo}`.toLowerCase();
        const group = byRepository.get(key) ?? { owner, repo, sites: [] };
        group.sites.push(site);
        byRepository.set(key, group);
    }
    return [...byRepository.values()].map(({ owner, repo, sites: theirs }) => ({
        owner,
        repo,
        workflow: config.workflow,
        ref: config.ref,
        inputs: {
            site: theirs[0],
            ...(theirs.length > 1 && { sites: theirs.join(',') }),
            requester: `<@${who.userId}>`,
            'slack-channel': who.channelId,
        },
    }));
}


/***/ }),

/***/ 4341:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Il: () => (/* binding */ parseInteraction),
/* harmony export */   MM: () => (/* binding */ CANCEL_ACTION),
/* harmony export */   Qg: () => (/* binding */ CONFIRM_ACTION)
/* harmony export */ });
/* harmony import */ var _shared_loopback_host_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2691);
/* harmony import */ var _slack_id_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(2671);
// A verified interactivity request (`payload=<JSON>`, form-encoded, signed like a slash command) →
// the click the relay acts on: a `block_actions` payload with one action of ours (confirm or cancel a
// broad purge), who clicked (user, team, channel ids) and the `response_url` to replace the prompt
// through. Anything else is malformed or ignored. Parsing happens only after the signature is
// verified; only ids are read (names change). Pure.


const CONFIRM_ACTION = 'confirm_purge';
const CANCEL_ACTION = 'cancel_purge';
const MAX_VALUE_LENGTH = 2000;
/**
 * A `response_url` the relay may POST to: https to a Slack host (hooks.slack.com, …slack.com), or
 * http to a loopback address (the tests' and the demo's Slack double; isLoopbackHost, as for the other
 * local doubles). Anything else is refused, so a
 * payload can never point the relay at another server.
 */
function isSlackResponseUrl(raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        return false;
    }
    if (url.username || url.password)
        return false;
    if (url.protocol === 'https:')
        return url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
    return url.protocol === 'http:' && (0,_shared_loopback_host_js__WEBPACK_IMPORTED_MODULE_0__/* .isLoopbackHost */ .c)(url);
}
const field = (value, key) => typeof value === 'object' && value !== null ? value[key] : undefined;
/** Reads the `payload` field of a verified form body (its other fields are not Slack's). */
function parseInteraction(payloadJson) {
    let payload;
    try {
        payload = JSON.parse(payloadJson);
    }
    catch {
        return { kind: 'malformed', reason: 'bad_payload_json' };
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        return { kind: 'malformed', reason: 'bad_payload' };
    }
    const type = field(payload, 'type');
    if (type !== 'block_actions')
        return { kind: 'ignored', reason: 'not_block_actions' };
    const actions = field(payload, 'actions');
    if (!Array.isArray(actions) || actions.length !== 1)
        return { kind: 'malformed', reason: 'bad_actions' };
    const [action] = actions;
    const actionId = field(action, 'action_id');
    if (actionId !== CONFIRM_ACTION && actionId !== CANCEL_ACTION) {
        return { kind: 'ignored', reason: 'unknown_action' };
    }
    const value = field(action, 'value');
    const user = field(payload, 'user');
    const userId = field(user, 'id');
    const teamId = field(field(payload, 'team'), 'id') ?? field(user, 'team_id');
    const channelId = field(field(payload, 'channel'), 'id');
    const responseUrl = field(payload, 'response_url');
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH) {
        return { kind: 'malformed', reason: 'bad_value' };
    }
    if (typeof userId !== 'string' || !_slack_id_js__WEBPACK_IMPORTED_MODULE_1__/* .SLACK_ID */ .x.test(userId))
        return { kind: 'malformed', reason: 'bad_user_id' };
    if (typeof teamId !== 'string' || !_slack_id_js__WEBPACK_IMPORTED_MODULE_1__/* .SLACK_ID */ .x.test(teamId))
        return { kind: 'malformed', reason: 'bad_team_id' };
    if (typeof channelId !== 'string' || !_slack_id_js__WEBPACK_IMPORTED_MODULE_1__/* .SLACK_ID */ .x.test(channelId)) {
        return { kind: 'malformed', reason: 'bad_channel_id' };
    }
    if (typeof responseUrl !== 'string' || !isSlackResponseUrl(responseUrl)) {
        return { kind: 'malformed', reason: 'bad_response_url' };
    }
    return { kind: 'click', click: { action: actionId, value, userId, teamId, channelId, responseUrl } };
}


/***/ }),

/***/ 8145:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   US: () => (/* binding */ textReply),
/* harmony export */   pg: () => (/* binding */ slackReply),
/* harmony export */   rl: () => (/* binding */ slackAnswer)
/* harmony export */ });
// What the relay's core answers with: the request as an adapter hands it over, the reply as data
// (status, headers, body), the fields of the one log line per request, and the two kinds of answer
// (plain text for refusals and errors, a Slack message for everything Slack shows). Pure.
/** A plain-text answer (every adapter's non-Slack answers: refusals, 404, 500). */
const textReply = (status, body = '', extra = {}) => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
    body,
});
/** A Slack message answer; `response_type` is always explicit. */
function slackReply(responseType, text) {
    return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ response_type: responseType, text }),
    };
}
/** A Slack reply and its text, for a caller that also shows the text elsewhere (an updated prompt, a list). */
const slackAnswer = (responseType, text) => ({
    response: slackReply(responseType, text),
    text,
});


/***/ }),

/***/ 2671:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ SLACK_ID)
/* harmony export */ });
// Slack's ids as the relay accepts them — a team (T…), channel (C…/D…/G…) or user (U…/W…): upper-case
// letters and digits, 2–30 of them. One pattern for the command parser, the click parser and the
// configuration (ALLOWED_* lists), so they cannot disagree on what an id is.
const SLACK_ID = /^[A-Z0-9]{2,30}$/;


/***/ }),

/***/ 247:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  T: () => (/* binding */ createGitHubDispatcher)
});

;// CONCATENATED MODULE: ./node_modules/universal-user-agent/index.js
function getUserAgent() {
  if (typeof navigator === "object" && "userAgent" in navigator) {
    return navigator.userAgent;
  }

  if (typeof process === "object" && process.version !== undefined) {
    return `Node.js/${process.version.substr(1)} (${process.platform}; ${
      process.arch
    })`;
  }

  return "<environment undetectable>";
}

;// CONCATENATED MODULE: ./node_modules/before-after-hook/lib/register.js
// @ts-check

function register(state, name, method, options) {
  if (typeof method !== "function") {
    throw new Error("method for before hook must be a function");
  }

  if (!options) {
    options = {};
  }

  if (Array.isArray(name)) {
    return name.reverse().reduce((callback, name) => {
      return register.bind(null, state, name, callback, options);
    }, method)();
  }

  return Promise.resolve().then(() => {
    if (!state.registry[name]) {
      return method(options);
    }

    return state.registry[name].reduce((method, registered) => {
      return registered.hook.bind(null, method, options);
    }, method)();
  });
}

;// CONCATENATED MODULE: ./node_modules/before-after-hook/lib/add.js
// @ts-check

function addHook(state, kind, name, hook) {
  const orig = hook;
  if (!state.registry[name]) {
    state.registry[name] = [];
  }

  if (kind === "before") {
    hook = (method, options) => {
      return Promise.resolve()
        .then(orig.bind(null, options))
        .then(method.bind(null, options));
    };
  }

  if (kind === "after") {
    hook = (method, options) => {
      let result;
      return Promise.resolve()
        .then(method.bind(null, options))
        .then((result_) => {
          result = result_;
          return orig(result, options);
        })
        .then(() => {
          return result;
        });
    };
  }

  if (kind === "error") {
    hook = (method, options) => {
      return Promise.resolve()
        .then(method.bind(null, options))
        .catch((error) => {
          return orig(error, options);
        });
    };
  }

  state.registry[name].push({
    hook: hook,
    orig: orig,
  });
}

;// CONCATENATED MODULE: ./node_modules/before-after-hook/lib/remove.js
// @ts-check

function removeHook(state, name, method) {
  if (!state.registry[name]) {
    return;
  }

  const index = state.registry[name]
    .map((registered) => {
      return registered.orig;
    })
    .indexOf(method);

  if (index === -1) {
    return;
  }

  state.registry[name].splice(index, 1);
}

;// CONCATENATED MODULE: ./node_modules/before-after-hook/index.js
// @ts-check





// bind with array of arguments: https://stackoverflow.com/a/21792913
const bind = Function.bind;
const bindable = bind.bind(bind);

function bindApi(hook, state, name) {
  const removeHookRef = bindable(removeHook, null).apply(
    null,
    name ? [state, name] : [state]
  );
  hook.api = { remove: removeHookRef };
  hook.remove = removeHookRef;
  ["before", "error", "after", "wrap"].forEach((kind) => {
    const args = name ? [state, kind, name] : [state, kind];
    hook[kind] = hook.api[kind] = bindable(addHook, null).apply(null, args);
  });
}

function Singular() {
  const singularHookName = Symbol("Singular");
  const singularHookState = {
    registry: {},
  };
  const singularHook = register.bind(null, singularHookState, singularHookName);
  bindApi(singularHook, singularHookState, singularHookName);
  return singularHook;
}

function Collection() {
  const state = {
    registry: {},
  };

  const hook = register.bind(null, state);
  bindApi(hook, state);

  return hook;
}

/* harmony default export */ const before_after_hook = ({ Singular, Collection });

;// CONCATENATED MODULE: ./node_modules/@octokit/endpoint/dist-bundle/index.js
// pkg/dist-src/defaults.js


// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/defaults.js
var userAgent = `octokit-endpoint.js/${VERSION} ${getUserAgent()}`;
var DEFAULTS = {
  method: "GET",
  baseUrl: "https://api.github.com",
  headers: {
    accept: "application/vnd.github.v3+json",
    "user-agent": userAgent
  },
  mediaType: {
    format: ""
  }
};

// pkg/dist-src/util/lowercase-keys.js
function lowercaseKeys(object) {
  if (!object) {
    return {};
  }
  return Object.keys(object).reduce((newObj, key) => {
    newObj[key.toLowerCase()] = object[key];
    return newObj;
  }, {});
}

// pkg/dist-src/util/is-plain-object.js
function isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return true;
  const Ctor = Object.prototype.hasOwnProperty.call(proto, "constructor") && proto.constructor;
  return typeof Ctor === "function" && Ctor instanceof Ctor && Function.prototype.call(Ctor) === Function.prototype.call(value);
}

// pkg/dist-src/util/merge-deep.js
function mergeDeep(defaults, options) {
  const result = Object.assign({}, defaults);
  Object.keys(options).forEach((key) => {
    if (isPlainObject(options[key])) {
      if (!(key in defaults)) Object.assign(result, { [key]: options[key] });
      else result[key] = mergeDeep(defaults[key], options[key]);
    } else {
      Object.assign(result, { [key]: options[key] });
    }
  });
  return result;
}

// pkg/dist-src/util/remove-undefined-properties.js
function removeUndefinedProperties(obj) {
  for (const key in obj) {
    if (obj[key] === void 0) {
      delete obj[key];
    }
  }
  return obj;
}

// pkg/dist-src/merge.js
function merge(defaults, route, options) {
  if (typeof route === "string") {
    let [method, url] = route.split(" ");
    options = Object.assign(url ? { method, url } : { url: method }, options);
  } else {
    options = Object.assign({}, route);
  }
  options.headers = lowercaseKeys(options.headers);
  removeUndefinedProperties(options);
  removeUndefinedProperties(options.headers);
  const mergedOptions = mergeDeep(defaults || {}, options);
  if (options.url === "/graphql") {
    if (defaults && defaults.mediaType.previews?.length) {
      mergedOptions.mediaType.previews = defaults.mediaType.previews.filter(
        (preview) => !mergedOptions.mediaType.previews.includes(preview)
      ).concat(mergedOptions.mediaType.previews);
    }
    mergedOptions.mediaType.previews = (mergedOptions.mediaType.previews || []).map((preview) => preview.replace(/-preview/, ""));
  }
  return mergedOptions;
}

// pkg/dist-src/util/add-query-parameters.js
function addQueryParameters(url, parameters) {
  const separator = /\?/.test(url) ? "&" : "?";
  const names = Object.keys(parameters);
  if (names.length === 0) {
    return url;
  }
  return url + separator + names.map((name) => {
    if (name === "q") {
      return "q=" + parameters.q.split("+").map(encodeURIComponent).join("+");
    }
    return `${name}=${encodeURIComponent(parameters[name])}`;
  }).join("&");
}

// pkg/dist-src/util/extract-url-variable-names.js
var urlVariableRegex = /\{[^{}}]+\}/g;
function removeNonChars(variableName) {
  return variableName.replace(/(?:^\W+)|(?:(?<!\W)\W+$)/g, "").split(/,/);
}
function extractUrlVariableNames(url) {
  const matches = url.match(urlVariableRegex);
  if (!matches) {
    return [];
  }
  return matches.map(removeNonChars).reduce((a, b) => a.concat(b), []);
}

// pkg/dist-src/util/omit.js
function omit(object, keysToOmit) {
  const result = { __proto__: null };
  for (const key of Object.keys(object)) {
    if (keysToOmit.indexOf(key) === -1) {
      result[key] = object[key];
    }
  }
  return result;
}

// pkg/dist-src/util/url-template.js
function encodeReserved(str) {
  return str.split(/(%[0-9A-Fa-f]{2})/g).map(function(part) {
    if (!/%[0-9A-Fa-f]/.test(part)) {
      part = encodeURI(part).replace(/%5B/g, "[").replace(/%5D/g, "]");
    }
    return part;
  }).join("");
}
function encodeUnreserved(str) {
  return encodeURIComponent(str).replace(/[!'()*]/g, function(c) {
    return "%" + c.charCodeAt(0).toString(16).toUpperCase();
  });
}
function encodeValue(operator, value, key) {
  value = operator === "+" || operator === "#" ? encodeReserved(value) : encodeUnreserved(value);
  if (key) {
    return encodeUnreserved(key) + "=" + value;
  } else {
    return value;
  }
}
function isDefined(value) {
  return value !== void 0 && value !== null;
}
function isKeyOperator(operator) {
  return operator === ";" || operator === "&" || operator === "?";
}
function getValues(context, operator, key, modifier) {
  var value = context[key], result = [];
  if (isDefined(value) && value !== "") {
    if (typeof value === "string" || typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
      value = value.toString();
      if (modifier && modifier !== "*") {
        value = value.substring(0, parseInt(modifier, 10));
      }
      result.push(
        encodeValue(operator, value, isKeyOperator(operator) ? key : "")
      );
    } else {
      if (modifier === "*") {
        if (Array.isArray(value)) {
          value.filter(isDefined).forEach(function(value2) {
            result.push(
              encodeValue(operator, value2, isKeyOperator(operator) ? key : "")
            );
          });
        } else {
          Object.keys(value).forEach(function(k) {
            if (isDefined(value[k])) {
              result.push(encodeValue(operator, value[k], k));
            }
          });
        }
      } else {
        const tmp = [];
        if (Array.isArray(value)) {
          value.filter(isDefined).forEach(function(value2) {
            tmp.push(encodeValue(operator, value2));
          });
        } else {
          Object.keys(value).forEach(function(k) {
            if (isDefined(value[k])) {
              tmp.push(encodeUnreserved(k));
              tmp.push(encodeValue(operator, value[k].toString()));
            }
          });
        }
        if (isKeyOperator(operator)) {
          result.push(encodeUnreserved(key) + "=" + tmp.join(","));
        } else if (tmp.length !== 0) {
          result.push(tmp.join(","));
        }
      }
    }
  } else {
    if (operator === ";") {
      if (isDefined(value)) {
        result.push(encodeUnreserved(key));
      }
    } else if (value === "" && (operator === "&" || operator === "?")) {
      result.push(encodeUnreserved(key) + "=");
    } else if (value === "") {
      result.push("");
    }
  }
  return result;
}
function parseUrl(template) {
  return {
    expand: expand.bind(null, template)
  };
}
function expand(template, context) {
  var operators = ["+", "#", ".", "/", ";", "?", "&"];
  template = template.replace(
    /\{([^\{\}]+)\}|([^\{\}]+)/g,
    function(_, expression, literal) {
      if (expression) {
        let operator = "";
        const values = [];
        if (operators.indexOf(expression.charAt(0)) !== -1) {
          operator = expression.charAt(0);
          expression = expression.substr(1);
        }
        expression.split(/,/g).forEach(function(variable) {
          var tmp = /([^:\*]*)(?::(\d+)|(\*))?/.exec(variable);
          values.push(getValues(context, operator, tmp[1], tmp[2] || tmp[3]));
        });
        if (operator && operator !== "+") {
          var separator = ",";
          if (operator === "?") {
            separator = "&";
          } else if (operator !== "#") {
            separator = operator;
          }
          return (values.length !== 0 ? operator : "") + values.join(separator);
        } else {
          return values.join(",");
        }
      } else {
        return encodeReserved(literal);
      }
    }
  );
  if (template === "/") {
    return template;
  } else {
    return template.replace(/\/$/, "");
  }
}

// pkg/dist-src/parse.js
function parse(options) {
  let method = options.method.toUpperCase();
  let url = (options.url || "/").replace(/:([a-z]\w+)/g, "{$1}");
  let headers = Object.assign({}, options.headers);
  let body;
  let parameters = omit(options, [
    "method",
    "baseUrl",
    "url",
    "headers",
    "request",
    "mediaType"
  ]);
  const urlVariableNames = extractUrlVariableNames(url);
  url = parseUrl(url).expand(parameters);
  if (!/^http/.test(url)) {
    url = options.baseUrl + url;
  }
  const omittedParameters = Object.keys(options).filter((option) => urlVariableNames.includes(option)).concat("baseUrl");
  const remainingParameters = omit(parameters, omittedParameters);
  const isBinaryRequest = /application\/octet-stream/i.test(headers.accept);
  if (!isBinaryRequest) {
    if (options.mediaType.format) {
      headers.accept = headers.accept.split(/,/).map(
        (format) => format.replace(
          /application\/vnd(\.\w+)(\.v3)?(\.\w+)?(\+json)?$/,
          `application/vnd$1$2.${options.mediaType.format}`
        )
      ).join(",");
    }
    if (url.endsWith("/graphql")) {
      if (options.mediaType.previews?.length) {
        const previewsFromAcceptHeader = headers.accept.match(/(?<![\w-])[\w-]+(?=-preview)/g) || [];
        headers.accept = previewsFromAcceptHeader.concat(options.mediaType.previews).map((preview) => {
          const format = options.mediaType.format ? `.${options.mediaType.format}` : "+json";
          return `application/vnd.github.${preview}-preview${format}`;
        }).join(",");
      }
    }
  }
  if (["GET", "HEAD"].includes(method)) {
    url = addQueryParameters(url, remainingParameters);
  } else {
    if ("data" in remainingParameters) {
      body = remainingParameters.data;
    } else {
      if (Object.keys(remainingParameters).length) {
        body = remainingParameters;
      }
    }
  }
  if (!headers["content-type"] && typeof body !== "undefined") {
    headers["content-type"] = "application/json; charset=utf-8";
  }
  if (["PATCH", "PUT"].includes(method) && typeof body === "undefined") {
    body = "";
  }
  return Object.assign(
    { method, url, headers },
    typeof body !== "undefined" ? { body } : null,
    options.request ? { request: options.request } : null
  );
}

// pkg/dist-src/endpoint-with-defaults.js
function endpointWithDefaults(defaults, route, options) {
  return parse(merge(defaults, route, options));
}

// pkg/dist-src/with-defaults.js
function withDefaults(oldDefaults, newDefaults) {
  const DEFAULTS2 = merge(oldDefaults, newDefaults);
  const endpoint2 = endpointWithDefaults.bind(null, DEFAULTS2);
  return Object.assign(endpoint2, {
    DEFAULTS: DEFAULTS2,
    defaults: withDefaults.bind(null, DEFAULTS2),
    merge: merge.bind(null, DEFAULTS2),
    parse
  });
}

// pkg/dist-src/index.js
var endpoint = withDefaults(null, DEFAULTS);


;// CONCATENATED MODULE: ./node_modules/content-type/dist/index.js
/*!
 * content-type
 * Copyright(c) 2015 Douglas Christopher Wilson
 * MIT Licensed
 */
const SP = 32; // " "
const HTAB = 9; // "\t"
const SEMI = 59; // ";"
const EQ = 61; // "="
const DQUOTE = 34; // '"'
const BSLASH = 92; // "\\"
const COMMA = 44; // ","
const LOWER_CASE = 1;
const OWS = 2;
const SEMI_FLAG = 4;
const COMMA_FLAG = 8;
const TOKEN_FLAG = 16;
const NON_ASCII = 0xff00;
const CASE_FLAGS = LOWER_CASE | NON_ASCII;
/**
 * Character flags used to normalize HTTP field values while scanning.
 * Out-of-range reads intentionally coerce to zero in bitwise expressions.
 */
const CHAR_MAP = new Uint8Array(0x100);
CHAR_MAP[HTAB] |= OWS;
CHAR_MAP[SP] |= OWS;
CHAR_MAP[SEMI] |= SEMI_FLAG;
CHAR_MAP[COMMA] |= COMMA_FLAG;
for (let code = 0x80 /* non-ASCII */; code <= 0xff; code++) {
    CHAR_MAP[code] |= LOWER_CASE;
}
for (const char of "!#$%&'*+-.^_`|~") {
    CHAR_MAP[char.charCodeAt(0)] |= TOKEN_FLAG;
}
for (let code = 0x30 /* 0 */; code <= 0x39 /* 9 */; code++) {
    CHAR_MAP[code] |= TOKEN_FLAG;
}
for (let code = 0x41 /* A */; code <= 0x5a /* Z */; code++) {
    CHAR_MAP[code] |= LOWER_CASE | TOKEN_FLAG;
}
for (let code = 0x61 /* a */; code <= 0x7a /* z */; code++) {
    CHAR_MAP[code] |= TOKEN_FLAG;
}
/**
 * Null object perf optimization. Faster than `Object.create(null)` and `{ __proto__: null }`.
 */
const NullObject = /* @__PURE__ */ (() => {
    const C = function () { };
    C.prototype = Object.create(null);
    return C;
})();
/**
 * Validate a type string against RFC 9110.
 */
function isTypeValid(type, start = 0, end = type.length) {
    let hasSlash = false;
    for (let index = start; index < end; index++) {
        const code = type.charCodeAt(index);
        if (code === 47 /* / */) {
            if (hasSlash || index === start || index >= end - 1)
                return false;
            hasSlash = true;
        }
        else if (!isTokenCode(code)) {
            return false;
        }
    }
    return hasSlash;
}
/**
 * Validate a token against RFC 9110.
 */
function isTokenValid(token, start = 0, end = token.length) {
    if (start >= end)
        return false;
    for (let index = start; index < end; index++) {
        if (!isTokenCode(token.charCodeAt(index)))
            return false;
    }
    return true;
}
/**
 * Check whether a character code belongs to the token production in RFC 9110.
 */
function isTokenCode(code) {
    return (CHAR_MAP[code] & TOKEN_FLAG) !== 0;
}
/**
 * Serialize a parameter value.
 */
function parameterValue(str) {
    const len = str.length;
    if (len === 0)
        return '""';
    let index = 0;
    while (index < len && isTokenCode(str.charCodeAt(index)))
        index++;
    if (index === len)
        return str;
    let result = '"';
    let start = 0;
    while (index < len) {
        const code = str.charCodeAt(index);
        if (code !== HTAB && (code < SP || code === 127 || code > 255)) {
            throw new TypeError(`Invalid parameter value: ${str}`);
        }
        if (code === 34 /* " */ || code === 92 /* \\ */) {
            result += `${str.slice(start, index)}\\`;
            start = index;
        }
        index++;
    }
    return `${result}${str.slice(start)}"`;
}
/**
 * Format an object into a `Content-Type` header.
 */
function format(obj) {
    const { type, parameters } = obj;
    if (!type || !isTypeValid(type)) {
        throw new TypeError(`Invalid type: ${type}`);
    }
    let result = type;
    if (parameters) {
        for (const param of Object.keys(parameters)) {
            if (!isTokenValid(param)) {
                throw new TypeError(`Invalid parameter name: ${param}`);
            }
            result += `; ${param}=${parameterValue(parameters[param])}`;
        }
    }
    return result;
}
/**
 * Parse a `Content-Type` header.
 */
function dist_parse(header, options) {
    const stopFlags = SEMI_FLAG | (options?.comma === true ? COMMA_FLAG : 0);
    const len = header.length;
    let valueStart = options?.start ?? 0;
    while ((CHAR_MAP[header.charCodeAt(valueStart)] & OWS) !== 0) {
        valueStart++;
    }
    let index = valueStart;
    let typeFlags = 0;
    let whitespace = -1;
    let stop = options?.parameters === false ? COMMA_FLAG : 0;
    while (index < len) {
        const code = header.charCodeAt(index);
        const flags = CHAR_MAP[code];
        if ((flags & stopFlags) !== 0) {
            stop |= flags & COMMA_FLAG;
            break;
        }
        if ((flags & OWS) !== 0) {
            if (whitespace === -1)
                whitespace = index;
        }
        else {
            whitespace = -1;
        }
        typeFlags |= (code & NON_ASCII) | flags;
        index++;
    }
    const valueEnd = whitespace === -1 ? index : whitespace;
    const value = header.slice(valueStart, valueEnd);
    const type = (typeFlags & CASE_FLAGS) === 0 ? value : value.toLowerCase();
    if (index === len || stop !== 0) {
        return { type, index, parameters: new NullObject() };
    }
    return parseParameters(header, type, index, len, stopFlags);
}
/**
 * Parses the parameters of a `Content-Type` header starting at the given index.
 */
function parseParameters(header, type, index, len, stopFlags) {
    const parameters = new NullObject();
    parameter: while (index < len) {
        index++; // Skip over ;
        while ((CHAR_MAP[header.charCodeAt(index)] & OWS) !== 0) {
            index++;
        }
        const keyStart = index;
        let keyFlags = 0;
        let keyWhitespace = -1;
        while (index < len) {
            const code = header.charCodeAt(index);
            const flags = CHAR_MAP[code];
            if ((flags & stopFlags) !== 0) {
                if ((flags & COMMA_FLAG) !== 0)
                    break parameter;
                continue parameter;
            }
            if (code === EQ) {
                const keyEnd = keyWhitespace === -1 ? index : keyWhitespace;
                const value = header.slice(keyStart, keyEnd);
                const key = (keyFlags & CASE_FLAGS) === 0 ? value : value.toLowerCase();
                index++;
                while ((CHAR_MAP[header.charCodeAt(index)] & OWS) !== 0) {
                    index++;
                }
                if (index < len && header.charCodeAt(index) === DQUOTE) {
                    const quotedStart = ++index;
                    let escaped = false;
                    while (index < len) {
                        const code = header.charCodeAt(index);
                        if (code === DQUOTE) {
                            if (parameters[key] === undefined) {
                                parameters[key] = escaped
                                    ? unescapeQuotedPairs(header, quotedStart, index)
                                    : header.slice(quotedStart, index);
                            }
                            index++;
                            let stop = 0;
                            // Discard characters between quote and delimiter.
                            while (index < len) {
                                const code = header.charCodeAt(index);
                                const flags = CHAR_MAP[code];
                                if ((flags & stopFlags) !== 0) {
                                    stop = flags & COMMA_FLAG;
                                    break;
                                }
                                index++;
                            }
                            if (stop !== 0)
                                break parameter;
                            continue parameter;
                        }
                        if (code === BSLASH && index + 1 < len) {
                            escaped = true;
                            index += 2;
                            continue;
                        }
                        index++;
                    }
                    continue parameter;
                }
                const valueStart = index;
                let stop = 0;
                let valueWhitespace = -1;
                while (index < len) {
                    const code = header.charCodeAt(index);
                    const flags = CHAR_MAP[code];
                    if ((flags & stopFlags) !== 0) {
                        stop = flags & COMMA_FLAG;
                        break;
                    }
                    if ((flags & OWS) !== 0) {
                        if (valueWhitespace === -1)
                            valueWhitespace = index;
                    }
                    else {
                        valueWhitespace = -1;
                    }
                    index++;
                }
                if (parameters[key] === undefined) {
                    const valueEnd = valueWhitespace === -1 ? index : valueWhitespace;
                    parameters[key] = header.slice(valueStart, valueEnd);
                }
                if (stop !== 0)
                    break parameter;
                continue parameter;
            }
            if ((flags & OWS) !== 0) {
                if (keyWhitespace === -1)
                    keyWhitespace = index;
            }
            else {
                keyWhitespace = -1;
            }
            keyFlags |= (code & NON_ASCII) | flags;
            index++;
        }
    }
    return { type, index, parameters };
}
/**
 * Remove backslashes from quoted pairs in a known-terminated quoted string body.
 */
function unescapeQuotedPairs(str, start, end) {
    let result = "";
    for (let index = start; index < end; index++) {
        if (str.charCodeAt(index) === BSLASH) {
            result += str.slice(start, index);
            start = ++index;
        }
    }
    return result + str.slice(start, end);
}
;// CONCATENATED MODULE: ./node_modules/json-with-bigint/json-with-bigint.js
const intRegex = /^-?\d+$/;
const noiseValue = /^-?\d+n+$/; // Noise - strings that match the custom format before being converted to it
const originalStringify = JSON.stringify;
const originalParse = JSON.parse;
const customFormat = /^-?\d+n$/;

const bigIntsStringify = /([\[:])?"(-?\d+)n"($|\s*[,\}\]])/g;
const noiseStringify = /([\[:])?("-?\d+n+)n("$|"\s*[,\}\]])/g;

/**
 * @typedef {(this: any, key: string | number | undefined, value: any) => any} Replacer
 * @typedef {(key: string | number | undefined, value: any, context?: { source: string }) => any} Reviver
 */

/**
 * Checks if a value is unstringifiable according to native JSON.stringify rules.
 *
 * @param {any} val The value to check.
 * @returns {boolean} True if the value is undefined, a function, or a symbol.
 */
const isUnstringifiable = (val) =>
  val === undefined || typeof val === "function" || typeof val === "symbol";

/**
 * Checks if a value is a native JSON.rawJSON object (Node.js 22+).
 *
 * @param {any} val The value to check.
 * @returns {boolean} True if the value is a RawJSON instance.
 */
const isRawJSON = (val) =>
  val !== null &&
  typeof val === "object" &&
  val.constructor &&
  val.constructor.name === "RawJSON";

/**
 * Iteratively converts a JS value to a JSON string.
 * Used as a fallback when the native JSON.stringify hits the Maximum Call Stack size.
 * Fully compliant with JSON formatting (space), replacers, and toJSON behaviors.
 *
 * @param {any} rootValue The value to stringify.
 * @param {Replacer | Array<string | number> | null} [replacer] User's custom replacer function.
 * @param {string | number} [spaceParam] Indentation for pretty-printing.
 * @returns {string | undefined} The generated JSON string.
 */
const stringifyIteratively = (rootValue, replacer, spaceParam) => {
  let space = "";

  if (typeof spaceParam === "number") {
    space = " ".repeat(Math.min(10, Math.max(0, Math.floor(spaceParam))));
  } else if (typeof spaceParam === "string") {
    space = spaceParam.slice(0, 10);
  }

  const isFunctionReplacer = typeof replacer === "function";
  const propertyList = Array.isArray(replacer)
    ? new Set(replacer.map(String))
    : null;

  /**
   * Prepares a value for stringification by resolving toJSON, handling BigInts,
   * applying custom replacers, and unwrapping primitive objects.
   *
   * @param {object|Array} parent The parent object or array holding the value.
   * @param {string} key The key associated with the value.
   * @param {any} val The raw value to process.
   * @returns {any} The processed value ready for stringification.
   */
  const prepareVal = (parent, key, val) => {
    const isObject = val !== null && typeof val === "object";
    const hasToJSON = isObject && typeof val.toJSON === "function";

    if (hasToJSON) {
      val = val.toJSON(key);
    }

    const isNoise = typeof val === "string" && noiseValue.test(val);

    if (isNoise) return val + "n";

    const isBigInt = typeof val === "bigint";

    if (isBigInt) {
      const supportsRawJSON = "rawJSON" in JSON;

      if (supportsRawJSON) return JSON.rawJSON(val.toString());

      return val.toString() + "n";
    }

    if (isFunctionReplacer) {
      val = replacer.call(parent, key, val);
    }

    const isPostReplacerObject = val !== null && typeof val === "object";

    if (isPostReplacerObject) {
      const isPrimitiveWrapper =
        val instanceof Number ||
        val instanceof String ||
        val instanceof Boolean;

      if (isPrimitiveWrapper) {
        val = val.valueOf();
      }
    }

    return val;
  };

  const rootProcessed = prepareVal({ "": rootValue }, "", rootValue);

  if (isUnstringifiable(rootProcessed)) {
    return undefined;
  }

  const isRootPrimitive =
    rootProcessed === null || typeof rootProcessed !== "object";
  const isRootNativeRawJSON = isRawJSON(rootProcessed);

  if (isRootPrimitive || isRootNativeRawJSON) {
    return originalStringify(rootProcessed);
  }

  const chunks = [];
  let level = 0;

  const stack = [
    {
      parent: { "": rootProcessed },
      key: "",
      val: rootProcessed,
      isArray: Array.isArray(rootProcessed),
      keys: Array.isArray(rootProcessed) ? null : Object.keys(rootProcessed),
      index: 0,
      first: true,
    },
  ];

  const visited = new WeakSet([rootProcessed]);

  while (stack.length > 0) {
    const node = stack[stack.length - 1];

    if (node.index === 0) {
      chunks.push(node.isArray ? "[" : "{");
      level++;
    }

    let isDone = false;

    if (node.isArray) {
      if (node.index < node.val.length) {
        if (!node.first) chunks.push(",");

        if (space) chunks.push("\n" + space.repeat(level));

        const childRaw = node.val[node.index];
        const childVal = prepareVal(node.val, String(node.index), childRaw);

        if (isUnstringifiable(childVal)) {
          chunks.push("null");
          node.first = false;
          node.index++;
        } else {
          const isComplexObject =
            childVal !== null && typeof childVal === "object";
          const isNativeRaw = isRawJSON(childVal);

          if (isComplexObject && !isNativeRaw) {
            if (visited.has(childVal)) {
              throw new TypeError("Converting circular structure to JSON");
            }

            visited.add(childVal);

            stack.push({
              parent: node.val,
              key: String(node.index),
              val: childVal,
              isArray: Array.isArray(childVal),
              keys: Array.isArray(childVal) ? null : Object.keys(childVal),
              index: 0,
              first: true,
            });

            node.first = false;
            node.index++;
          } else {
            chunks.push(originalStringify(childVal));
            node.first = false;
            node.index++;
          }
        }
      } else {
        isDone = true;
      }
    } else {
      while (node.index < node.keys.length) {
        const k = node.keys[node.index++];

        const isFilteredOutByArray = propertyList && !propertyList.has(k);

        if (isFilteredOutByArray) continue;

        const childRaw = node.val[k];
        const childVal = prepareVal(node.val, k, childRaw);

        if (isUnstringifiable(childVal)) continue;

        if (!node.first) chunks.push(",");

        if (space) {
          chunks.push("\n" + space.repeat(level) + originalStringify(k) + ": ");
        } else {
          chunks.push(originalStringify(k) + ":");
        }

        const isComplexObject =
          childVal !== null && typeof childVal === "object";
        const isNativeRaw = isRawJSON(childVal);

        if (isComplexObject && !isNativeRaw) {
          if (visited.has(childVal)) {
            throw new TypeError("Converting circular structure to JSON");
          }

          visited.add(childVal);

          stack.push({
            parent: node.val,
            key: k,
            val: childVal,
            isArray: Array.isArray(childVal),
            keys: Array.isArray(childVal) ? null : Object.keys(childVal),
            index: 0,
            first: true,
          });

          node.first = false;

          break; // Stop current loop level to process the newly pushed stack node
        } else {
          chunks.push(originalStringify(childVal));
          node.first = false;
        }
      }

      const isNodeFullyProcessed =
        node.index >= node.keys.length && stack[stack.length - 1] === node;

      if (isNodeFullyProcessed) {
        isDone = true;
      }
    }

    if (isDone) {
      level--;

      if (!node.first && space) chunks.push("\n" + space.repeat(level));

      chunks.push(node.isArray ? "]" : "}");
      visited.delete(node.val);
      stack.pop();
    }
  }

  return chunks.join("");
};

/**
 * Converts a JavaScript value to a JSON string.
 *
 * Supports serialization of BigInt values using two strategies:
 * 1. Custom format "123n" → "123" (universal fallback)
 * 2. Native JSON.rawJSON() (Node.js 22+, fastest) when available
 *
 * All other values are serialized exactly like native JSON.stringify().
 *
 * @param {*} value The value to convert to a JSON string.
 * @param {Replacer | Array<string | number> | null} [replacer]
 * A function that alters the behavior of the stringification process,
 * or an array of strings/numbers to indicate properties to exclude.
 * @param {string | number} [space]
 * A string or number to specify indentation or pretty-printing.
 * @returns {string} The JSON string representation.
 */
const JSONStringify = (value, replacer, space) => {
  try {
    const supportsRawJSON = "rawJSON" in JSON;

    if (supportsRawJSON) {
      return originalStringify(
        value,
        (key, val) => {
          if (typeof val === "bigint") return JSON.rawJSON(val.toString());

          const hasFunctionReplacer = typeof replacer === "function";

          if (hasFunctionReplacer) return replacer(key, val);

          const isKeyInArrayReplacer =
            Array.isArray(replacer) && replacer.includes(key);

          if (isKeyInArrayReplacer) return val;

          return val;
        },
        space,
      );
    }

    if (!value) return originalStringify(value, replacer, space);

    const convertedToCustomJSON = originalStringify(
      value,
      (key, val) => {
        const isNoise = typeof val === "string" && noiseValue.test(val);

        if (isNoise) return val.toString() + "n"; // Mark noise values with additional "n" to offset the deletion of one "n" during the processing

        if (typeof val === "bigint") return val.toString() + "n";

        const hasFunctionReplacer = typeof replacer === "function";

        if (hasFunctionReplacer) return replacer(key, val);

        const isKeyInArrayReplacer =
          Array.isArray(replacer) && replacer.includes(key);

        if (isKeyInArrayReplacer) return val;

        return val;
      },
      space,
    );

    const processedJSON = convertedToCustomJSON.replace(
      bigIntsStringify,
      "$1$2$3",
    ); // Delete one "n" off the end of every BigInt value

    const denoisedJSON = processedJSON.replace(noiseStringify, "$1$2$3"); // Remove one "n" off the end of every noisy string

    return denoisedJSON;
  } catch (error) {
    if (error instanceof RangeError) {
      const convertedJSON = stringifyIteratively(value, replacer, space);

      if (convertedJSON === undefined) return undefined;

      const supportsRawJSON = "rawJSON" in JSON;

      if (supportsRawJSON) return convertedJSON;

      const processedJSON = convertedJSON.replace(bigIntsStringify, "$1$2$3");

      return processedJSON.replace(noiseStringify, "$1$2$3");
    }

    throw error;
  }
};

const featureCache = new Map();

/**
 * Detects if the current JSON.parse implementation supports the context.source feature.
 *
 * Uses toString() fingerprinting to cache results and automatically detect runtime
 * replacements of JSON.parse (polyfills, mocks, etc.).
 *
 * @returns {boolean} true if context.source is supported, false otherwise.
 */
const isContextSourceSupported = () => {
  const parseFingerprint = JSON.parse.toString();

  if (featureCache.has(parseFingerprint)) {
    return featureCache.get(parseFingerprint);
  }

  try {
    const result = JSON.parse(
      "1",
      (_, __, context) => !!context?.source && context.source === "1",
    );
    featureCache.set(parseFingerprint, result);

    return result;
  } catch {
    featureCache.set(parseFingerprint, false);

    return false;
  }
};

/**
 * Reviver function that converts custom-format BigInt strings back to BigInt values.
 * Also handles "noise" strings that accidentally match the BigInt format.
 *
 * @param {string | number | undefined} key The object key.
 * @param {*} value The value being parsed.
 * @param {object} [context] Parse context (if supported by JSON.parse).
 * @param {Reviver} [userReviver] User's custom reviver function.
 * @returns {any} The transformed value.
 */
const convertMarkedBigIntsReviver = (key, value, context, userReviver) => {
  const isCustomFormatBigInt =
    typeof value === "string" && customFormat.test(value);

  if (isCustomFormatBigInt) return BigInt(value.slice(0, -1));

  const isNoiseValue = typeof value === "string" && noiseValue.test(value);
  if (isNoiseValue) return value.slice(0, -1);

  const hasUserReviver = typeof userReviver === "function";

  if (!hasUserReviver) return value;

  return userReviver(key, value, context);
};

/**
 * Fast JSON.parse implementation (~2x faster than classic fallback).
 * Uses JSON.parse's context.source feature to detect integers and convert
 * large numbers directly to BigInt without string manipulation.
 *
 * Does not support legacy custom format from v1 of this library.
 *
 * @param {string} text JSON string to parse.
 * @param {Reviver} [reviver] Transform function to apply to each value.
 * @returns {any} Parsed JavaScript value.
 */
const JSONParseV2 = (text, reviver) => {
  return JSON.parse(text, (key, value, context) => {
    const isNumber = typeof value === "number";
    const isOutOfBounds =
      value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER;
    const isBigNumber = isNumber && isOutOfBounds;
    const isInt = context && intRegex.test(context.source);
    const isBigInt = isBigNumber && isInt;

    if (isBigInt) return BigInt(context.source);

    const hasCustomReviver = typeof reviver === "function";

    if (!hasCustomReviver) return value;

    return reviver(key, value, context);
  });
};

const MAX_INT = Number.MAX_SAFE_INTEGER.toString();
const MAX_DIGITS = MAX_INT.length;
const stringsOrLargeNumbers =
  /"(?:[^"\\]|\\.)*"|-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/g;
const noiseValueWithQuotes = /^"-?\d+n+"$/; // Noise - strings that match the custom format before being converted to it

/**
 * Iteratively traverses the parsed object bottom-up (post-order),
 * emulating the native JSON.parse reviver behavior.
 * This avoids Call Stack overflows (RangeError) on deeply nested structures.
 *
 * @param {any} parsed The natively parsed JSON object.
 * @param {Reviver} [userReviver] User's custom reviver function.
 * @returns {any} The fully processed object.
 */
const applyReviverIteratively = (parsed, userReviver) => {
  const rootHolder = { "": parsed };
  const stack = [{ parent: rootHolder, key: "", visited: false }];

  while (stack.length > 0) {
    const node = stack[stack.length - 1];

    if (!node.visited) {
      node.visited = true;

      const value = node.parent[node.key];
      const isComplexObject = value !== null && typeof value === "object";

      if (isComplexObject) {
        const keys = Object.keys(value);

        for (let i = keys.length - 1; i >= 0; i--) {
          stack.push({ parent: value, key: keys[i], visited: false });
        }
      }
    } else {
      const { parent, key } = node;
      let value = parent[key];

      if (typeof value === "string") {
        const isCustomFormatBigInt = customFormat.test(value);

        if (isCustomFormatBigInt) {
          value = BigInt(value.slice(0, -1));
        } else {
          const isNoise = noiseValue.test(value);

          if (isNoise) value = value.slice(0, -1);
        }
      }

      const hasUserReviver = typeof userReviver === "function";

      if (hasUserReviver) {
        value = userReviver.call(parent, key, value);
      }

      const isDeleted = value === undefined;

      if (isDeleted) {
        delete parent[key];
      } else {
        parent[key] = value;
      }

      stack.pop();
    }
  }

  return rootHolder[""];
};

/**
 * Pre-processes the JSON string to mark large numbers with an 'n' suffix.
 *
 * @param {string} text The raw JSON string.
 * @returns {string} The serialized string with marked BigInts.
 */
const serializeBigInts = (text) => {
  return text.replace(
    stringsOrLargeNumbers,
    (match, digits, fractional, exponential) => {
      const isString = match[0] === '"';
      const isNoise = isString && noiseValueWithQuotes.test(match);

      if (isNoise) return match.substring(0, match.length - 1) + 'n"'; // Mark noise values with additional "n" to offset the deletion of one "n" during the processing

      const hasFractionalOrExponential = fractional || exponential;

      // With a fixed number of digits, we can correctly use lexicographical comparison to do a numeric comparison
      const isLessThanMaxSafeInt =
        digits &&
        (digits.length < MAX_DIGITS ||
          (digits.length === MAX_DIGITS && digits <= MAX_INT));

      const isStandardValue =
        isString || hasFractionalOrExponential || isLessThanMaxSafeInt;

      if (isStandardValue) return match;

      return '"' + match + 'n"';
    },
  );
};

/**
 * Converts a JSON string into a JavaScript value.
 *
 * Supports parsing of large integers using two strategies:
 * 1. Classic fallback: Marks large numbers with "123n" format, then converts to BigInt
 * 2. Fast path (JSONParseV2): Uses context.source feature (~2x faster) when available
 *
 * All other JSON values are parsed exactly like native JSON.parse().
 *
 * @param {string} text A valid JSON string.
 * @param {Reviver} [reviver]
 * A function that transforms the results. This function is called for each member
 * of the object. If a member contains nested objects, the nested objects are
 * transformed before the parent object is.
 * @returns {any} The parsed JavaScript value.
 * @throws {SyntaxError} If text is not valid JSON.
 */
const JSONParse = (text, reviver) => {
  if (!text) return originalParse(text, reviver);

  try {
    if (isContextSourceSupported()) return JSONParseV2(text, reviver); // Shortcut to a faster (2x) and simpler version

    // Find and mark big numbers with "n"
    const serializedData = serializeBigInts(text);

    return originalParse(serializedData, (key, value, context) =>
      convertMarkedBigIntsReviver(key, value, context, reviver),
    );
  } catch (error) {
    if (error instanceof RangeError) {
      const serializedData = serializeBigInts(text);
      const parsed = originalParse(serializedData);

      return applyReviverIteratively(parsed, reviver);
    }

    throw error;
  }
};



;// CONCATENATED MODULE: ./node_modules/@octokit/request-error/dist-src/index.js
class RequestError extends Error {
  name;
  /**
   * http status code
   */
  status;
  /**
   * Request options that lead to the error.
   */
  request;
  /**
   * Response object if a response was received
   */
  response;
  constructor(message, statusCode, options) {
    super(message, { cause: options.cause });
    this.name = "HttpError";
    this.status = Number.parseInt(statusCode);
    if (Number.isNaN(this.status)) {
      this.status = 0;
    }
    /* v8 ignore else -- @preserve -- Bug with vitest coverage where it sees an else branch that doesn't exist */
    if ("response" in options) {
      this.response = options.response;
    }
    const requestCopy = Object.assign({}, options.request);
    if (options.request.headers.authorization) {
      requestCopy.headers = Object.assign({}, options.request.headers, {
        authorization: options.request.headers.authorization.replace(
          /(?<! ) .*$/,
          " [REDACTED]"
        )
      });
    }
    requestCopy.url = requestCopy.url.replace(/\bclient_secret=\w+/g, "client_secret=[REDACTED]").replace(/\baccess_token=\w+/g, "access_token=[REDACTED]");
    this.request = requestCopy;
  }
}


;// CONCATENATED MODULE: ./node_modules/@octokit/request/dist-bundle/index.js
// pkg/dist-src/index.js


// pkg/dist-src/defaults.js


// pkg/dist-src/version.js
var dist_bundle_VERSION = "10.0.16";

// pkg/dist-src/defaults.js
var defaults_default = {
  headers: {
    "user-agent": `octokit-request.js/${dist_bundle_VERSION} ${getUserAgent()}`
  }
};

// pkg/dist-src/fetch-wrapper.js



// pkg/dist-src/is-plain-object.js
function dist_bundle_isPlainObject(value) {
  if (typeof value !== "object" || value === null) return false;
  if (Object.prototype.toString.call(value) !== "[object Object]") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return true;
  const Ctor = Object.prototype.hasOwnProperty.call(proto, "constructor") && proto.constructor;
  return typeof Ctor === "function" && Ctor instanceof Ctor && Function.prototype.call(Ctor) === Function.prototype.call(value);
}

// pkg/dist-src/fetch-wrapper.js

var noop = () => "";
async function fetchWrapper(requestOptions) {
  const fetch = requestOptions.request?.fetch || globalThis.fetch;
  if (!fetch) {
    throw new Error(
      "fetch is not set. Please pass a fetch implementation as new Octokit({ request: { fetch }}). Learn more at https://github.com/octokit/octokit.js/#fetch-missing"
    );
  }
  const log = requestOptions.request?.log || console;
  const parseSuccessResponseBody = requestOptions.request?.parseSuccessResponseBody !== false;
  const body = dist_bundle_isPlainObject(requestOptions.body) || Array.isArray(requestOptions.body) ? JSONStringify(requestOptions.body) : requestOptions.body;
  const requestHeaders = Object.fromEntries(
    Object.entries(requestOptions.headers).map(([name, value]) => [
      name,
      String(value)
    ])
  );
  let fetchResponse;
  try {
    fetchResponse = await fetch(requestOptions.url, {
      method: requestOptions.method,
      body,
      redirect: requestOptions.request?.redirect,
      headers: requestHeaders,
      signal: requestOptions.request?.signal,
      // duplex must be set if request.body is ReadableStream or Async Iterables.
      // See https://fetch.spec.whatwg.org/#dom-requestinit-duplex.
      ...requestOptions.body && { duplex: "half" }
    });
  } catch (error) {
    let message = "Unknown Error";
    if (error instanceof Error) {
      if (error.name === "AbortError") {
        error.status = 500;
        throw error;
      }
      message = error.message;
      if (error.name === "TypeError" && "cause" in error) {
        if (error.cause instanceof Error) {
          message = error.cause.message;
        } else if (typeof error.cause === "string") {
          message = error.cause;
        }
      }
    }
    const requestError = new RequestError(message, 500, {
      request: requestOptions
    });
    requestError.cause = error;
    throw requestError;
  }
  const status = fetchResponse.status;
  const url = fetchResponse.url;
  const responseHeaders = {};
  for (const [key, value] of fetchResponse.headers) {
    responseHeaders[key] = value;
  }
  const octokitResponse = {
    url,
    status,
    headers: responseHeaders,
    data: ""
  };
  if ("deprecation" in responseHeaders) {
    const matches = responseHeaders.link && responseHeaders.link.match(/<([^<>]+)>; rel="deprecation"/);
    const deprecationLink = matches && matches.pop();
    log.warn(
      `[@octokit/request] "${requestOptions.method} ${requestOptions.url}" is deprecated. It is scheduled to be removed on ${responseHeaders.sunset}${deprecationLink ? `. See ${deprecationLink}` : ""}`
    );
  }
  if (status === 204 || status === 205) {
    return octokitResponse;
  }
  if (requestOptions.method === "HEAD") {
    if (status < 400) {
      return octokitResponse;
    }
    throw new RequestError(fetchResponse.statusText, status, {
      response: octokitResponse,
      request: requestOptions
    });
  }
  if (status === 304) {
    octokitResponse.data = await getResponseData(fetchResponse);
    throw new RequestError("Not modified", status, {
      response: octokitResponse,
      request: requestOptions
    });
  }
  if (status >= 400) {
    octokitResponse.data = await getResponseData(fetchResponse);
    throw new RequestError(toErrorMessage(octokitResponse.data), status, {
      response: octokitResponse,
      request: requestOptions
    });
  }
  octokitResponse.data = parseSuccessResponseBody ? await getResponseData(fetchResponse) : fetchResponse.body;
  return octokitResponse;
}
async function getResponseData(response) {
  const contentType = response.headers.get("content-type");
  if (!contentType) {
    return response.text().catch(noop);
  }
  const mimetype = dist_parse(contentType);
  if (isJSONResponse(mimetype)) {
    let text = "";
    try {
      text = await response.text();
      return JSONParse(text);
    } catch (err) {
      return text;
    }
  } else if (mimetype.type.startsWith("text/") || // `application/octet-stream` is the canonical "arbitrary binary" type
  // (RFC 2046) and must never be decoded as text, even when the response
  // carries a (misleading) `charset=utf-8` parameter — see #751.
  mimetype.parameters.charset?.toLowerCase() === "utf-8" && mimetype.type !== "application/octet-stream") {
    return response.text().catch(noop);
  } else {
    return response.arrayBuffer().catch(
      /* v8 ignore next -- @preserve */
      () => new ArrayBuffer(0)
    );
  }
}
function isJSONResponse(mimetype) {
  return mimetype.type === "application/json" || mimetype.type === "application/scim+json";
}
function toErrorMessage(data) {
  if (typeof data === "string") {
    return data;
  }
  if (data instanceof ArrayBuffer) {
    return "Unknown error";
  }
  if (typeof data === "object" && data !== null && "message" in data) {
    const objectData = data;
    const suffix = "documentation_url" in objectData ? ` - ${objectData.documentation_url}` : "";
    return Array.isArray(objectData.errors) ? `${objectData.message}: ${objectData.errors.map((v) => JSON.stringify(v)).join(", ")}${suffix}` : `${objectData.message}${suffix}`;
  }
  return `Unknown error: ${JSON.stringify(data)}`;
}

// pkg/dist-src/with-defaults.js
function dist_bundle_withDefaults(oldEndpoint, newDefaults) {
  const endpoint2 = oldEndpoint.defaults(newDefaults);
  const newApi = function(route, parameters) {
    const endpointOptions = endpoint2.merge(route, parameters);
    if (!endpointOptions.request || !endpointOptions.request.hook) {
      return fetchWrapper(endpoint2.parse(endpointOptions));
    }
    const request2 = (route2, parameters2) => {
      return fetchWrapper(
        endpoint2.parse(endpoint2.merge(route2, parameters2))
      );
    };
    Object.assign(request2, {
      endpoint: endpoint2,
      defaults: dist_bundle_withDefaults.bind(null, endpoint2)
    });
    return endpointOptions.request.hook(request2, endpointOptions);
  };
  return Object.assign(newApi, {
    endpoint: endpoint2,
    defaults: dist_bundle_withDefaults.bind(null, endpoint2)
  });
}

// pkg/dist-src/index.js
var dist_bundle_request = dist_bundle_withDefaults(endpoint, defaults_default);

/* v8 ignore next -- @preserve */
/* v8 ignore else -- @preserve */

;// CONCATENATED MODULE: ./node_modules/@octokit/graphql/dist-bundle/index.js
// pkg/dist-src/index.js



// pkg/dist-src/version.js
var graphql_dist_bundle_VERSION = "0.0.0-development";

// pkg/dist-src/with-defaults.js


// pkg/dist-src/graphql.js


// pkg/dist-src/error.js
function _buildMessageForResponseErrors(data) {
  return `Request failed due to following response errors:
` + data.errors.map((e) => ` - ${e.message}`).join("\n");
}
var GraphqlResponseError = class extends Error {
  constructor(request2, headers, response) {
    super(_buildMessageForResponseErrors(response));
    this.request = request2;
    this.headers = headers;
    this.response = response;
    this.errors = response.errors;
    this.data = response.data;
    if (Error.captureStackTrace) {
      Error.captureStackTrace(this, this.constructor);
    }
  }
  request;
  headers;
  response;
  name = "GraphqlResponseError";
  errors;
  data;
};

// pkg/dist-src/graphql.js
var NON_VARIABLE_OPTIONS = [
  "method",
  "baseUrl",
  "url",
  "headers",
  "request",
  "query",
  "mediaType",
  "operationName"
];
var FORBIDDEN_VARIABLE_OPTIONS = ["query", "method", "url"];
var GHES_V3_SUFFIX_REGEX = /\/api\/v3\/?$/;
function graphql(request2, query, options) {
  if (options) {
    if (typeof query === "string" && "query" in options) {
      return Promise.reject(
        new Error(`[@octokit/graphql] "query" cannot be used as variable name`)
      );
    }
    for (const key in options) {
      if (!FORBIDDEN_VARIABLE_OPTIONS.includes(key)) continue;
      return Promise.reject(
        new Error(
          `[@octokit/graphql] "${key}" cannot be used as variable name`
        )
      );
    }
  }
  const parsedOptions = typeof query === "string" ? Object.assign({ query }, options) : query;
  const requestOptions = Object.keys(
    parsedOptions
  ).reduce((result, key) => {
    if (NON_VARIABLE_OPTIONS.includes(key)) {
      result[key] = parsedOptions[key];
      return result;
    }
    if (!result.variables) {
      result.variables = {};
    }
    result.variables[key] = parsedOptions[key];
    return result;
  }, {});
  const baseUrl = parsedOptions.baseUrl || request2.endpoint.DEFAULTS.baseUrl;
  if (GHES_V3_SUFFIX_REGEX.test(baseUrl)) {
    requestOptions.url = baseUrl.replace(GHES_V3_SUFFIX_REGEX, "/api/graphql");
  }
  return request2(requestOptions).then((response) => {
    if (response.data.errors) {
      const headers = {};
      for (const key of Object.keys(response.headers)) {
        headers[key] = response.headers[key];
      }
      throw new GraphqlResponseError(
        requestOptions,
        headers,
        response.data
      );
    }
    return response.data.data;
  });
}

// pkg/dist-src/with-defaults.js
function graphql_dist_bundle_withDefaults(request2, newDefaults) {
  const newRequest = request2.defaults(newDefaults);
  const newApi = (query, options) => {
    return graphql(newRequest, query, options);
  };
  return Object.assign(newApi, {
    defaults: graphql_dist_bundle_withDefaults.bind(null, newRequest),
    endpoint: newRequest.endpoint
  });
}

// pkg/dist-src/index.js
var graphql2 = graphql_dist_bundle_withDefaults(dist_bundle_request, {
  headers: {
    "user-agent": `octokit-graphql.js/${graphql_dist_bundle_VERSION} ${getUserAgent()}`
  },
  method: "POST",
  url: "/graphql"
});
function withCustomRequest(customRequest) {
  return graphql_dist_bundle_withDefaults(customRequest, {
    method: "POST",
    url: "/graphql"
  });
}

/* v8 ignore if -- @preserve */

;// CONCATENATED MODULE: ./node_modules/@octokit/auth-token/dist-bundle/index.js
// pkg/dist-src/is-jwt.js
var b64url = "(?:[a-zA-Z0-9_-]+)";
var sep = "\\.";
var jwtRE = new RegExp(`^${b64url}${sep}${b64url}${sep}${b64url}$`);
var isJWT = jwtRE.test.bind(jwtRE);

// pkg/dist-src/auth.js
async function auth(token) {
  const isApp = isJWT(token);
  const isInstallation = token.startsWith("v1.") || token.startsWith("ghs_");
  const isUserToServer = token.startsWith("ghu_");
  const tokenType = isApp ? "app" : isInstallation ? "installation" : isUserToServer ? "user-to-server" : "oauth";
  return {
    type: "token",
    token,
    tokenType
  };
}

// pkg/dist-src/with-authorization-prefix.js
function withAuthorizationPrefix(token) {
  if (token.split(/\./).length === 3) {
    return `bearer ${token}`;
  }
  return `token ${token}`;
}

// pkg/dist-src/hook.js
async function hook(token, request, route, parameters) {
  const endpoint = request.endpoint.merge(
    route,
    parameters
  );
  endpoint.headers.authorization = withAuthorizationPrefix(token);
  return request(endpoint);
}

// pkg/dist-src/index.js
var createTokenAuth = function createTokenAuth2(token) {
  if (!token) {
    throw new Error("[@octokit/auth-token] No token passed to createTokenAuth");
  }
  if (typeof token !== "string") {
    throw new Error(
      "[@octokit/auth-token] Token passed to createTokenAuth is not a string"
    );
  }
  token = token.replace(/^(token|bearer) +/i, "");
  return Object.assign(auth.bind(null, token), {
    hook: hook.bind(null, token)
  });
};


;// CONCATENATED MODULE: ./node_modules/@octokit/core/dist-src/version.js
const version_VERSION = "7.0.8";


;// CONCATENATED MODULE: ./node_modules/@octokit/core/dist-src/index.js






const dist_src_noop = () => {
};
const consoleWarn = console.warn.bind(console);
const consoleError = console.error.bind(console);
function createLogger(logger = {}) {
  if (typeof logger.debug !== "function") {
    logger.debug = dist_src_noop;
  }
  if (typeof logger.info !== "function") {
    logger.info = dist_src_noop;
  }
  if (typeof logger.warn !== "function") {
    logger.warn = consoleWarn;
  }
  if (typeof logger.error !== "function") {
    logger.error = consoleError;
  }
  return logger;
}
const userAgentTrail = `octokit-core.js/${version_VERSION} ${getUserAgent()}`;
class Octokit {
  static VERSION = version_VERSION;
  static defaults(defaults) {
    const OctokitWithDefaults = class extends this {
      constructor(...args) {
        const options = args[0] || {};
        if (typeof defaults === "function") {
          super(defaults(options));
          return;
        }
        super(
          Object.assign(
            {},
            defaults,
            options,
            options.userAgent && defaults.userAgent ? {
              userAgent: `${options.userAgent} ${defaults.userAgent}`
            } : null
          )
        );
      }
    };
    return OctokitWithDefaults;
  }
  static plugins = [];
  /**
   * Attach a plugin (or many) to your Octokit instance.
   *
   * @example
   * const API = Octokit.plugin(plugin1, plugin2, plugin3, ...)
   */
  static plugin(...newPlugins) {
    const currentPlugins = this.plugins;
    const NewOctokit = class extends this {
      static plugins = currentPlugins.concat(
        newPlugins.filter((plugin) => !currentPlugins.includes(plugin))
      );
    };
    return NewOctokit;
  }
  constructor(options = {}) {
    const hook = new before_after_hook.Collection();
    const requestDefaults = {
      baseUrl: dist_bundle_request.endpoint.DEFAULTS.baseUrl,
      headers: {},
      request: Object.assign({}, options.request, {
        // @ts-ignore internal usage only, no need to type
        hook: hook.bind(null, "request")
      }),
      mediaType: {
        previews: [],
        format: ""
      }
    };
    requestDefaults.headers["user-agent"] = options.userAgent ? `${options.userAgent} ${userAgentTrail}` : userAgentTrail;
    if (options.baseUrl) {
      requestDefaults.baseUrl = options.baseUrl;
    }
    if (options.previews) {
      requestDefaults.mediaType.previews = options.previews;
    }
    if (options.timeZone) {
      requestDefaults.headers["time-zone"] = options.timeZone;
    }
    this.request = dist_bundle_request.defaults(requestDefaults);
    this.graphql = withCustomRequest(this.request).defaults(requestDefaults);
    this.log = createLogger(options.log);
    this.hook = hook;
    if (!options.authStrategy) {
      if (!options.auth) {
        this.auth = async () => ({
          type: "unauthenticated"
        });
      } else {
        const auth = createTokenAuth(options.auth);
        hook.wrap("request", auth.hook);
        this.auth = auth;
      }
    } else {
      const { authStrategy, ...otherOptions } = options;
      const auth = authStrategy(
        Object.assign(
          {
            request: this.request,
            log: this.log,
            // we pass the current octokit instance as well as its constructor options
            // to allow for authentication strategies that return a new octokit instance
            // that shares the same internal state as the current one. The original
            // requirement for this was the "event-octokit" authentication strategy
            // of https://github.com/probot/octokit-auth-probot.
            octokit: this,
            octokitOptions: otherOptions
          },
          options.auth
        )
      );
      hook.wrap("request", auth.hook);
      this.auth = auth;
    }
    const classConstructor = this.constructor;
    for (let i = 0; i < classConstructor.plugins.length; ++i) {
      Object.assign(this, classConstructor.plugins[i](this, options));
    }
  }
  // assigned during constructor
  request;
  graphql;
  log;
  hook;
  // TODO: type `octokit.auth` based on passed options.authStrategy
  auth;
}


;// CONCATENATED MODULE: ./node_modules/@octokit/oauth-methods/dist-bundle/index.js
// pkg/dist-src/version.js
var oauth_methods_dist_bundle_VERSION = "0.0.0-development";

// pkg/dist-src/get-web-flow-authorization-url.js



// pkg/dist-src/utils.js

function requestToOAuthBaseUrl(request) {
  const endpointDefaults = request.endpoint.DEFAULTS;
  if (/^https:\/\/(api\.)?github\.com$/.test(endpointDefaults.baseUrl)) {
    return "https://github.com";
  }
  if (/^https:\/\/api\..*\.ghe\.com$/.test(endpointDefaults.baseUrl)) {
    return endpointDefaults.baseUrl.replace("api.", "");
  }
  return endpointDefaults.baseUrl.replace("/api/v3", "");
}
async function oauthRequest(request, route, parameters) {
  const withOAuthParameters = {
    baseUrl: requestToOAuthBaseUrl(request),
    headers: {
      accept: "application/json"
    },
    ...parameters
  };
  const response = await request(route, withOAuthParameters);
  if ("error" in response.data) {
    const error = new RequestError(
      `${response.data.error_description} (${response.data.error}, ${response.data.error_uri})`,
      400,
      {
        request: request.endpoint.merge(
          route,
          withOAuthParameters
        )
      }
    );
    error.response = response;
    throw error;
  }
  return response;
}

// pkg/dist-src/get-web-flow-authorization-url.js
function getWebFlowAuthorizationUrl({
  request = defaultRequest,
  ...options
}) {
  const baseUrl = requestToOAuthBaseUrl(request);
  return oauthAuthorizationUrl({
    ...options,
    baseUrl
  });
}

// pkg/dist-src/exchange-web-flow-code.js

async function exchangeWebFlowCode(options) {
  const request = options.request || dist_bundle_request;
  const response = await oauthRequest(
    request,
    "POST /login/oauth/access_token",
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      code: options.code,
      redirect_uri: options.redirectUrl
    }
  );
  const authentication = {
    clientType: options.clientType,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    token: response.data.access_token,
    scopes: response.data.scope.split(/\s+/).filter(Boolean)
  };
  if (options.clientType === "github-app") {
    if ("refresh_token" in response.data) {
      const apiTimeInMs = new Date(response.headers.date).getTime();
      authentication.refreshToken = response.data.refresh_token, authentication.expiresAt = toTimestamp(
        apiTimeInMs,
        response.data.expires_in
      ), authentication.refreshTokenExpiresAt = toTimestamp(
        apiTimeInMs,
        response.data.refresh_token_expires_in
      );
    }
    delete authentication.scopes;
  }
  return { ...response, authentication };
}
function toTimestamp(apiTimeInMs, expirationInSeconds) {
  return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}

// pkg/dist-src/create-device-code.js

async function createDeviceCode(options) {
  const request = options.request || dist_bundle_request;
  const parameters = {
    client_id: options.clientId
  };
  if ("scopes" in options && Array.isArray(options.scopes)) {
    parameters.scope = options.scopes.join(" ");
  }
  return oauthRequest(request, "POST /login/device/code", parameters);
}

// pkg/dist-src/exchange-device-code.js

async function exchangeDeviceCode(options) {
  const request = options.request || dist_bundle_request;
  const response = await oauthRequest(
    request,
    "POST /login/oauth/access_token",
    {
      client_id: options.clientId,
      device_code: options.code,
      grant_type: "urn:ietf:params:oauth:grant-type:device_code"
    }
  );
  const authentication = {
    clientType: options.clientType,
    clientId: options.clientId,
    token: response.data.access_token,
    scopes: response.data.scope.split(/\s+/).filter(Boolean)
  };
  if ("clientSecret" in options) {
    authentication.clientSecret = options.clientSecret;
  }
  if (options.clientType === "github-app") {
    if ("refresh_token" in response.data) {
      const apiTimeInMs = new Date(response.headers.date).getTime();
      authentication.refreshToken = response.data.refresh_token, authentication.expiresAt = toTimestamp2(
        apiTimeInMs,
        response.data.expires_in
      ), authentication.refreshTokenExpiresAt = toTimestamp2(
        apiTimeInMs,
        response.data.refresh_token_expires_in
      );
    }
    delete authentication.scopes;
  }
  return { ...response, authentication };
}
function toTimestamp2(apiTimeInMs, expirationInSeconds) {
  return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}

// pkg/dist-src/check-token.js

async function checkToken(options) {
  const request = options.request || dist_bundle_request;
  const response = await request("POST /applications/{client_id}/token", {
    headers: {
      authorization: `basic ${btoa(
        `${options.clientId}:${options.clientSecret}`
      )}`
    },
    client_id: options.clientId,
    access_token: options.token
  });
  const authentication = {
    clientType: options.clientType,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    token: options.token,
    scopes: response.data.scopes
  };
  if (response.data.expires_at)
    authentication.expiresAt = response.data.expires_at;
  if (options.clientType === "github-app") {
    delete authentication.scopes;
  }
  return { ...response, authentication };
}

// pkg/dist-src/refresh-token.js

async function refreshToken(options) {
  const request = options.request || dist_bundle_request;
  const response = await oauthRequest(
    request,
    "POST /login/oauth/access_token",
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      grant_type: "refresh_token",
      refresh_token: options.refreshToken
    }
  );
  const apiTimeInMs = new Date(response.headers.date).getTime();
  const authentication = {
    clientType: "github-app",
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    token: response.data.access_token,
    refreshToken: response.data.refresh_token,
    expiresAt: toTimestamp3(apiTimeInMs, response.data.expires_in),
    refreshTokenExpiresAt: toTimestamp3(
      apiTimeInMs,
      response.data.refresh_token_expires_in
    )
  };
  return { ...response, authentication };
}
function toTimestamp3(apiTimeInMs, expirationInSeconds) {
  return new Date(apiTimeInMs + expirationInSeconds * 1e3).toISOString();
}

// pkg/dist-src/scope-token.js

async function scopeToken(options) {
  const {
    request: optionsRequest,
    clientType,
    clientId,
    clientSecret,
    token,
    ...requestOptions
  } = options;
  const request = options.request || defaultRequest7;
  const response = await request(
    "POST /applications/{client_id}/token/scoped",
    {
      headers: {
        authorization: `basic ${btoa(`${clientId}:${clientSecret}`)}`
      },
      client_id: clientId,
      access_token: token,
      ...requestOptions
    }
  );
  const authentication = Object.assign(
    {
      clientType,
      clientId,
      clientSecret,
      token: response.data.token
    },
    response.data.expires_at ? { expiresAt: response.data.expires_at } : {}
  );
  return { ...response, authentication };
}

// pkg/dist-src/reset-token.js

async function resetToken(options) {
  const request = options.request || dist_bundle_request;
  const auth = btoa(`${options.clientId}:${options.clientSecret}`);
  const response = await request(
    "PATCH /applications/{client_id}/token",
    {
      headers: {
        authorization: `basic ${auth}`
      },
      client_id: options.clientId,
      access_token: options.token
    }
  );
  const authentication = {
    clientType: options.clientType,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    token: response.data.token,
    scopes: response.data.scopes
  };
  if (response.data.expires_at)
    authentication.expiresAt = response.data.expires_at;
  if (options.clientType === "github-app") {
    delete authentication.scopes;
  }
  return { ...response, authentication };
}

// pkg/dist-src/delete-token.js

async function deleteToken(options) {
  const request = options.request || dist_bundle_request;
  const auth = btoa(`${options.clientId}:${options.clientSecret}`);
  return request(
    "DELETE /applications/{client_id}/token",
    {
      headers: {
        authorization: `basic ${auth}`
      },
      client_id: options.clientId,
      access_token: options.token
    }
  );
}

// pkg/dist-src/delete-authorization.js

async function deleteAuthorization(options) {
  const request = options.request || dist_bundle_request;
  const auth = btoa(`${options.clientId}:${options.clientSecret}`);
  return request(
    "DELETE /applications/{client_id}/grant",
    {
      headers: {
        authorization: `basic ${auth}`
      },
      client_id: options.clientId,
      access_token: options.token
    }
  );
}

/* v8 ignore next: we always pass a custom request in tests -- @preserve */

;// CONCATENATED MODULE: ./node_modules/@octokit/auth-oauth-device/dist-bundle/index.js
// pkg/dist-src/index.js



// pkg/dist-src/get-oauth-access-token.js

async function getOAuthAccessToken(state, options) {
  const cachedAuthentication = getCachedAuthentication(state, options.auth);
  if (cachedAuthentication) return cachedAuthentication;
  const { data: verification } = await createDeviceCode({
    clientType: state.clientType,
    clientId: state.clientId,
    request: options.request || state.request,
    // @ts-expect-error the extra code to make TS happy is not worth it
    scopes: options.auth.scopes || state.scopes
  });
  await state.onVerification(verification);
  const authentication = await waitForAccessToken(
    options.request || state.request,
    state.clientId,
    state.clientType,
    verification
  );
  state.authentication = authentication;
  return authentication;
}
function getCachedAuthentication(state, auth2) {
  if (auth2.refresh === true) return false;
  if (!state.authentication) return false;
  if (state.clientType === "github-app") {
    return state.authentication;
  }
  const authentication = state.authentication;
  const newScope = ("scopes" in auth2 && auth2.scopes || state.scopes).join(
    " "
  );
  const currentScope = authentication.scopes.join(" ");
  return newScope === currentScope ? authentication : false;
}
async function wait(seconds) {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1e3));
}
async function waitForAccessToken(request, clientId, clientType, verification) {
  try {
    const options = {
      clientId,
      request,
      code: verification.device_code
    };
    const { authentication } = clientType === "oauth-app" ? await exchangeDeviceCode({
      ...options,
      clientType: "oauth-app"
    }) : await exchangeDeviceCode({
      ...options,
      clientType: "github-app"
    });
    return {
      type: "token",
      tokenType: "oauth",
      ...authentication
    };
  } catch (error) {
    if (!error.response) throw error;
    const errorType = error.response.data.error;
    if (errorType === "authorization_pending") {
      await wait(verification.interval);
      return waitForAccessToken(request, clientId, clientType, verification);
    }
    if (errorType === "slow_down") {
      await wait(verification.interval + 7);
      return waitForAccessToken(request, clientId, clientType, verification);
    }
    throw error;
  }
}

// pkg/dist-src/auth.js
async function dist_bundle_auth(state, authOptions) {
  return getOAuthAccessToken(state, {
    auth: authOptions
  });
}

// pkg/dist-src/hook.js
async function dist_bundle_hook(state, request, route, parameters) {
  let endpoint = request.endpoint.merge(
    route,
    parameters
  );
  if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) {
    return request(endpoint);
  }
  const { token } = await getOAuthAccessToken(state, {
    request,
    auth: { type: "oauth" }
  });
  endpoint.headers.authorization = `token ${token}`;
  return request(endpoint);
}

// pkg/dist-src/version.js
var auth_oauth_device_dist_bundle_VERSION = "0.0.0-development";

// pkg/dist-src/index.js
function createOAuthDeviceAuth(options) {
  const requestWithDefaults = options.request || dist_bundle_request.defaults({
    headers: {
      "user-agent": `octokit-auth-oauth-device.js/${auth_oauth_device_dist_bundle_VERSION} ${getUserAgent()}`
    }
  });
  const { request = requestWithDefaults, ...otherOptions } = options;
  const state = options.clientType === "github-app" ? {
    ...otherOptions,
    clientType: "github-app",
    request
  } : {
    ...otherOptions,
    clientType: "oauth-app",
    request,
    scopes: options.scopes || []
  };
  if (!options.clientId) {
    throw new Error(
      '[@octokit/auth-oauth-device] "clientId" option must be set (https://github.com/octokit/auth-oauth-device.js#usage)'
    );
  }
  if (!options.onVerification) {
    throw new Error(
      '[@octokit/auth-oauth-device] "onVerification" option must be a function (https://github.com/octokit/auth-oauth-device.js#usage)'
    );
  }
  return Object.assign(dist_bundle_auth.bind(null, state), {
    hook: dist_bundle_hook.bind(null, state)
  });
}

/* v8 ignore next 2 -- @preserve */

;// CONCATENATED MODULE: ./node_modules/@octokit/auth-oauth-user/dist-bundle/index.js
// pkg/dist-src/index.js



// pkg/dist-src/version.js
var auth_oauth_user_dist_bundle_VERSION = "0.0.0-development";

// pkg/dist-src/get-authentication.js


async function getAuthentication(state) {
  if ("code" in state.strategyOptions) {
    const { authentication } = await exchangeWebFlowCode({
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      clientType: state.clientType,
      onTokenCreated: state.onTokenCreated,
      ...state.strategyOptions,
      request: state.request
    });
    return {
      type: "token",
      tokenType: "oauth",
      ...authentication
    };
  }
  if ("onVerification" in state.strategyOptions) {
    const deviceAuth = createOAuthDeviceAuth({
      clientType: state.clientType,
      clientId: state.clientId,
      onTokenCreated: state.onTokenCreated,
      ...state.strategyOptions,
      request: state.request
    });
    const authentication = await deviceAuth({
      type: "oauth"
    });
    return {
      clientSecret: state.clientSecret,
      ...authentication
    };
  }
  if ("token" in state.strategyOptions) {
    return {
      type: "token",
      tokenType: "oauth",
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      clientType: state.clientType,
      onTokenCreated: state.onTokenCreated,
      ...state.strategyOptions
    };
  }
  throw new Error("[@octokit/auth-oauth-user] Invalid strategy options");
}

// pkg/dist-src/auth.js

async function auth_oauth_user_dist_bundle_auth(state, options = {}) {
  if (!state.authentication) {
    state.authentication = state.clientType === "oauth-app" ? await getAuthentication(state) : await getAuthentication(state);
  }
  if (state.authentication.invalid) {
    throw new Error("[@octokit/auth-oauth-user] Token is invalid");
  }
  const currentAuthentication = state.authentication;
  if ("expiresAt" in currentAuthentication) {
    if (options.type === "refresh" || new Date(currentAuthentication.expiresAt) < /* @__PURE__ */ new Date()) {
      const { authentication } = await refreshToken({
        clientType: "github-app",
        clientId: state.clientId,
        clientSecret: state.clientSecret,
        refreshToken: currentAuthentication.refreshToken,
        request: state.request
      });
      state.authentication = {
        tokenType: "oauth",
        type: "token",
        ...authentication
      };
    }
  }
  if (options.type === "refresh") {
    if (state.clientType === "oauth-app") {
      throw new Error(
        "[@octokit/auth-oauth-user] OAuth Apps do not support expiring tokens"
      );
    }
    if (!currentAuthentication.hasOwnProperty("expiresAt")) {
      throw new Error("[@octokit/auth-oauth-user] Refresh token missing");
    }
    await state.onTokenCreated?.(state.authentication, {
      type: options.type
    });
  }
  if (options.type === "check" || options.type === "reset") {
    const method = options.type === "check" ? checkToken : resetToken;
    try {
      const { authentication } = await method({
        // @ts-expect-error making TS happy would require unnecessary code so no
        clientType: state.clientType,
        clientId: state.clientId,
        clientSecret: state.clientSecret,
        token: state.authentication.token,
        request: state.request
      });
      state.authentication = {
        tokenType: "oauth",
        type: "token",
        // @ts-expect-error TBD
        ...authentication
      };
      if (options.type === "reset") {
        await state.onTokenCreated?.(state.authentication, {
          type: options.type
        });
      }
      return state.authentication;
    } catch (error) {
      if (error.status === 404) {
        error.message = "[@octokit/auth-oauth-user] Token is invalid";
        state.authentication.invalid = true;
      }
      throw error;
    }
  }
  if (options.type === "delete" || options.type === "deleteAuthorization") {
    const method = options.type === "delete" ? deleteToken : deleteAuthorization;
    try {
      await method({
        // @ts-expect-error making TS happy would require unnecessary code so no
        clientType: state.clientType,
        clientId: state.clientId,
        clientSecret: state.clientSecret,
        token: state.authentication.token,
        request: state.request
      });
    } catch (error) {
      if (error.status !== 404) throw error;
    }
    state.authentication.invalid = true;
    return state.authentication;
  }
  return state.authentication;
}

// pkg/dist-src/requires-basic-auth.js
var ROUTES_REQUIRING_BASIC_AUTH = /\/applications\/[^/]+\/(token|grant)s?/;
function requiresBasicAuth(url) {
  return url && ROUTES_REQUIRING_BASIC_AUTH.test(url);
}

// pkg/dist-src/hook.js
async function auth_oauth_user_dist_bundle_hook(state, request, route, parameters = {}) {
  const endpoint = request.endpoint.merge(
    route,
    parameters
  );
  if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) {
    return request(endpoint);
  }
  if (requiresBasicAuth(endpoint.url)) {
    const credentials = btoa(`${state.clientId}:${state.clientSecret}`);
    endpoint.headers.authorization = `basic ${credentials}`;
    return request(endpoint);
  }
  const { token } = state.clientType === "oauth-app" ? await auth_oauth_user_dist_bundle_auth({ ...state, request }) : await auth_oauth_user_dist_bundle_auth({ ...state, request });
  endpoint.headers.authorization = "token " + token;
  return request(endpoint);
}

// pkg/dist-src/index.js
function createOAuthUserAuth({
  clientId,
  clientSecret,
  clientType = "oauth-app",
  request = dist_bundle_request.defaults({
    headers: {
      "user-agent": `octokit-auth-oauth-app.js/${auth_oauth_user_dist_bundle_VERSION} ${getUserAgent()}`
    }
  }),
  onTokenCreated,
  ...strategyOptions
}) {
  const state = Object.assign({
    clientType,
    clientId,
    clientSecret,
    onTokenCreated,
    strategyOptions,
    request
  });
  return Object.assign(auth_oauth_user_dist_bundle_auth.bind(null, state), {
    // @ts-expect-error not worth the extra code needed to appease TS
    hook: auth_oauth_user_dist_bundle_hook.bind(null, state)
  });
}
createOAuthUserAuth.VERSION = auth_oauth_user_dist_bundle_VERSION;

/* v8 ignore if -- @preserve */
/* v8 ignore next -- @preserve */

;// CONCATENATED MODULE: ./node_modules/@octokit/auth-oauth-app/dist-bundle/index.js
// pkg/dist-src/index.js



// pkg/dist-src/auth.js

async function auth_oauth_app_dist_bundle_auth(state, authOptions) {
  if (authOptions.type === "oauth-app") {
    return {
      type: "oauth-app",
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      clientType: state.clientType,
      headers: {
        authorization: `basic ${btoa(
          `${state.clientId}:${state.clientSecret}`
        )}`
      }
    };
  }
  if ("factory" in authOptions) {
    const { type, ...options } = {
      ...authOptions,
      ...state
    };
    return authOptions.factory(options);
  }
  const common = {
    clientId: state.clientId,
    clientSecret: state.clientSecret,
    request: state.request,
    ...authOptions
  };
  const userAuth = state.clientType === "oauth-app" ? await createOAuthUserAuth({
    ...common,
    clientType: state.clientType
  }) : await createOAuthUserAuth({
    ...common,
    clientType: state.clientType
  });
  return userAuth();
}

// pkg/dist-src/hook.js

async function auth_oauth_app_dist_bundle_hook(state, request2, route, parameters) {
  let endpoint = request2.endpoint.merge(
    route,
    parameters
  );
  if (/\/login\/(oauth\/access_token|device\/code)$/.test(endpoint.url)) {
    return request2(endpoint);
  }
  if (state.clientType === "github-app" && !requiresBasicAuth(endpoint.url)) {
    throw new Error(
      `[@octokit/auth-oauth-app] GitHub Apps cannot use their client ID/secret for basic authentication for endpoints other than "/applications/{client_id}/**". "${endpoint.method} ${endpoint.url}" is not supported.`
    );
  }
  const credentials = btoa(`${state.clientId}:${state.clientSecret}`);
  endpoint.headers.authorization = `basic ${credentials}`;
  try {
    return await request2(endpoint);
  } catch (error) {
    if (error.status !== 401) throw error;
    error.message = `[@octokit/auth-oauth-app] "${endpoint.method} ${endpoint.url}" does not support clientId/clientSecret basic authentication.`;
    throw error;
  }
}

// pkg/dist-src/version.js
var auth_oauth_app_dist_bundle_VERSION = "0.0.0-development";

// pkg/dist-src/index.js

function createOAuthAppAuth(options) {
  const state = Object.assign(
    {
      request: dist_bundle_request.defaults({
        headers: {
          "user-agent": `octokit-auth-oauth-app.js/${auth_oauth_app_dist_bundle_VERSION} ${getUserAgent()}`
        }
      }),
      clientType: "oauth-app"
    },
    options
  );
  return Object.assign(auth_oauth_app_dist_bundle_auth.bind(null, state), {
    hook: auth_oauth_app_dist_bundle_hook.bind(null, state)
  });
}

/* v8 ignore next -- @preserve */

;// CONCATENATED MODULE: ./node_modules/universal-github-app-jwt/lib/utils.js
// we don't @ts-check here because it chokes on atob and btoa which are available in all modern JS runtime environments

/**
 * @param {string} privateKey
 * @returns {boolean}
 */
function isPkcs1(privateKey) {
  return privateKey.includes("-----BEGIN RSA PRIVATE KEY-----");
}

/**
 * @param {string} privateKey
 * @returns {boolean}
 */
function isOpenSsh(privateKey) {
  return privateKey.includes("-----BEGIN OPENSSH PRIVATE KEY-----");
}

/**
 * @param {string} str
 * @returns {ArrayBuffer}
 */
function string2ArrayBuffer(str) {
  const buf = new ArrayBuffer(str.length);
  const bufView = new Uint8Array(buf);
  for (let i = 0, strLen = str.length; i < strLen; i++) {
    bufView[i] = str.charCodeAt(i);
  }
  return buf;
}

/**
 * @param {string} pem
 * @returns {ArrayBuffer}
 */
function getDERfromPEM(pem) {
  const pemB64 = pem
    .trim()
    .split("\n")
    .slice(1, -1) // Remove the --- BEGIN / END PRIVATE KEY ---
    .join("");

  const decoded = atob(pemB64);
  return string2ArrayBuffer(decoded);
}

/**
 * @param {import('../internals').Header} header
 * @param {import('../internals').Payload} payload
 * @returns {string}
 */
function getEncodedMessage(header, payload) {
  return `${base64encodeJSON(header)}.${base64encodeJSON(payload)}`;
}

/**
 * @param {ArrayBuffer} buffer
 * @returns {string}
 */
function base64encode(buffer) {
  var binary = "";
  var bytes = new Uint8Array(buffer);
  var len = bytes.byteLength;
  for (var i = 0; i < len; i++) {
    binary += String.fromCharCode(bytes[i]);
  }

  return fromBase64(btoa(binary));
}

/**
 * @param {string} base64
 * @returns {string}
 */
function fromBase64(base64) {
  return base64.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * @param {Record<string,unknown>} obj
 * @returns {string}
 */
function base64encodeJSON(obj) {
  return fromBase64(btoa(JSON.stringify(obj)));
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./node_modules/universal-github-app-jwt/lib/crypto-node.js
// this can be removed once we only support Node 20+





// no-op, unfortunately there is no way to transform from PKCS8 or OpenSSH to PKCS1 with WebCrypto
function convertPrivateKey(privateKey) {
  if (!isPkcs1(privateKey)) return privateKey;

  return (0,external_node_crypto_.createPrivateKey)(privateKey).export({
    type: "pkcs8",
    format: "pem",
  });
}

;// CONCATENATED MODULE: ./node_modules/universal-github-app-jwt/lib/get-token.js
// we don't @ts-check here because it chokes crypto which is a global API in modern JS runtime environments





/**
 * @param {import('../internals').GetTokenOptions} options
 * @returns {Promise<string>}
 */
async function getToken({ privateKey, payload }) {
  const convertedPrivateKey = convertPrivateKey(privateKey);

  // WebCrypto only supports PKCS#8, unfortunately
  /* c8 ignore start */
  if (isPkcs1(convertedPrivateKey)) {
    throw new Error(
      "[universal-github-app-jwt] Private Key is in PKCS#1 format, but only PKCS#8 is supported. See https://github.com/gr2m/universal-github-app-jwt#private-key-formats"
    );
  }
  /* c8 ignore stop */

  // WebCrypto does not support OpenSSH, unfortunately
  if (isOpenSsh(convertedPrivateKey)) {
    throw new Error(
      "[universal-github-app-jwt] Private Key is in OpenSSH format, but only PKCS#8 is supported. See https://github.com/gr2m/universal-github-app-jwt#private-key-formats"
    );
  }

  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: { name: "SHA-256" },
  };

  /** @type {import('../internals').Header} */
  const header = { alg: "RS256", typ: "JWT" };

  const privateKeyDER = getDERfromPEM(convertedPrivateKey);
  const importedKey = await external_node_crypto_.subtle.importKey(
    "pkcs8",
    privateKeyDER,
    algorithm,
    false,
    ["sign"]
  );

  const encodedMessage = getEncodedMessage(header, payload);
  const encodedMessageArrBuf = string2ArrayBuffer(encodedMessage);

  const signatureArrBuf = await external_node_crypto_.subtle.sign(
    algorithm.name,
    importedKey,
    encodedMessageArrBuf
  );

  const encodedSignature = base64encode(signatureArrBuf);

  return `${encodedMessage}.${encodedSignature}`;
}

;// CONCATENATED MODULE: ./node_modules/universal-github-app-jwt/index.js
// @ts-check

// @ts-ignore - #get-token is defined in "imports" in package.json


/**
 * @param {import(".").Options} options
 * @returns {Promise<import(".").Result>}
 */
async function githubAppJwt({
  id,
  privateKey,
  now = Math.floor(Date.now() / 1000),
}) {
  // Private keys are often times configured as environment variables, in which case line breaks are escaped using `\\n`.
  // Replace these here for convenience.
  const privateKeyWithNewlines = privateKey.replace(/\\n/g, '\n');

  // When creating a JSON Web Token, it sets the "issued at time" (iat) to 30s
  // in the past as we have seen people running situations where the GitHub API
  // claimed the iat would be in future. It turned out the clocks on the
  // different machine were not in sync.
  const nowWithSafetyMargin = now - 30;
  const expiration = nowWithSafetyMargin + 60 * 10; // JWT expiration time (10 minute maximum)

  const payload = {
    iat: nowWithSafetyMargin, // Issued at time
    exp: expiration,
    iss: id,
  };

  const token = await getToken({
    privateKey: privateKeyWithNewlines,
    payload,
  });

  return {
    appId: id,
    expiration,
    token,
  };
}

;// CONCATENATED MODULE: ./node_modules/toad-cache/dist/toad-cache.mjs
/**
 * toad-cache
 *
 * @copyright 2026 Igor Savin <kibertoad@gmail.com>
 * @license MIT
 * @version 3.7.3
 */
/**
 * Validates the shared cache constructor parameters.
 * Both values must be non-negative integers.
 *
 * @param {number} max
 * @param {number} ttlInMsecs
 */
function validateCacheParams(max, ttlInMsecs) {
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) {
    throw new Error('Invalid max value')
  }

  if (typeof ttlInMsecs !== 'number' || !Number.isInteger(ttlInMsecs) || ttlInMsecs < 0) {
    throw new Error('Invalid ttl value')
  }
}class FifoMap {
  constructor(max = 1000, ttlInMsecs = 0) {
    validateCacheParams(max, ttlInMsecs);

    this.first = null;
    this.items = new Map();
    this.last = null;
    this.max = max;
    this.ttl = ttlInMsecs;
  }

  get size() {
    return this.items.size
  }

  clear() {
    this.items.clear();
    this.first = null;
    this.last = null;
  }

  delete(key) {
    const deletedItem = this.items.get(key);

    if (deletedItem !== undefined) {
      this.items.delete(key);

      if (deletedItem.prev !== null) {
        deletedItem.prev.next = deletedItem.next;
      }

      if (deletedItem.next !== null) {
        deletedItem.next.prev = deletedItem.prev;
      }

      if (this.first === deletedItem) {
        this.first = deletedItem.next;
      }

      if (this.last === deletedItem) {
        this.last = deletedItem.prev;
      }
    }
  }

  deleteMany(keys) {
    for (var i = 0; i < keys.length; i++) {
      this.delete(keys[i]);
    }
  }

  evict() {
    if (this.size > 0) {
      const item = this.first;

      this.items.delete(item.key);

      if (this.size === 0) {
        this.first = null;
        this.last = null;
      } else {
        this.first = item.next;
        this.first.prev = null;
      }
    }
  }

  expiresAt(key) {
    const item = this.items.get(key);

    if (item !== undefined) {
      return item.expiry
    }
  }

  get(key) {
    const item = this.items.get(key);

    if (item !== undefined) {
      if (this.ttl > 0 && item.expiry <= Date.now()) {
        this.delete(key);
        return
      }

      return item.value
    }
  }

  getMany(keys) {
    const result = new Array(keys.length);

    for (var i = 0; i < keys.length; i++) {
      result[i] = this.get(keys[i]);
    }

    return result
  }

  keys() {
    return this.items.keys()
  }

  set(key, value) {
    // Replace existing item
    const existing = this.items.get(key);

    if (existing !== undefined) {
      existing.value = value;
      existing.expiry = this.ttl > 0 ? Date.now() + this.ttl : this.ttl;

      return
    }

    // Add new item
    if (this.max > 0 && this.size >= this.max) {
      this.evict();
    }

    const item = {
      expiry: this.ttl > 0 ? Date.now() + this.ttl : this.ttl,
      key: key,
      prev: this.last,
      next: null,
      value,
    };
    this.items.set(key, item);

    if (this.size === 1) {
      this.first = item;
    } else {
      this.last.next = item;
    }

    this.last = item;
  }
}class FifoObject {
  constructor(max = 1000, ttlInMsecs = 0) {
    validateCacheParams(max, ttlInMsecs);

    this.first = null;
    this.items = Object.create(null);
    this.last = null;
    this.size = 0;
    this.max = max;
    this.ttl = ttlInMsecs;
  }

  clear() {
    this.items = Object.create(null);
    this.first = null;
    this.last = null;
    this.size = 0;
  }

  delete(key) {
    const deletedItem = this.items[key];

    if (deletedItem !== undefined) {
      delete this.items[key];
      this.size--;

      if (deletedItem.prev !== null) {
        deletedItem.prev.next = deletedItem.next;
      }

      if (deletedItem.next !== null) {
        deletedItem.next.prev = deletedItem.prev;
      }

      if (this.first === deletedItem) {
        this.first = deletedItem.next;
      }

      if (this.last === deletedItem) {
        this.last = deletedItem.prev;
      }
    }
  }

  deleteMany(keys) {
    for (var i = 0; i < keys.length; i++) {
      this.delete(keys[i]);
    }
  }

  evict() {
    if (this.size > 0) {
      const item = this.first;

      delete this.items[item.key];

      if (--this.size === 0) {
        this.first = null;
        this.last = null;
      } else {
        this.first = item.next;
        this.first.prev = null;
      }
    }
  }

  expiresAt(key) {
    const item = this.items[key];

    if (item !== undefined) {
      return item.expiry
    }
  }

  get(key) {
    const item = this.items[key];

    if (item !== undefined) {
      if (this.ttl > 0 && item.expiry <= Date.now()) {
        this.delete(key);
        return
      }

      return item.value
    }
  }

  getMany(keys) {
    const result = new Array(keys.length);

    for (var i = 0; i < keys.length; i++) {
      result[i] = this.get(keys[i]);
    }

    return result
  }

  keys() {
    return Object.keys(this.items)
  }

  set(key, value) {
    // Replace existing item
    const existing = this.items[key];

    if (existing !== undefined) {
      existing.value = value;
      existing.expiry = this.ttl > 0 ? Date.now() + this.ttl : this.ttl;

      return
    }

    // Add new item
    if (this.max > 0 && this.size >= this.max) {
      this.evict();
    }

    const item = {
      expiry: this.ttl > 0 ? Date.now() + this.ttl : this.ttl,
      key: key,
      prev: this.last,
      next: null,
      value,
    };
    this.items[key] = item;

    if (++this.size === 1) {
      this.first = item;
    } else {
      this.last.next = item;
    }

    this.last = item;
  }
}/**
 * Creates a zeroed statistics record for a single collection window.
 *
 * @returns {object}
 */
function createEmptyStatisticsRecord() {
  return {
    cacheSize: 0,
    hits: 0,
    falsyHits: 0,
    emptyHits: 0,
    misses: 0,
    expirations: 0,
    evictions: 0,
    invalidateOne: 0,
    invalidateAll: 0,
    sets: 0,
  }
}class HitStatisticsRecord {
  constructor() {
    this.records = {};
  }

  initForCache(cacheId, currentTimeStamp) {
    this.records[cacheId] = {
      [currentTimeStamp]: createEmptyStatisticsRecord(),
    };
  }

  resetForCache(cacheId) {
    if (!this.records[cacheId]) {
      return
    }

    for (let key of Object.keys(this.records[cacheId])) {
      this.records[cacheId][key] = createEmptyStatisticsRecord();
    }
  }

  getStatistics() {
    return this.records
  }
}class LruMap {
  constructor(max = 1000, ttlInMsecs = 0) {
    validateCacheParams(max, ttlInMsecs);

    this.first = null;
    this.items = new Map();
    this.last = null;
    this.max = max;
    this.ttl = ttlInMsecs;
  }

  get size() {
    return this.items.size
  }

  bumpLru(item) {
    if (this.last === item) {
      return // Item is already the last one, no need to bump
    }

    const last = this.last;
    const next = item.next;
    const prev = item.prev;

    if (this.first === item) {
      this.first = next;
    }

    item.next = null;
    item.prev = last;
    last.next = item;

    if (prev !== null) {
      prev.next = next;
    }

    /* v8 ignore next 3 -- next is always non-null here: the early return above guarantees item !== this.last in a well-formed list */
    if (next !== null) {
      next.prev = prev;
    }

    this.last = item;
  }

  clear() {
    this.items.clear();
    this.first = null;
    this.last = null;
  }

  delete(key) {
    const item = this.items.get(key);

    if (item !== undefined) {
      this.items.delete(key);

      if (item.prev !== null) {
        item.prev.next = item.next;
      }

      if (item.next !== null) {
        item.next.prev = item.prev;
      }

      if (this.first === item) {
        this.first = item.next;
      }

      if (this.last === item) {
        this.last = item.prev;
      }
    }
  }

  deleteMany(keys) {
    for (var i = 0; i < keys.length; i++) {
      this.delete(keys[i]);
    }
  }

  evict() {
    if (this.size > 0) {
      const item = this.first;

      this.items.delete(item.key);

      if (this.size === 0) {
        this.first = null;
        this.last = null;
      } else {
        this.first = item.next;
        this.first.prev = null;
      }
    }
  }

  expiresAt(key) {
    const item = this.items.get(key);

    if (item !== undefined) {
      return item.expiry
    }
  }

  get(key) {
    const item = this.items.get(key);

    if (item !== undefined) {
      // Item has already expired
      if (this.ttl > 0 && item.expiry <= Date.now()) {
        this.delete(key);
        return
      }

      // Item is still fresh
      this.bumpLru(item);
      return item.value
    }
  }

  getMany(keys) {
    const result = new Array(keys.length);

    for (var i = 0; i < keys.length; i++) {
      result[i] = this.get(keys[i]);
    }

    return result
  }

  keys() {
    return this.items.keys()
  }

  set(key, value) {
    // Replace existing item
    const existing = this.items.get(key);

    if (existing !== undefined) {
      existing.value = value;
      existing.expiry = this.ttl > 0 ? Date.now() + this.ttl : this.ttl;
      this.bumpLru(existing);

      return
    }

    // Add new item
    if (this.max > 0 && this.size >= this.max) {
      this.evict();
    }

    const item = {
      expiry: this.ttl > 0 ? Date.now() + this.ttl : this.ttl,
      key: key,
      prev: this.last,
      next: null,
      value,
    };
    this.items.set(key, item);

    if (this.size === 1) {
      this.first = item;
    } else {
      this.last.next = item;
    }

    this.last = item;
  }
}class LruObject {
  constructor(max = 1000, ttlInMsecs = 0) {
    validateCacheParams(max, ttlInMsecs);

    this.first = null;
    this.items = Object.create(null);
    this.last = null;
    this.size = 0;
    this.max = max;
    this.ttl = ttlInMsecs;
  }

  bumpLru(item) {
    if (this.last === item) {
      return // Item is already the last one, no need to bump
    }

    const last = this.last;
    const next = item.next;
    const prev = item.prev;

    if (this.first === item) {
      this.first = next;
    }

    item.next = null;
    item.prev = last;
    last.next = item;

    if (prev !== null) {
      prev.next = next;
    }

    /* v8 ignore next 3 -- next is always non-null here: the early return above guarantees item !== this.last in a well-formed list */
    if (next !== null) {
      next.prev = prev;
    }

    this.last = item;
  }

  clear() {
    this.items = Object.create(null);
    this.first = null;
    this.last = null;
    this.size = 0;
  }

  delete(key) {
    const item = this.items[key];

    if (item !== undefined) {
      delete this.items[key];
      this.size--;

      if (item.prev !== null) {
        item.prev.next = item.next;
      }

      if (item.next !== null) {
        item.next.prev = item.prev;
      }

      if (this.first === item) {
        this.first = item.next;
      }

      if (this.last === item) {
        this.last = item.prev;
      }
    }
  }

  deleteMany(keys) {
    for (var i = 0; i < keys.length; i++) {
      this.delete(keys[i]);
    }
  }

  evict() {
    if (this.size > 0) {
      const item = this.first;

      delete this.items[item.key];

      if (--this.size === 0) {
        this.first = null;
        this.last = null;
      } else {
        this.first = item.next;
        this.first.prev = null;
      }
    }
  }

  expiresAt(key) {
    const item = this.items[key];

    if (item !== undefined) {
      return item.expiry
    }
  }

  get(key) {
    const item = this.items[key];

    if (item !== undefined) {
      // Item has already expired
      if (this.ttl > 0 && item.expiry <= Date.now()) {
        this.delete(key);
        return
      }

      // Item is still fresh
      this.bumpLru(item);
      return item.value
    }
  }

  getMany(keys) {
    const result = new Array(keys.length);

    for (var i = 0; i < keys.length; i++) {
      result[i] = this.get(keys[i]);
    }

    return result
  }

  keys() {
    return Object.keys(this.items)
  }

  set(key, value) {
    // Replace existing item
    const existing = this.items[key];

    if (existing !== undefined) {
      existing.value = value;
      existing.expiry = this.ttl > 0 ? Date.now() + this.ttl : this.ttl;
      this.bumpLru(existing);

      return
    }

    // Add new item
    if (this.max > 0 && this.size >= this.max) {
      this.evict();
    }

    const item = {
      expiry: this.ttl > 0 ? Date.now() + this.ttl : this.ttl,
      key: key,
      prev: this.last,
      next: null,
      value,
    };
    this.items[key] = item;

    if (++this.size === 1) {
      this.first = item;
    } else {
      this.last.next = item;
    }

    this.last = item;
  }
}/**
 *
 * @param {Date} date
 * @returns {string}
 */
function getTimestamp(date) {
  return `${date.getFullYear()}-${(date.getMonth() + 1).toString().padStart(2, '0')}-${date
    .getDate()
    .toString()
    .padStart(2, '0')}`
}class HitStatistics {
  constructor(cacheId, statisticTtlInHours, globalStatisticsRecord) {
    this.cacheId = cacheId;
    this.statisticTtlInHours = statisticTtlInHours;

    this.collectionStart = new Date();
    this.currentTimeStamp = getTimestamp(this.collectionStart);
    this.archiveAfter = this.collectionStart.getTime() + this.statisticTtlInHours * 3_600_000;

    this.records = globalStatisticsRecord || new HitStatisticsRecord();
    this.records.initForCache(this.cacheId, this.currentTimeStamp);
  }

  get currentRecord() {
    const cacheRecords = this.records.records[this.cacheId];
    // safety net
    /* c8 ignore next 3 */
    if (!cacheRecords[this.currentTimeStamp]) {
      cacheRecords[this.currentTimeStamp] = createEmptyStatisticsRecord();
    }

    return cacheRecords[this.currentTimeStamp]
  }

  /* v8 ignore next 3 -- kept for compatibility, no longer used internally */
  hoursPassed() {
    return (Date.now() - this.collectionStart) / 1000 / 60 / 60
  }

  addHit() {
    this.archiveIfNeeded();
    this.currentRecord.hits++;
  }
  addFalsyHit() {
    this.archiveIfNeeded();
    this.currentRecord.falsyHits++;
  }

  addEmptyHit() {
    this.archiveIfNeeded();
    this.currentRecord.emptyHits++;
  }

  addMiss() {
    this.archiveIfNeeded();
    this.currentRecord.misses++;
  }

  addEviction() {
    this.archiveIfNeeded();
    this.currentRecord.evictions++;
  }

  setCacheSize(currentSize) {
    this.archiveIfNeeded();
    this.currentRecord.cacheSize = currentSize;
  }

  addExpiration() {
    this.archiveIfNeeded();
    this.currentRecord.expirations++;
  }

  addSet() {
    this.archiveIfNeeded();
    this.currentRecord.sets++;
  }

  addInvalidateOne() {
    this.archiveIfNeeded();
    this.currentRecord.invalidateOne++;
  }

  addInvalidateAll() {
    this.archiveIfNeeded();
    this.currentRecord.invalidateAll++;
  }

  getStatistics() {
    return this.records.getStatistics()
  }

  archiveIfNeeded() {
    if (Date.now() >= this.archiveAfter) {
      this.collectionStart = new Date();
      this.currentTimeStamp = getTimestamp(this.collectionStart);
      this.archiveAfter = this.collectionStart.getTime() + this.statisticTtlInHours * 3_600_000;
      this.records.initForCache(this.cacheId, this.currentTimeStamp);
    }
  }
}class LruObjectHitStatistics extends LruObject {
  constructor(max, ttlInMsecs, cacheId, globalStatisticsRecord, statisticTtlInHours) {
    // Pass through as-is: the base constructor applies the 1000/0 defaults for
    // omitted (undefined) values and validates everything else, so explicit 0
    // stays unlimited and null/NaN are rejected the same way as the base class.
    super(max, ttlInMsecs);

    if (!cacheId) {
      throw new Error('Cache id is mandatory')
    }

    this.hitStatistics = new HitStatistics(
      cacheId,
      statisticTtlInHours !== undefined ? statisticTtlInHours : 24,
      globalStatisticsRecord,
    );
  }

  getStatistics() {
    return this.hitStatistics.getStatistics()
  }

  set(key, value) {
    super.set(key, value);
    this.hitStatistics.addSet();
    this.hitStatistics.setCacheSize(this.size);
  }

  evict() {
    const hadItems = this.size > 0;
    super.evict();
    if (hadItems) {
      this.hitStatistics.addEviction();
    }
    this.hitStatistics.setCacheSize(this.size);
  }

  delete(key, isExpiration = false) {
    const existed = this.items[key] !== undefined;
    super.delete(key);

    if (existed && !isExpiration) {
      this.hitStatistics.addInvalidateOne();
    }
    this.hitStatistics.setCacheSize(this.size);
  }

  clear() {
    super.clear();

    this.hitStatistics.addInvalidateAll();
    this.hitStatistics.setCacheSize(this.size);
  }

  get(key) {
    const item = this.items[key];

    if (item !== undefined) {
      // Item has already expired
      if (this.ttl > 0 && item.expiry <= Date.now()) {
        this.delete(key, true);
        this.hitStatistics.addExpiration();
        return
      }

      // Item is still fresh
      this.bumpLru(item);
      if (!item.value) {
        this.hitStatistics.addFalsyHit();
        // Empty values are a subset of falsy values
        if (item.value === undefined || item.value === null || item.value === '') {
          this.hitStatistics.addEmptyHit();
        }
      }
      this.hitStatistics.addHit();
      return item.value
    }
    this.hitStatistics.addMiss();
  }
}
;// CONCATENATED MODULE: ./node_modules/@octokit/auth-app/dist-node/index.js
// pkg/dist-src/index.js




// pkg/dist-src/get-app-authentication.js

async function getAppAuthentication({
  appId,
  privateKey,
  timeDifference,
  createJwt
}) {
  try {
    if (createJwt) {
      const { jwt, expiresAt } = await createJwt(appId, timeDifference);
      return {
        type: "app",
        token: jwt,
        appId,
        expiresAt
      };
    }
    const authOptions = {
      id: appId,
      privateKey
    };
    if (timeDifference) {
      Object.assign(authOptions, {
        now: Math.floor(Date.now() / 1e3) + timeDifference
      });
    }
    const appAuthentication = await githubAppJwt(authOptions);
    return {
      type: "app",
      token: appAuthentication.token,
      appId: appAuthentication.appId,
      expiresAt: new Date(appAuthentication.expiration * 1e3).toISOString()
    };
  } catch (error) {
    if (privateKey === "-----BEGIN RSA PRIVATE KEY-----") {
      throw new Error(
        "The 'privateKey` option contains only the first line '-----BEGIN RSA PRIVATE KEY-----'. If you are setting it using a `.env` file, make sure it is set on a single line with newlines replaced by '\n'"
      );
    } else {
      throw error;
    }
  }
}

// pkg/dist-src/cache.js

function getCache() {
  return new LruObject(
    // cache max. 15000 tokens, that will use less than 10mb memory
    15e3,
    // Cache for 1 minute less than GitHub expiry
    1e3 * 60 * 59
  );
}
async function get(cache, options) {
  const cacheKey = optionsToCacheKey(options);
  const result = await cache.get(cacheKey);
  if (!result) {
    return;
  }
  const [
    token,
    createdAt,
    expiresAt,
    repositorySelection,
    permissionsString,
    singleFileName
  ] = result.split("|");
  const permissions = options.permissions || permissionsString.split(/,/).reduce((permissions2, string) => {
    if (/!$/.test(string)) {
      permissions2[string.slice(0, -1)] = "write";
    } else {
      permissions2[string] = "read";
    }
    return permissions2;
  }, {});
  return {
    token,
    createdAt,
    expiresAt,
    permissions,
    repositoryIds: options.repositoryIds,
    repositoryNames: options.repositoryNames,
    singleFileName,
    repositorySelection
  };
}
async function set(cache, options, data) {
  const key = optionsToCacheKey(options);
  const permissionsString = options.permissions ? "" : Object.keys(data.permissions).map(
    (name) => `${name}${data.permissions[name] === "write" ? "!" : ""}`
  ).join(",");
  const value = [
    data.token,
    data.createdAt,
    data.expiresAt,
    data.repositorySelection,
    permissionsString,
    data.singleFileName
  ].join("|");
  await cache.set(key, value);
}
function optionsToCacheKey({
  installationId,
  permissions = {},
  repositoryIds = [],
  repositoryNames = []
}) {
  const permissionsString = Object.keys(permissions).sort().map((name) => permissions[name] === "read" ? name : `${name}!`).join(",");
  const repositoryIdsString = repositoryIds.sort().join(",");
  const repositoryNamesString = repositoryNames.join(",");
  return [
    installationId,
    repositoryIdsString,
    repositoryNamesString,
    permissionsString
  ].filter(Boolean).join("|");
}

// pkg/dist-src/to-token-authentication.js
function toTokenAuthentication({
  installationId,
  token,
  createdAt,
  expiresAt,
  repositorySelection,
  permissions,
  repositoryIds,
  repositoryNames,
  singleFileName
}) {
  return Object.assign(
    {
      type: "token",
      tokenType: "installation",
      token,
      installationId,
      permissions,
      createdAt,
      expiresAt,
      repositorySelection
    },
    repositoryIds ? { repositoryIds } : null,
    repositoryNames ? { repositoryNames } : null,
    singleFileName ? { singleFileName } : null
  );
}

// pkg/dist-src/get-installation-authentication.js
async function getInstallationAuthentication(state, options, customRequest) {
  const installationId = Number(options.installationId || state.installationId);
  if (!installationId) {
    throw new Error(
      "[@octokit/auth-app] installationId option is required for installation authentication."
    );
  }
  if (options.factory) {
    const { type, factory, oauthApp, ...factoryAuthOptions } = {
      ...state,
      ...options
    };
    return factory(factoryAuthOptions);
  }
  const request = customRequest || state.request;
  return getInstallationAuthenticationConcurrently(
    state,
    { ...options, installationId },
    request
  );
}
var pendingPromises = /* @__PURE__ */ new Map();
function getInstallationAuthenticationConcurrently(state, options, request) {
  const cacheKey = optionsToCacheKey(options);
  if (pendingPromises.has(cacheKey)) {
    return pendingPromises.get(cacheKey);
  }
  const promise = getInstallationAuthenticationImpl(
    state,
    options,
    request
  ).finally(() => pendingPromises.delete(cacheKey));
  pendingPromises.set(cacheKey, promise);
  return promise;
}
async function getInstallationAuthenticationImpl(state, options, request) {
  if (!options.refresh) {
    const result = await get(state.cache, options);
    if (result) {
      const {
        token: token2,
        createdAt: createdAt2,
        expiresAt: expiresAt2,
        permissions: permissions2,
        repositoryIds: repositoryIds2,
        repositoryNames: repositoryNames2,
        singleFileName: singleFileName2,
        repositorySelection: repositorySelection2
      } = result;
      return toTokenAuthentication({
        installationId: options.installationId,
        token: token2,
        createdAt: createdAt2,
        expiresAt: expiresAt2,
        permissions: permissions2,
        repositorySelection: repositorySelection2,
        repositoryIds: repositoryIds2,
        repositoryNames: repositoryNames2,
        singleFileName: singleFileName2
      });
    }
  }
  const appAuthentication = await getAppAuthentication(state);
  const payload = {
    installation_id: options.installationId,
    mediaType: {
      previews: ["machine-man"]
    },
    headers: {
      authorization: `bearer ${appAuthentication.token}`
    }
  };
  if (options.repositoryIds) {
    Object.assign(payload, { repository_ids: options.repositoryIds });
  }
  if (options.repositoryNames) {
    Object.assign(payload, {
      repositories: options.repositoryNames
    });
  }
  if (options.permissions) {
    Object.assign(payload, { permissions: options.permissions });
  }
  const {
    data: {
      token,
      expires_at: expiresAt,
      repositories,
      permissions: permissionsOptional,
      repository_selection: repositorySelectionOptional,
      single_file: singleFileName
    }
  } = await request(
    "POST /app/installations/{installation_id}/access_tokens",
    payload
  );
  const permissions = permissionsOptional || {};
  const repositorySelection = repositorySelectionOptional || "all";
  const repositoryIds = repositories ? repositories.map((r) => r.id) : void 0;
  const repositoryNames = repositories ? repositories.map((repo) => repo.name) : void 0;
  const createdAt = (/* @__PURE__ */ new Date()).toISOString();
  const cacheOptions = {
    token,
    createdAt,
    expiresAt,
    repositorySelection,
    permissions,
    repositoryIds,
    repositoryNames
  };
  if (singleFileName) {
    Object.assign(payload, { singleFileName });
  }
  await set(state.cache, options, cacheOptions);
  const cacheData = {
    installationId: options.installationId,
    token,
    createdAt,
    expiresAt,
    repositorySelection,
    permissions,
    repositoryIds,
    repositoryNames
  };
  if (singleFileName) {
    Object.assign(cacheData, { singleFileName });
  }
  return toTokenAuthentication(cacheData);
}

// pkg/dist-src/auth.js
async function dist_node_auth(state, authOptions) {
  switch (authOptions.type) {
    case "app":
      return getAppAuthentication(state);
    case "oauth-app":
      return state.oauthApp({ type: "oauth-app" });
    case "installation":
      authOptions;
      return getInstallationAuthentication(state, {
        ...authOptions,
        type: "installation"
      });
    case "oauth-user":
      return state.oauthApp(authOptions);
    default:
      throw new Error(`Invalid auth type: ${authOptions.type}`);
  }
}

// pkg/dist-src/hook.js



// pkg/dist-src/requires-app-auth.js
var PATHS = [
  "/app",
  "/app/hook/config",
  "/app/hook/deliveries",
  "/app/hook/deliveries/{delivery_id}",
  "/app/hook/deliveries/{delivery_id}/attempts",
  "/app/installations",
  "/app/installations/{installation_id}",
  "/app/installations/{installation_id}/access_tokens",
  "/app/installations/{installation_id}/suspended",
  "/app/installation-requests",
  "/marketplace_listing/accounts/{account_id}",
  "/marketplace_listing/plan",
  "/marketplace_listing/plans",
  "/marketplace_listing/plans/{plan_id}/accounts",
  "/marketplace_listing/stubbed/accounts/{account_id}",
  "/marketplace_listing/stubbed/plan",
  "/marketplace_listing/stubbed/plans",
  "/marketplace_listing/stubbed/plans/{plan_id}/accounts",
  "/orgs/{org}/installation",
  "/repos/{owner}/{repo}/installation",
  "/users/{username}/installation",
  "/enterprises/{enterprise}/installation"
];
function routeMatcher(paths) {
  const regexes = paths.map(
    (p) => p.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})$`;
  return new RegExp(regex, "i");
}
var REGEX = routeMatcher(PATHS);
function requiresAppAuth(url) {
  return !!url && REGEX.test(url.split("?")[0]);
}

// pkg/dist-src/hook.js
var FIVE_SECONDS_IN_MS = 5 * 1e3;
function isNotTimeSkewError(error) {
  return !(error.message.match(
    /'Expiration time' claim \('exp'\) is too far in the future/
  ) || error.message.match(
    /'Expiration time' claim \('exp'\) must be a numeric value representing the future time at which the assertion expires/
  ) || error.message.match(
    /'Issued at' claim \('iat'\) must be an Integer representing the time that the assertion was issued/
  ));
}
async function dist_node_hook(state, request, route, parameters) {
  const endpoint = request.endpoint.merge(route, parameters);
  const url = endpoint.url;
  if (/\/login\/oauth\/access_token$/.test(url)) {
    return request(endpoint);
  }
  if (requiresAppAuth(url.replace(request.endpoint.DEFAULTS.baseUrl, ""))) {
    const { token: token2 } = await getAppAuthentication(state);
    endpoint.headers.authorization = `bearer ${token2}`;
    let response;
    try {
      response = await request(endpoint);
    } catch (error) {
      if (isNotTimeSkewError(error)) {
        throw error;
      }
      if (typeof error.response.headers.date === "undefined") {
        throw error;
      }
      const diff = Math.floor(
        (Date.parse(error.response.headers.date) - Date.parse((/* @__PURE__ */ new Date()).toString())) / 1e3
      );
      state.log.warn(error.message);
      state.log.warn(
        `[@octokit/auth-app] GitHub API time and system time are different by ${diff} seconds. Retrying request with the difference accounted for.`
      );
      const { token: token3 } = await getAppAuthentication({
        ...state,
        timeDifference: diff
      });
      endpoint.headers.authorization = `bearer ${token3}`;
      return request(endpoint);
    }
    return response;
  }
  if (requiresBasicAuth(url)) {
    const authentication = await state.oauthApp({ type: "oauth-app" });
    endpoint.headers.authorization = authentication.headers.authorization;
    return request(endpoint);
  }
  const { token, createdAt } = await getInstallationAuthentication(
    state,
    // @ts-expect-error TBD
    {},
    request.defaults({ baseUrl: endpoint.baseUrl })
  );
  endpoint.headers.authorization = `token ${token}`;
  return sendRequestWithRetries(
    state,
    request,
    endpoint,
    createdAt
  );
}
async function sendRequestWithRetries(state, request, options, createdAt, retries = 0) {
  const timeSinceTokenCreationInMs = +/* @__PURE__ */ new Date() - +new Date(createdAt);
  try {
    return await request(options);
  } catch (error) {
    if (error.status !== 401) {
      throw error;
    }
    if (timeSinceTokenCreationInMs >= FIVE_SECONDS_IN_MS) {
      if (retries > 0) {
        error.message = `After ${retries} retries within ${timeSinceTokenCreationInMs / 1e3}s of creating the installation access token, the response remains 401. At this point, the cause may be an authentication problem or a system outage. Please check https://www.githubstatus.com for status information`;
      }
      throw error;
    }
    ++retries;
    const awaitTime = retries * 1e3;
    state.log.warn(
      `[@octokit/auth-app] Retrying after 401 response to account for token replication delay (retry: ${retries}, wait: ${awaitTime / 1e3}s)`
    );
    await new Promise((resolve) => setTimeout(resolve, awaitTime));
    return sendRequestWithRetries(state, request, options, createdAt, retries);
  }
}

// pkg/dist-src/version.js
var dist_node_VERSION = "8.3.1";

// pkg/dist-src/index.js

function createAppAuth(options) {
  if (!options.appId) {
    throw new Error("[@octokit/auth-app] appId option is required");
  }
  if (!options.privateKey && !options.createJwt) {
    throw new Error("[@octokit/auth-app] privateKey option is required");
  } else if (options.privateKey && options.createJwt) {
    throw new Error(
      "[@octokit/auth-app] privateKey and createJwt options are mutually exclusive"
    );
  }
  if ("installationId" in options && !options.installationId) {
    throw new Error(
      "[@octokit/auth-app] installationId is set to a falsy value"
    );
  }
  const log = options.log || {};
  if (typeof log.warn !== "function") {
    log.warn = console.warn.bind(console);
  }
  const request = options.request || dist_bundle_request.defaults({
    headers: {
      "user-agent": `octokit-auth-app.js/${dist_node_VERSION} ${getUserAgent()}`
    }
  });
  const state = Object.assign(
    {
      request,
      cache: getCache()
    },
    options,
    options.installationId ? { installationId: Number(options.installationId) } : {},
    {
      log,
      oauthApp: createOAuthAppAuth({
        clientType: "github-app",
        clientId: options.clientId || "",
        clientSecret: options.clientSecret || "",
        request
      })
    }
  );
  return Object.assign(dist_node_auth.bind(null, state), {
    hook: dist_node_hook.bind(null, state)
  });
}

/* v8 ignore next - permissions are optional per OpenAPI spec, but we think that is incorrect -- @preserve */
/* v8 ignore next - repositorySelection are optional per OpenAPI spec, but we think that is incorrect -- @preserve */
/* v8 ignore start - due to skipped tests, see https://github.com/octokit/auth-app.js/pull/580 -- @preserve */
/* v8 ignore end -- @preserve */

// EXTERNAL MODULE: ./src/relay/core/dispatch.ts
var dispatch = __nccwpck_require__(815);
// EXTERNAL MODULE: external "node:async_hooks"
var external_node_async_hooks_ = __nccwpck_require__(6698);
// EXTERNAL MODULE: external "node:diagnostics_channel"
var external_node_diagnostics_channel_ = __nccwpck_require__(3053);
;// CONCATENATED MODULE: ./src/relay/wire-watch.ts
// Tells whether a fetch() request has been written to the network yet, so that a dispatch that fails
// or times out before it left the relay can be reported as "nothing was started" rather than "may or
// may not have started". Node's fetch (undici) publishes documented diagnostics channels:
// `undici:request:create` when a request is queued and `undici:client:sendHeaders` when its headers
// are written to the socket. Requests made inside `watchWire(watch, run)` are recognised through an
// AsyncLocalStorage, so concurrent requests never mix. When the channels stay silent (a runtime that
// does not publish them) nothing is reported and callers must assume the request may have been sent.


const active = new external_node_async_hooks_.AsyncLocalStorage();
const watched = new WeakMap();
let subscribed = false;
function requestOf(message) {
    const request = message?.request;
    return typeof request === 'object' && request !== null ? request : undefined;
}
function subscribeOnce() {
    if (subscribed)
        return;
    subscribed = true;
    (0,external_node_diagnostics_channel_.subscribe)('undici:request:create', (message) => {
        const watch = active.getStore();
        const request = requestOf(message);
        if (watch === undefined || request === undefined)
            return;
        watched.set(request, watch);
        watch.onQueued();
    });
    (0,external_node_diagnostics_channel_.subscribe)('undici:client:sendHeaders', (message) => {
        const request = requestOf(message);
        if (request !== undefined)
            watched.get(request)?.onHeadersSent();
    });
}
/** Runs `run`; every fetch() it starts reports to `watch`. */
function watchWire(watch, run) {
    subscribeOnce();
    return active.run(watch, run);
}

;// CONCATENATED MODULE: ./src/relay/github.ts
// The GitHub adapter: starts the workflow through Octokit (`POST …/actions/workflows/{id}/dispatches`)
// with a token or a GitHub App installation token (@octokit/auth-app: App JWT → installation token,
// cached until it nears expiry). Honours the deadline's abort signal and never retries, except once
// without `return_run_details` when GitHub (Enterprise Server) refuses that parameter. Reports its
// progress (token exchange; dispatch queued but not written; written) and tells failures that
// certainly sent nothing (token exchange, connection refused, DNS, TLS) from those after sending.
//
// The App token is fetched with auth-app's `auth({ type: 'installation' })` and sent as a header rather
// than through auth-app's request hook: the hook re-sends a request that got 401 for up to 5 s after
// minting a token, which would blow the 2 s deadline and could start a purge after Slack was told
// "status unknown".
//
// Behind a proxy (the plain Node server with HTTPS_PROXY set) the given fetch carries every request;
// the wire watch then also sees the proxy's CONNECT, so a failure after it counts as "may be sent".




/**
 * An Octokit error → a rejection (GitHub answered), or no answer: certainly not sent (token exchange,
 * or the dispatch never left the relay) or perhaps sent. `sent` is what the wire watch saw of the
 * dispatch request: `no` (queued, nothing written), `maybe` (written, or the watch saw nothing).
 */
function failureResult(error, signal, stage, sent) {
    const failure = (typeof error === 'object' && error !== null ? error : {});
    if (!signal.aborted && failure.response !== undefined && typeof failure.status === 'number') {
        const data = failure.response.data;
        const dataMessage = typeof data === 'object' && data !== null && typeof data.message === 'string'
            ? data.message
            : typeof data === 'string'
                ? data
                : undefined;
        const headers = {};
        for (const [name, value] of Object.entries(failure.response.headers ?? {})) {
            if (value !== undefined && value !== null)
                headers[name.toLowerCase()] = String(value);
        }
        return {
            kind: 'rejected',
            status: failure.status,
            message: dataMessage ?? (typeof failure.message === 'string' ? failure.message : ''),
            headers,
            stage,
        };
    }
    const described = (0,dispatch/* describeNetworkError */.gl)(error);
    // The relay's deadline aborted it, or the token exchange's own limit passed.
    const timedOut = signal.aborted ||
        described.code === 'ETIMEDOUT' ||
        (0,dispatch/* causeChain */.DD)(error).some((link) => /TimeoutError/.test(String(link.name)));
    const cause = timedOut ? 'timeout' : 'network';
    const detail = signal.aborted ? {} : { error: described };
    if (stage === 'credentials')
        return { kind: 'not_sent', stage, cause, ...detail };
    if (sent === 'no' || (!timedOut && described.beforeSending)) {
        return { kind: 'not_sent', stage, cause, ...detail };
    }
    return { kind: 'no_answer', cause, ...detail };
}
function createGitHubDispatcher(github, options = {}) {
    const warn = options.warn ?? (() => { });
    const log = { debug: () => { }, info: () => { }, warn, error: warn };
    const send = options.fetch ?? globalThis.fetch;
    const octokit = new Octokit({
        baseUrl: github.apiUrl,
        userAgent: 'cache-purge-action-relay',
        log,
        ...(options.fetch && { request: { fetch: options.fetch } }),
    });
    const auth = github.auth;
    // auth-app shares one pending exchange among concurrent callers and takes no per-call signal: bound
    // each exchange by itself, or one that never answers would hold every later command hostage.
    const tokenTimeoutMs = options.tokenTimeoutMs ?? dispatch/* DISPATCH_TIMEOUT_MS */.M5;
    const boundedFetch = (input, init) => send(input, {
        ...init,
        signal: init?.signal
            ? AbortSignal.any([init.signal, AbortSignal.timeout(tokenTimeoutMs)])
            : AbortSignal.timeout(tokenTimeoutMs),
    });
    const appAuth = auth.kind === 'app'
        ? createAppAuth({
            appId: auth.appId,
            privateKey: auth.privateKey,
            installationId: auth.installationId,
            request: octokit.request.defaults({ request: { fetch: boundedFetch } }),
            log,
        })
        : undefined;
    return async (request, signal, report = () => { }) => {
        let token;
        if (appAuth === undefined) {
            token = auth.token;
        }
        else {
            report('token_exchange');
            try {
                token = (await appAuth({ type: 'installation' })).token;
            }
            catch (error) {
                return failureResult(error, signal, 'credentials', 'no');
            }
            if (signal.aborted)
                return { kind: 'not_sent', stage: 'credentials', cause: 'timeout' };
        }
        const send = async (withRunDetails) => {
            // Until the wire watch says otherwise, the request may be on its way. Once anything was written
            // it stays "maybe" (a redirect queues a second request after the first was sent).
            let sent = 'maybe';
            let written = false;
            report('dispatch_may_be_sent');
            const watch = {
                onQueued: () => {
                    if (written)
                        return;
                    sent = 'no';
                    report('dispatch_not_sent');
                },
                onHeadersSent: () => {
                    written = true;
                    sent = 'maybe';
                    report('dispatch_may_be_sent');
                },
            };
            try {
                const response = await watchWire(watch, () => octokit.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
                    owner: request.owner,
                    repo: request.repo,
                    workflow_id: request.workflow,
                    ...(0,dispatch/* dispatchBody */.L_)(request, withRunDetails),
                    headers: { authorization: `token ${token}` },
                    request: { signal },
                }));
                return (0,dispatch/* acceptedResult */.$H)(response.status, response.data);
            }
            catch (error) {
                return failureResult(error, signal, 'dispatch', sent);
            }
        };
        const first = await send(true);
        return (0,dispatch/* rejectsReturnRunDetails */.cT)(first) && !signal.aborted ? send(false) : first;
    };
}


/***/ }),

/***/ 9369:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ startRelayServer)
/* harmony export */ });
/* unused harmony export DRAIN_LIMIT_MS */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_decide_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3773);
/* harmony import */ var _core_reply_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(8145);
/* harmony import */ var _relay_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(8933);
// Plain Node HTTP adapter: POST /slack/commands (slash commands, and the clicks on a confirmation
// prompt: Slack's interactivity requests, sent to the same URL) → the shared relay; GET /healthz → 200. Keeps at most
// MAX_BODY_BYTES + 1 bytes of a body (the core answers 413 beyond the cap); the rest of an oversized
// body is read and dropped (bounded) before the 413 goes out, so the client gets the answer instead of
// a reset connection. Never lets an error escape as a crash: an unexpected one answers 500 and is
// logged. Every request writes one JSON line: `slack_command` (from the relay) for /slack/commands,
// `http_request` (method, path without query, status, reason) for the rest — never a body, header or
// query string. close() drops idle connections at once and lets requests in flight be answered.




const COMMANDS_PATH = '/slack/commands';
const HEALTH_PATH = '/healthz';
/**
 * How much of an oversized body is read and dropped before the 413 is sent. Closing a socket with
 * unread bytes makes the kernel reset the connection, and a client still sending then sees
 * ECONNRESET/EPIPE instead of the answer; past either bound the 413 is sent anyway and the connection
 * closed.
 */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;
const DRAIN_LIMIT_MS = 3_000;
/**
 * The body, cut at `limit` + 1 bytes so an oversized one is recognisable without keeping it; the rest
 * of an oversized body is drained (see DRAIN_LIMIT_*) before this resolves.
 */
function readCappedBody(request, limit) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        let drainTimer;
        const finish = () => {
            clearTimeout(drainTimer);
            resolve(Buffer.concat(chunks).subarray(0, limit + 1));
        };
        request.on('data', (chunk) => {
            if (size <= limit)
                chunks.push(chunk);
            size += chunk.length;
            if (size <= limit)
                return;
            drainTimer ??= setTimeout(finish, DRAIN_LIMIT_MS);
            if (size > limit + DRAIN_LIMIT_BYTES)
                finish(); // still flowing: dropped until the socket closes
        });
        request.on('end', finish);
        request.on('error', (error) => {
            clearTimeout(drainTimer);
            reject(error);
        });
    });
}
function send(response, reply, close) {
    const headers = { ...reply.headers, ...(close && { connection: 'close' }) };
    response.writeHead(reply.status, headers);
    response.end(reply.body);
}
function createRelayRequestListener(relay, log = _relay_js__WEBPACK_IMPORTED_MODULE_2__/* .writeLogLine */ .IF, now = Date.now) {
    return (request, response) => {
        const started = now();
        const path = (request.url ?? '/').split('?')[0] ?? '/';
        /** The one log line of a request that is not a slash command (those log `slack_command`). */
        const logRequest = (status, reason) => {
            const fields = {
                method: request.method ?? '',
                // Never the query string (it could carry anything); long paths are cut.
                path: path.length > 200 ? `${path.slice(0, 199)}…` : path,
                status,
                reason,
            };
            log((0,_relay_js__WEBPACK_IMPORTED_MODULE_2__/* .requestLogLine */ .yn)('http_request', fields, started, now()));
        };
        if (path === HEALTH_PATH) {
            request.resume();
            if (request.method === 'GET' || request.method === 'HEAD') {
                send(response, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' }, false);
                logRequest(200, 'health_check');
            }
            else {
                send(response, (0,_core_reply_js__WEBPACK_IMPORTED_MODULE_3__/* .textReply */ .US)(405, 'Method not allowed', { allow: 'GET, HEAD' }), false);
                logRequest(405, 'method_not_allowed');
            }
            return;
        }
        if (path !== COMMANDS_PATH) {
            request.resume();
            send(response, (0,_core_reply_js__WEBPACK_IMPORTED_MODULE_3__/* .textReply */ .US)(404, 'Not found'), false);
            logRequest(404, 'unknown_path');
            return;
        }
        readCappedBody(request, _core_decide_js__WEBPACK_IMPORTED_MODULE_1__/* .MAX_BODY_BYTES */ .YK)
            .then(async (body) => {
            const reply = await relay({ method: request.method ?? '', headers: request.headers, body });
            // A body left unread (over the cap) cannot be followed by another request on this connection.
            send(response, reply, body.length > _core_decide_js__WEBPACK_IMPORTED_MODULE_1__/* .MAX_BODY_BYTES */ .YK);
        })
            .catch((error) => {
            const reply = (0,_relay_js__WEBPACK_IMPORTED_MODULE_2__/* .internalError */ .WB)(error, log, now());
            if (!response.headersSent)
                send(response, reply, true);
            else
                response.destroy();
        });
    };
}
/**
 * Tracks each connection and the answer it owes, for close(): Node's server.close() drops idle
 * keep-alive connections but waits for one that has not sent a whole request yet (a pre-opened or
 * half-sent one) — up to the headers timeout. stop() drops every connection that owes no answer, and
 * marks the answers still owed `connection: close` so each connection ends once it is answered.
 */
function trackConnections(server) {
    const open = new Set();
    const owed = new Map();
    let stopping = false;
    server.on('connection', (socket) => {
        open.add(socket);
        socket.once('close', () => {
            open.delete(socket);
            owed.delete(socket);
        });
    });
    // Registered before the relay's listener, so the answer is not sent yet.
    server.on('request', (request, response) => {
        const socket = request.socket;
        owed.set(socket, response);
        if (stopping)
            response.setHeader('connection', 'close');
        response.once('close', () => {
            if (owed.get(socket) === response)
                owed.delete(socket);
            if (stopping && !owed.has(socket))
                socket.destroy(); // answered: the bytes are already written
        });
    });
    return {
        stop() {
            stopping = true;
            for (const socket of open) {
                const response = owed.get(socket);
                if (response === undefined)
                    socket.destroy();
                else if (!response.headersSent)
                    response.setHeader('connection', 'close');
            }
        },
    };
}
function startRelayServer(options) {
    const log = options.log ?? _relay_js__WEBPACK_IMPORTED_MODULE_2__/* .writeLogLine */ .IF;
    const server = (0,node_http__WEBPACK_IMPORTED_MODULE_0__.createServer)();
    const connections = trackConnections(server);
    server.on('request', createRelayRequestListener(options.relay, log, options.now));
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
            server.off('error', reject);
            const address = server.address();
            const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
            resolve({
                server,
                url: `http://${host}:${address.port}`,
                close: () => new Promise((done) => {
                    server.close(() => done());
                    connections.stop();
                }),
            });
        });
    });
}


/***/ }),

/***/ 8933:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  CR: () => (/* binding */ createRelay),
  WB: () => (/* binding */ internalError),
  BP: () => (/* binding */ logLine),
  yn: () => (/* binding */ requestLogLine),
  IF: () => (/* binding */ writeLogLine)
});

// UNUSED EXPORTS: dispatchWithDeadline

// EXTERNAL MODULE: ./src/relay/core/decide.ts + 4 modules
var decide = __nccwpck_require__(3773);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/relay/core/confirm-prompt.ts
var confirm_prompt = __nccwpck_require__(456);
;// CONCATENATED MODULE: ./src/relay/replay-guard.ts
// Keeps each confirmation token to one dispatch: remembers the nonces of the tokens it has let through
// until they expire (a token is refused past its expiry anyway), so a second click — a double click,
// Slack sending the request again, or a captured request replayed — starts nothing. In memory, per
// relay process: one Lambda container or one Node server. (Two containers answering the two copies of
// one click within the same 5 minutes would each let it through; the first click also replaces the
// prompt, so its button is gone.) Bounded: at most `maxEntries` nonces, the oldest expiring first.
function createReplayGuard(maxEntries = 10_000) {
    const used = new Map();
    return {
        claim(nonce, expiresAtMs, nowMs) {
            for (const [key, expires] of used) {
                if (expires < nowMs || used.size >= maxEntries)
                    used.delete(key);
                else
                    break; // insertion order ≈ expiry order: the rest are younger
            }
            if (used.has(nonce))
                return false;
            used.set(nonce, expiresAtMs);
            return true;
        },
    };
}

// EXTERNAL MODULE: ./src/relay/response-url.ts
var response_url = __nccwpck_require__(1546);
// EXTERNAL MODULE: ./src/relay/core/dispatch.ts
var core_dispatch = __nccwpck_require__(815);
// EXTERNAL MODULE: ./src/relay/core/config.ts + 2 modules
var core_config = __nccwpck_require__(9352);
// EXTERNAL MODULE: ./src/relay/core/reply.ts
var reply = __nccwpck_require__(8145);
// EXTERNAL MODULE: ./src/shared/mrkdwn.ts
var mrkdwn = __nccwpck_require__(1576);
// EXTERNAL MODULE: ./src/shared/text.ts
var shared_text = __nccwpck_require__(4646);
;// CONCATENATED MODULE: ./src/relay/core/dispatch-reply.ts
// A dispatch's result → Slack's answer and the log fields: the run link when GitHub accepted it,
// "nothing was started" with the fix when it certainly did not happen (credentials, 4xx, rate limit,
// no connection), "status unknown — check the Actions page" when it may have (5xx, timeout or a lost
// connection after sending). GitHub's own text is flattened, shortened and escaped for Slack. Pure.




/** GitHub's own error text (or a network error's), made safe to show in Slack. */
function gitHubMessage(message) {
    const flat = message.replace(/[\p{Cc}\s]+/gu, ' ').trim();
    const short = flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
    return (0,mrkdwn/* escapeMrkdwn */.f)(short === '' ? 'no message' : short);
}
/** The text as a sentence: a full stop added unless it already ends with one (or ? ! …). */
function asSentence(text) {
    return /[.!?…]["'”’)\]]*$/.test(text) ? text : `${text}.`;
}
function isRateLimited(result) {
    if (result.status === 429)
        return true;
    if (result.status !== 403)
        return false;
    return (result.headers['x-ratelimit-remaining'] === '0' ||
        result.headers['retry-after'] !== undefined ||
        /rate limit/i.test(result.message));
}
/** Seconds until GitHub accepts requests again: retry-after, else x-ratelimit-reset, else a minute. */
function retryAfterSeconds(headers, nowMs) {
    const retryAfter = headers['retry-after']?.trim();
    if (retryAfter !== undefined && /^[0-9]{1,6}$/.test(retryAfter))
        return Math.max(1, Number(retryAfter));
    const reset = headers['x-ratelimit-reset']?.trim();
    if (reset !== undefined && /^[0-9]{1,12}$/.test(reset)) {
        return Math.min(3600, Math.max(1, Math.ceil(Number(reset) - nowMs / 1000)));
    }
    return 60;
}
/** The dispatch's result → Slack's answer and the log fields. */
function replyForDispatch(result, context) {
    const { config, site, command } = context;
    const who = { site, user: command.userId, team: command.teamId, channel: command.channelId };
    const own = context.repository;
    const repository = own ? `${own.owner}/${own.repo}` : `${config.owner}/${config.repo}`;
    const actionsPage = (0,core_config/* actionsPageUrl */.qC)(config, own);
    const repositoryVariable = own ? `SITES (${(0,mrkdwn/* escapeMrkdwn */.f)(site)}=${repository})` : 'DISPATCH_REPOSITORY';
    const nothingStarted = 'Nothing was started.';
    const failed = (reason, status, text) => ({
        ...(0,reply/* slackAnswer */.rl)('ephemeral', text),
        log: { decision: 'dispatch_failed', reason, status: 200, github_status: status, ...who },
    });
    const errorFields = (error) => error === undefined
        ? {}
        : { ...(error.code !== undefined && { error_code: error.code }), error: error.message };
    /** What failed, for Slack: the error code when there is one (ECONNREFUSED), else its message. */
    const what = (error) => error === undefined ? '' : ` (${gitHubMessage(error.code ?? error.message)})`;
    const notSent = (reason, text, error) => ({
        ...(0,reply/* slackAnswer */.rl)('ephemeral', `${text} ${nothingStarted}`),
        log: { decision: 'dispatch_failed', reason, status: 200, ...errorFields(error), ...who },
    });
    const unknown = (reason, why, githubStatus, error) => ({
        ...(0,reply/* slackAnswer */.rl)('ephemeral', `Cache purge of *${site}*: status unknown — check <${actionsPage}>. ${why}, so the purge may or may not have started; look there before trying again.`),
        log: {
            decision: 'status_unknown',
            reason,
            status: 200,
            ...(githubStatus !== undefined && { github_status: githubStatus }),
            ...errorFields(error),
            ...who,
        },
    });
    const api = (0,mrkdwn/* escapeMrkdwn */.f)(config.github.apiUrl);
    const within = (0,shared_text/* formatDuration */.a3)(context.timeoutMs);
    switch (result.kind) {
        case 'accepted': {
            const link = result.runUrl ??
                (result.runId !== undefined
                    ? `${config.github.webUrl}/${repository}/actions/runs/${result.runId}`
                    : actionsPage);
            return {
                ...(context.confirmed
                    ? (0,reply/* slackAnswer */.rl)('ephemeral', `Confirmed by <@${command.userId}> — cache purge of *${site}* — <${link}>`)
                    : (0,reply/* slackAnswer */.rl)('in_channel', `Cache purge of *${site}* requested by <@${command.userId}> — <${link}>`)),
                log: {
                    decision: 'dispatched',
                    reason: result.runId !== undefined ? 'run_created' : 'accepted_without_run_id',
                    status: 200,
                    ...who,
                    ...(result.runId !== undefined && { run_id: result.runId }),
                },
            };
        }
        case 'not_sent':
            if (result.stage === 'credentials') {
                return result.cause === 'timeout'
                    ? notSent('github_app_token_timeout', `GitHub did not answer the GitHub App's installation-token request within ${within}. Try again in a minute; if it keeps happening, check that the relay can reach ${api} (GITHUB_API_URL).`, result.error)
                    : notSent('github_app_token_unreachable', `The relay could not reach GitHub at ${api} to get the GitHub App's installation token${what(result.error)}. Check GITHUB_API_URL and that the relay can reach it.`, result.error);
            }
            return result.cause === 'timeout'
                ? notSent('github_connect_timeout', `The relay could not connect to GitHub at ${api} within ${within}. Check GITHUB_API_URL and that the relay can reach it (firewall, proxy, VPC without a NAT gateway).`, result.error)
                : notSent('github_unreachable', `The relay could not connect to GitHub at ${api}${what(result.error)}. Check GITHUB_API_URL and that the relay can reach it.`, result.error);
        case 'no_answer':
            return result.cause === 'timeout'
                ? unknown('github_timeout', `GitHub did not answer within ${within}`, undefined, result.error)
                : unknown('github_connection_lost', `The connection to GitHub failed after the dispatch was sent${what(result.error)}`, undefined, result.error);
        case 'rejected': {
            const { status } = result;
            const said = gitHubMessage(result.message);
            if (status >= 500)
                return unknown(`github_${status}`, `GitHub answered HTTP ${status}`, status);
            if (isRateLimited(result)) {
                const seconds = retryAfterSeconds(result.headers, context.nowMs);
                return failed('github_rate_limited', status, `GitHub is busy, try again in ${seconds} s. ${nothingStarted}`);
            }
            if (result.stage === 'credentials') {
                return failed(`github_app_token_${status}`, status, `GitHub refused the GitHub App's installation token (HTTP ${status}: ${said}). Check GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID, and that the App is installed on ${repository}. ${nothingStarted}`);
            }
            if (status === 401) {
                return failed('github_401', status, `GitHub did not accept the relay's credentials (HTTP 401: ${said}). Check GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID, in the relay's settings. ${nothingStarted}`);
            }
            if (status === 403) {
                return failed('github_403', status, `GitHub refused the dispatch (HTTP 403: ${said}). The relay's token or GitHub App needs the *Actions: write* permission on ${repository}. ${nothingStarted}`);
            }
            if (status === 404) {
                return failed('github_404', status, `GitHub found no workflow \`${config.workflow}\` in ${repository} (HTTP 404). Check ${repositoryVariable} and DISPATCH_WORKFLOW, that the workflow file is on the default branch, and that the relay's token can see the repository. ${nothingStarted}`);
            }
            return failed(`github_${status}`, status, `GitHub rejected the dispatch (HTTP ${status}): ${asSentence(said)} ${nothingStarted}`);
        }
    }
}

;// CONCATENATED MODULE: ./src/relay/core/dispatch-replies.ts
// The answer to a request that started one dispatch per repository (its sites live in several:
// SITES `site=owner/repo`): each dispatch's own answer (replyForDispatch, for that repository and its
// sites) joined into one Slack message, one line per repository, and one log line whose decision is
// the worst of them with every dispatch listed. It goes to the channel only when every dispatch was
// accepted, as a single accepted dispatch does; otherwise to the user alone, so a failure in one
// repository is seen next to the runs that did start. A single dispatch is answered exactly as before.
// Pure.



/** The order in which one dispatch's outcome outweighs another's for the request's own decision. */
const SEVERITY = ['status_unknown', 'dispatch_failed', 'dispatched'];
const isDefault = (config, { owner, repo }) => `${owner}/${repo}`.toLowerCase() === `${config.owner}/${config.repo}`.toLowerCase();
function replyForDispatches(outcomes, context) {
    const { config } = context;
    const replies = outcomes.map(({ request, result }) => {
        const site = (0,core_dispatch/* dispatchedSites */.oQ)(request);
        const repository = { owner: request.owner, repo: request.repo };
        const reply = replyForDispatch(result, {
            ...context,
            site,
            ...(!isDefault(config, repository) && { repository }),
        });
        return { ...reply, repository: `${request.owner}/${request.repo}`, site };
    });
    if (replies.length === 1) {
        const [only] = replies;
        return { response: only.response, text: only.text, log: { ...only.log, site: context.site } };
    }
    const allAccepted = replies.every((r) => r.log.decision === 'dispatched');
    const worst = [...replies].sort((a, b) => SEVERITY.indexOf(a.log.decision) - SEVERITY.indexOf(b.log.decision))[0];
    const { run_id: _runId, github_status: _status, ...fields } = worst.log;
    return {
        ...(0,reply/* slackAnswer */.rl)(allAccepted && !context.confirmed ? 'in_channel' : 'ephemeral', replies.map((r) => r.text).join('\n')),
        log: {
            ...fields,
            site: context.site,
            dispatches: replies.map(({ repository, site, log }) => ({
                repository,
                site,
                decision: log.decision,
                reason: log.reason,
                ...(log.run_id !== undefined && { run_id: log.run_id }),
                ...(log.github_status !== undefined && { github_status: log.github_status }),
            })),
        },
    };
}

;// CONCATENATED MODULE: ./src/relay/relay.ts
// The relay service both adapters (lambda.ts, server.ts) share: runs the pure core, starts the
// dispatch under a hard deadline (aborted, never retried after it; shortened by the time the adapter
// already spent, so the answer still leaves in time) — one per repository, side by side under the same
// deadline, when the sites live in several (SITES site=owner/repo) — maps the result to Slack's answer and writes one
// structured JSON log line per request. A click on a broad purge's prompt is claimed once (the replay
// guard) before its dispatch, and its prompt is replaced through Slack's response_url ("Confirmed by
// … — run link", or why not) before the empty 200 goes back. The dispatcher, clock, deadline, nonce
// source, replay guard, prompt updater and log sink are passed in.








/** Time left for replacing a confirmed prompt after the dispatch, within Slack's 3 s. */
const PROMPT_UPDATE_TIMEOUT_MS = 600;
const writeLogLine = (line) => void process.stdout.write(`${line}\n`);
/** One JSON log line: the event name, the time, then the given fields. */
function logLine(event, fields, nowMs) {
    return JSON.stringify({ time: new Date(nowMs).toISOString(), event, ...fields });
}
/** The one log line of a request: its fields and `latency_ms` from `startedMs`, stamped with `endMs`. */
function requestLogLine(event, fields, startedMs, endMs) {
    return logLine(event, { ...fields, latency_ms: Math.max(0, endMs - startedMs) }, endMs);
}
/** An unexpected error: logged as an `internal_error` line (its message only), answered 500. */
function internalError(error, log, nowMs) {
    log(logLine('internal_error', { message: error instanceof Error ? error.message : String(error) }, nowMs));
    return (0,reply/* textReply */.US)(500, 'Internal error');
}
/**
 * Runs the dispatcher until it settles or the deadline passes, whichever comes first. At the deadline
 * the dispatcher's last progress report decides between "nothing was sent" and "may have been sent".
 */
async function dispatchWithDeadline(dispatch, request, timeoutMs) {
    const controller = new AbortController();
    let progress;
    let timer;
    const deadline = new Promise((resolve) => {
        timer = setTimeout(() => {
            const result = (0,core_dispatch/* deadlineResult */.aY)(progress);
            controller.abort(new Error(`dispatch deadline of ${timeoutMs} ms passed`));
            resolve(result);
        }, timeoutMs);
    });
    const report = (next) => {
        if (!controller.signal.aborted)
            progress = next;
    };
    const attempt = dispatch(request, controller.signal, report).catch((error) => controller.signal.aborted
        ? (0,core_dispatch/* deadlineResult */.aY)(progress)
        : { kind: 'no_answer', cause: 'network', error: (0,core_dispatch/* describeNetworkError */.gl)(error) });
    try {
        return await Promise.race([attempt, deadline]);
    }
    finally {
        clearTimeout(timer);
    }
}
/** Never less than this for the dispatch, however long the adapter took before calling the relay. */
const MIN_DISPATCH_TIMEOUT_MS = 500;
function createRelay(dependencies) {
    const { config, dispatch } = dependencies;
    const now = dependencies.now ?? Date.now;
    const log = dependencies.log ?? writeLogLine;
    const timeoutMs = dependencies.dispatchTimeoutMs ?? core_dispatch/* DISPATCH_TIMEOUT_MS */.M5;
    const nonce = dependencies.nonce ?? (() => (0,external_node_crypto_.randomUUID)());
    const replayGuard = dependencies.replayGuard ?? createReplayGuard();
    const updatePrompt = dependencies.updatePrompt ?? response_url/* postPromptUpdate */.c;
    return async (request, options = {}) => {
        const started = now();
        const spentMs = Math.max(0, options.spentMs ?? 0);
        const finish = (response, fields) => {
            // latency_ms counts the time the adapter spent before calling the relay
            const event = fields.action !== undefined ? 'slack_interaction' : 'slack_command';
            log(requestLogLine(event, { ...fields, ...options.logFields }, started - spentMs, now()));
            return response;
        };
        /** Replaces a clicked prompt; a failure is logged with the request, never fails it. */
        const replacePrompt = async (url, text) => {
            const result = await updatePrompt(url, (0,confirm_prompt/* promptUpdate */.Kx)(text), PROMPT_UPDATE_TIMEOUT_MS);
            return result.ok ? {} : { prompt_update_error: result.reason ?? 'failed' };
        };
        const decision = (0,decide/* decide */.LD)(request, config, started, nonce());
        if (decision.kind === 'respond')
            return finish(decision.response, decision.log);
        if (decision.kind === 'update_prompt') {
            const failed = await replacePrompt(decision.responseUrl, decision.update.text);
            return finish(decision.response, { ...decision.log, ...failed });
        }
        const { confirm } = decision;
        if (confirm && !replayGuard.claim(confirm.nonce, confirm.expiresAtMs, started)) {
            // the first click already dispatched and replaced the prompt: this one changes nothing
            const { userId: user, teamId: team, channelId: channel } = decision.command;
            return finish((0,reply/* textReply */.US)(200), {
                decision: 'click_refused',
                reason: 'replayed',
                status: 200,
                action: 'confirm',
                site: decision.site,
                user,
                team,
                channel,
            });
        }
        const reserved = confirm ? PROMPT_UPDATE_TIMEOUT_MS : 0;
        const budgetMs = Math.min(timeoutMs, Math.max(MIN_DISPATCH_TIMEOUT_MS, timeoutMs - spentMs - reserved));
        const outcomes = await Promise.all(decision.dispatches.map(async (request) => ({
            request,
            result: await dispatchWithDeadline(dispatch, request, budgetMs),
        })));
        const { response, text, log: fields, } = replyForDispatches(outcomes, {
            config,
            site: decision.site,
            command: decision.command,
            nowMs: now(),
            timeoutMs: budgetMs,
            ...(confirm && { confirmed: true }),
        });
        if (!confirm)
            return finish(response, fields);
        const failed = await replacePrompt(confirm.responseUrl, text);
        return finish((0,reply/* textReply */.US)(200), { ...fields, action: 'confirm', ...failed });
    };
}


/***/ }),

/***/ 1546:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ promptUpdater),
/* harmony export */   c: () => (/* binding */ postPromptUpdate)
/* harmony export */ });
/* harmony import */ var _core_dispatch_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(815);
// The adapter that replaces a prompt through its `response_url` (Slack's URL from a verified click,
// checked by the core to be Slack's or loopback): one POST of the JSON message with fetch, bounded by
// a deadline, never retried (the answer to Slack must leave in time). Never throws: a failure comes
// back as a short reason for the log. I/O: HTTPS to Slack.

/** The updater over `fetch` (the relay server passes its proxied one). */
const promptUpdater = (send) => async (url, update, timeoutMs) => {
    try {
        const response = await send(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body: JSON.stringify(update),
            signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
            redirect: 'error',
        });
        await response.arrayBuffer().catch(() => undefined);
        return response.ok
            ? { ok: true }
            : { ok: false, reason: `response_url answered HTTP ${response.status}` };
    }
    catch (error) {
        const described = (0,_core_dispatch_js__WEBPACK_IMPORTED_MODULE_0__/* .describeNetworkError */ .gl)(error);
        return { ok: false, reason: described.code ?? described.message };
    }
};
const postPromptUpdate = promptUpdater((url, init) => fetch(url, init));


/***/ }),

/***/ 6990:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _core_config_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(9352);
/* harmony import */ var _core_config_problems_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(1260);
/* harmony import */ var _github_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(247);
/* harmony import */ var _http_server_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(9369);
/* harmony import */ var _relay_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(8933);
/* harmony import */ var _response_url_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(1546);
/* harmony import */ var _shared_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(7019);
// Entry point of the plain Node relay (dist/relay/server.js): reads the environment, refuses to start
// when a variable is missing or malformed, with one stderr line per bad variable (all of them, not
// only the first), then serves POST /slack/commands and GET /healthz on HOST:PORT until SIGTERM or
// SIGINT. With HTTPS_PROXY / HTTP_PROXY set (a bad value refuses the start like any variable), every
// outbound request — the GitHub calls through Octokit and the prompt updates to Slack's response_url —
// goes through the proxied fetch (src/shared/proxy-network.ts, loaded only then), and one `proxy` log
// line says so, without the proxy's credentials.







/** The proxy settings, a bad value reported as the relay reports any variable. */
function readRelayProxy(env) {
    try {
        return (0,_shared_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .readProxySettings */ .uv)(env);
    }
    catch (error) {
        if (error instanceof _shared_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .InvalidProxyError */ .oU)
            throw new _core_config_problems_js__WEBPACK_IMPORTED_MODULE_1__/* .RelayConfigError */ .SB(error.variable, error.problem);
        throw error;
    }
}
async function main() {
    const check = (0,_core_config_problems_js__WEBPACK_IMPORTED_MODULE_1__/* .collectConfigProblems */ .Rf)();
    const maybeConfig = check.attempt(() => (0,_core_config_js__WEBPACK_IMPORTED_MODULE_0__/* .loadRelayConfig */ .Md)(process.env));
    const maybeListen = check.attempt(() => (0,_core_config_js__WEBPACK_IMPORTED_MODULE_0__/* .loadListenConfig */ .q6)(process.env));
    const proxy = check.attempt(() => readRelayProxy(process.env));
    try {
        check.finish();
    }
    catch (error) {
        if (!(error instanceof _core_config_problems_js__WEBPACK_IMPORTED_MODULE_1__/* .RelayConfigError */ .SB))
            throw error;
        for (const problem of error.problems) {
            process.stderr.write(`cache-purge relay: refusing to start: ${problem.variable}: ${problem.message}\n`);
        }
        process.exitCode = 1;
        return;
    }
    // finish() returned, so both were read.
    const config = maybeConfig;
    const listen = maybeListen;
    const log = _relay_js__WEBPACK_IMPORTED_MODULE_4__/* .writeLogLine */ .IF;
    const proxied = proxy && (await Promise.all(/* import() */[__nccwpck_require__.e(329), __nccwpck_require__.e(502)]).then(__nccwpck_require__.bind(__nccwpck_require__, 7502))).createProxiedHttp(proxy);
    if (proxy)
        log((0,_relay_js__WEBPACK_IMPORTED_MODULE_4__/* .logLine */ .BP)('proxy', { message: (0,_shared_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .describeProxySettings */ .jj)(proxy) }, Date.now()));
    const relay = (0,_relay_js__WEBPACK_IMPORTED_MODULE_4__/* .createRelay */ .CR)({
        config,
        dispatch: (0,_github_js__WEBPACK_IMPORTED_MODULE_2__/* .createGitHubDispatcher */ .T)(config.github, {
            warn: (message) => log((0,_relay_js__WEBPACK_IMPORTED_MODULE_4__/* .logLine */ .BP)('github_warning', { message }, Date.now())),
            ...(proxied && { fetch: proxied.fetch }),
        }),
        log,
        ...(proxied && { updatePrompt: (0,_response_url_js__WEBPACK_IMPORTED_MODULE_5__/* .promptUpdater */ .I)(proxied.fetch) }),
    });
    let running;
    try {
        running = await (0,_http_server_js__WEBPACK_IMPORTED_MODULE_3__/* .startRelayServer */ .b)({ relay, host: listen.host, port: listen.port, log });
    }
    catch (error) {
        process.stderr.write(`cache-purge relay: cannot listen on ${listen.host}:${listen.port} (check HOST and PORT): ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
        return;
    }
    const stop = (signal) => {
        log((0,_relay_js__WEBPACK_IMPORTED_MODULE_4__/* .logLine */ .BP)('stopping', { signal }, Date.now()));
        // Idle connections are dropped at once; answers in flight finish (they are bounded by the dispatch
        // deadline and the drain limit of an oversized body); then the process exits. The timer is a backstop.
        setTimeout(() => process.exit(0), 5_000).unref();
        void running.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // Logged last: whoever waits for this line may signal the process at once.
    log((0,_relay_js__WEBPACK_IMPORTED_MODULE_4__/* .logLine */ .BP)('listening', { url: running.url, commands: `${running.url}/slack/commands` }, Date.now()));
}
await main();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 2367:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   V: () => (/* binding */ ALL_SITES)
/* harmony export */ });
// The word `all`: the site input and the relay's /clear-cache both read it as every site, so neither
// the sites file nor the relay's SITES may name a site so. Shared by the action and the relay. Pure.
/** The word that asks for every site. */
const ALL_SITES = 'all';


/***/ }),

/***/ 2691:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ isLoopbackHost)
/* harmony export */ });
// Whether a URL's host is this machine's loopback interface (127.0.0.0/8, `localhost`, `[::1]`): the
// one case where a credential may travel over plain http, since it then never leaves the machine — the
// relay's GITHUB_API_URL and the action's slack-webhook-url (a local test double or proxy). Pure.
/** True for 127.0.0.0/8, `localhost` and `[::1]`, as WHATWG URL normalises them (e.g. 127.1 → 127.0.0.1). */
function isLoopbackHost(url) {
    const host = url.hostname.toLowerCase();
    if (host === 'localhost' || host === '[::1]')
        return true;
    const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
    return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}


/***/ }),

/***/ 1576:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ escapeMrkdwn)
/* harmony export */ });
// Slack mrkdwn escaping, shared by the action's result message and the relay's replies: the three
// characters Slack treats as control characters. Pure.
/** Escapes `&`, `<` and `>`; everything user-supplied goes through this before it reaches Slack. */
function escapeMrkdwn(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}


/***/ }),

/***/ 7019:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  oU: () => (/* binding */ InvalidProxyError),
  jj: () => (/* binding */ describeProxySettings),
  iJ: () => (/* binding */ proxyFor),
  uv: () => (/* binding */ readProxySettings)
});

// UNUSED EXPORTS: proxySecrets

;// CONCATENATED MODULE: ./src/shared/errors.ts
// The one error type users see: a message that names what is wrong and the fix, plus where it is
// (file, line, column) so the runner can pin an annotation on it. Anything else is a bug.

/** Where an error about a node of `file` points: the file, and the node's line and column when known. */
function fileLocation(file, at) {
    return { file, ...(at && { line: at.line, column: at.column }) };
}
class UserError extends Error {
    title;
    location;
    /** The problems the message lists, when it lists several (or may be combined with others'). */
    list;
    constructor(title, message, location = {}, list) {
        super(message);
        this.name = 'UserError';
        this.title = title;
        this.location = location;
        if (list)
            this.list = list;
    }
    /** How many problems the message lists: its list's (those cut from it too), or one. */
    get problemCount() {
        return this.list ? this.list.items.length + (this.list.unlisted ?? 0) : 1;
    }
}
function isUserError(error) {
    return error instanceof UserError;
}
/** An error's problems as a list: its own list, or its whole message as one problem at its line. */
function listOf(error) {
    if (error.list)
        return { unlisted: 0, notes: [], ...error.list };
    const text = error.message.split('\n').join('\n    ');
    return {
        items: [{ text, ...(error.location.line !== undefined && { line: error.location.line }) }],
        unlisted: 0,
        notes: [],
    };
}
/**
 * Several UserErrors found in one run, as one: a single header counting every problem (`<file> has 5
 * problems:`), then every problem of every error in the order of the file's lines (unplaced ones last),
 * then the notes of the errors, each once. The titles are joined with "; ", the file is the first one
 * named, the location the earliest line in that file (the first of equal lines). One error is returned
 * as it is.
 */
function combineUserErrors(errors) {
    if (errors.length === 0)
        throw new Error('combineUserErrors needs at least one error');
    if (errors.length === 1)
        return errors[0];
    const file = errors.find((e) => e.location.file !== undefined)?.location.file;
    const placed = errors
        .map((e) => e.location)
        .filter((l) => l.line !== undefined && (l.file === undefined || l.file === file))
        .reduce((a, l) => (a && a.line <= l.line ? a : l), undefined);
    const lists = errors.map(listOf);
    const items = lists.flatMap((l) => l.items).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
    const unlisted = lists.reduce((n, l) => n + l.unlisted, 0);
    const total = items.length + unlisted;
    const notes = [...new Set(lists.flatMap((l) => l.notes))];
    return new UserError(errors.map((e) => e.title).join('; '), [
        `${file ?? 'The sites file'} has ${total} problems:`,
        ...items.map((item) => `  - ${item.text}`),
        ...(unlisted > 0 ? [`  ${andMore(unlisted)}`] : []),
        ...notes,
    ].join('\n'), {
        ...(file !== undefined && { file }),
        ...(placed && { line: placed.line, ...(placed.column !== undefined && { column: placed.column }) }),
    }, { items, unlisted, notes });
}

;// CONCATENATED MODULE: ./src/shared/proxy-settings.ts
// The outbound proxy, as the environment asks for it (self-hosted runners, a relay behind a company
// proxy): reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (the lower-case forms win, as curl and undici
// read them), refuses a value that is not an http(s) proxy URL with the variable and the fix, decides
// for one URL whether it goes through a proxy and which, and describes the choice for one log line
// with any credentials hidden. Both the action and the relay use it; the agents that act on the
// decision are built in proxy-network.ts. Pure.

/** The value of a variable, lower-case spelling first; empty counts as unset. */
function lookup(env, name) {
    for (const variable of [name.toLowerCase(), name]) {
        const value = env[variable]?.trim();
        if (value)
            return { variable, value };
    }
    return undefined;
}
/** A proxy variable that is not a usable proxy URL: the variable, what is wrong and the fix. */
class InvalidProxyError extends UserError {
    variable;
    /** What is wrong and the fix, without the variable's name (the relay prefixes `VARIABLE: `). */
    problem;
    constructor(variable, problem) {
        super(`Invalid ${variable}`, `${variable} ${problem}`);
        this.variable = variable;
        this.problem = problem;
    }
}
const FIX = 'set it to the proxy as http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT), or unset it';
function endpoint(variable, value) {
    // host:port alone means an http proxy, as curl and @actions/http-client read it
    const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new InvalidProxyError(variable, `is not a proxy URL; ${FIX}.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new InvalidProxyError(variable, `uses ${url.protocol.slice(0, -1)}:, which cache-purge-action cannot use (only http and https proxies, which carry https through CONNECT); ${FIX}.`);
    }
    if (url.hostname === '') {
        throw new InvalidProxyError(variable, `names no proxy host; ${FIX}.`);
    }
    if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
        throw new InvalidProxyError(variable, `has a path or query after the host (${url.pathname}${url.search}); a proxy is only a host and port: ${FIX}.`);
    }
    const password = url.password ? decodeURIComponent(url.password) : undefined;
    const display = `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
    return { url: url.href.replace(/\/$/, ''), display, variable, ...(password && { password }) };
}
/** NO_PROXY entries: comma- or space-separated hosts, `.host` or `*.host` (same as host), `host:port`. */
function noProxyEntries(value) {
    return value
        .split(/[,\s]+/)
        .filter((entry) => entry !== '')
        .map((entry) => {
        const withPort = /^(.+):(\d+)$/.exec(entry);
        // an IPv6 address without brackets is all colons: only `[…]:port` or `host:port` carry a port
        const hasPort = withPort !== null && (!withPort[1].includes(':') || withPort[1].endsWith(']'));
        const name = (hasPort ? withPort[1] : entry).replace(/^\*?\./, '').toLowerCase();
        // URL.hostname keeps an IPv6 address in brackets
        const host = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
        return { host, ...(hasPort && { port: Number(withPort[2]) }) };
    });
}
/**
 * The proxy settings of `env`, or undefined when neither HTTPS_PROXY nor HTTP_PROXY is set (nothing
 * changes then). Throws a UserError naming the variable when a proxy value is not a usable URL.
 */
function readProxySettings(env) {
    const https = lookup(env, 'HTTPS_PROXY');
    const http = lookup(env, 'HTTP_PROXY');
    if (!https && !http)
        return undefined;
    const noProxyText = lookup(env, 'NO_PROXY')?.value ?? '';
    const noProxy = noProxyEntries(noProxyText);
    return {
        ...(https && { https: endpoint(https.variable, https.value) }),
        ...(http && { http: endpoint(http.variable, http.value) }),
        noProxy: noProxy.filter((entry) => entry.host !== '*'),
        bypassAll: noProxy.some((entry) => entry.host === '*'),
        noProxyText,
    };
}
const DEFAULT_PORTS = { 'http:': 80, 'https:': 443 };
/**
 * The proxy a request to `target` goes through, or undefined to go direct: https:// targets use
 * HTTPS_PROXY, http:// targets HTTP_PROXY (one is never used for the other's requests, as curl and
 * @actions/http-client do), unless the host is in NO_PROXY — the host itself or a subdomain of an
 * entry, on any port or the entry's own. Loopback hosts are proxied too unless listed there.
 */
function proxyFor(target, settings) {
    const url = typeof target === 'string' ? new URL(target) : target;
    const proxy = url.protocol === 'https:' ? settings.https : url.protocol === 'http:' ? settings.http : undefined;
    if (!proxy || settings.bypassAll)
        return undefined;
    const host = url.hostname.toLowerCase();
    const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
    const listed = settings.noProxy.some((entry) => (entry.port === undefined || entry.port === port) &&
        (host === entry.host || host.endsWith(`.${entry.host}`)));
    return listed ? undefined : proxy;
}
/** The one log line saying a proxy is used: each proxy without credentials, and what bypasses it. */
function describeProxySettings(settings) {
    const via = [
        settings.https && `https:// requests via ${settings.https.display} (${settings.https.variable})`,
        settings.http && `http:// requests via ${settings.http.display} (${settings.http.variable})`,
    ].filter((part) => typeof part === 'string');
    const direct = settings.bypassAll
        ? 'NO_PROXY is *, so every request goes direct'
        : settings.noProxy.length > 0
            ? `direct to ${settings.noProxy.map((e) => (e.port ? `${e.host}:${e.port}` : e.host)).join(', ')} (NO_PROXY)`
            : 'no NO_PROXY hosts';
    return `Proxy: ${via.join('; ')}; ${direct}.`;
}
/** The proxy passwords, to be masked wherever the run logs. */
function proxySecrets(settings) {
    return [settings.https?.password, settings.http?.password].filter((secret) => typeof secret === 'string');
}


/***/ }),

/***/ 4646:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   LS: () => (/* binding */ plural),
/* harmony export */   a3: () => (/* binding */ formatDuration)
/* harmony export */ });
/* unused harmony exports formatCount, quoteCut, andMore, listFirst */
// How counts, durations, user-written values and long lists read in messages, wherever they are shown
// (log, job summary, annotations, Slack, error messages): thousands separators, "1 file" / "2 files"
// (never "file(s)"), "420 ms" / "4.1 s" / "2 min 05 s", a value quoted and cut short, the first few
// items of a list and "… and N more". Pure; shared by the sites-file and input checks and every view
// of a plan or report. Machine-readable fields (the `report` output's numbers) are not formatted here.
/** `1,234,567` */
function formatCount(n) {
    return Math.round(n)
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** `1 file`, `1,234 files`. */
const plural = (n, one, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
/**
 * A duration as people read it: `420 ms`, `4.1 s`, `30 s`, `2 min 05 s`, `10 min`, `1 h 02 min`,
 * `2 h`; `–` when unknown. Tenths below a minute (a trailing `.0` dropped), then whole seconds, then
 * whole minutes. The one format for every duration a person reads, measured or configured.
 */
function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return '–';
    if (ms < 999.5)
        return `${Math.round(ms)} ms`;
    const tenths = Math.round(ms / 100);
    if (tenths < 600)
        return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)} s`;
    const totalSeconds = Math.round(ms / 1000);
    if (totalSeconds < 3600)
        return withRest(Math.floor(totalSeconds / 60), 'min', totalSeconds % 60, 's');
    const minutes = Math.round(totalSeconds / 60);
    return withRest(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
}
/** `2 min 05 s`, or `2 min` when there is nothing left over. */
const withRest = (whole, unit, rest, restUnit) => rest === 0 ? `${whole} ${unit}` : `${whole} ${unit} ${String(rest).padStart(2, '0')} ${restUnit}`;
/**
 * A value as a message quotes it: JSON-quoted, cut to `max` characters (code points, so an emoji is
 * never split) with "…" when longer. Messages never paste a whole file or a whole input.
 */
function quoteCut(value, max) {
    const chars = [...value];
    return JSON.stringify(chars.length <= max ? value : chars.slice(0, max).join('') + '…');
}
/**
 * What stands for the items a list leaves out: `… and 3 more`, `… and 1 more failed instance`,
 * `… and 1,204 more failed instances`. The one wording for every list cut short.
 */
function andMore(left, one, many = one === undefined ? undefined : `${one}s`) {
    const what = one === undefined ? '' : ` ${left === 1 ? one : many}`;
    return `… and ${formatCount(left)} more${what}`;
}
/**
 * The first `shown` items joined by `separator`, then ` … and n more` (andMore) for the n items left
 * out: `i-0a, i-0b … and 3 more`. The whole list when it is no longer than `shown`.
 */
function listFirst(items, shown, separator) {
    if (items.length <= shown)
        return items.join(separator);
    return `${items.slice(0, shown).join(separator)} ${andMore(items.length - shown)}`;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 99:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 7997:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(6990);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
