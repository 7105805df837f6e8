export const id = 711;
export const ids = [711];
export const modules = {

/***/ 32711:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  executeSites: () => (/* binding */ executeSites)
});

// UNUSED EXPORTS: executePlan, worstStatus

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var dist_cjs = __webpack_require__(34736);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudfront/dist-cjs/index.js
var client_cloudfront_dist_cjs = __webpack_require__(23169);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(58382);
// EXTERNAL MODULE: ./src/action/report/report-view.ts
var report_view = __webpack_require__(42109);
// EXTERNAL MODULE: ./src/shared/text.ts
var shared_text = __webpack_require__(24646);
// EXTERNAL MODULE: ./src/action/run/clock.ts + 1 modules
var run_clock = __webpack_require__(6957);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(71695);
;// CONCATENATED MODULE: ./src/action/run/sdk-http-options.ts
// The AWS SDK client option that sends a client's requests through the proxy-choosing agent
// (../../shared/proxy-network.ts builds it, only when a proxy is set), shared by the STS client of the
// credentials and the SSM and CloudFront clients of the run. Pure.
/** `requestHandler` with `agent` for both schemes, or nothing (the SDK's own handler). */
function sdkHttpOptions(agent) {
    return agent ? { requestHandler: { httpAgent: agent, httpsAgent: agent } } : {};
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js
var credential_provider_node_dist_cjs = __webpack_require__(5861);
// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/index.js
var core_dist_cjs = __webpack_require__(90402);
// EXTERNAL MODULE: ./src/action/inputs/execution-inputs.ts
var execution_inputs = __webpack_require__(22940);
// EXTERNAL MODULE: ./src/action/report/diagnosis.ts
var diagnosis = __webpack_require__(42112);
;// CONCATENATED MODULE: ./src/action/run/credential-messages.ts
// What a credential failure says, with its fix: no credentials in the default chain, a failed GitHub
// OIDC token request, STS refusing AssumeRoleWithWebIdentity (AccessDenied quotes the token's own
// sub and aud, and the stack parameters that trust that sub), and a mid-run refresh that failed.
// Each failure has a title, the message the user reads, and a one-line `<code>: <reason>` summary for
// the log line of a refresh that failed without failing anything. Pure; credentials.ts does the I/O.


const ROLE_FIX = 'set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step';
/** Without role-to-assume, the default chain found nothing (or one of its sources failed). */
function defaultChainFailure(name, message) {
    if (/could not load credentials from any providers/i.test(message)) {
        return `No AWS credentials were found. The "role-to-assume" input is empty, so the action asked the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, a web identity token file, container or instance metadata), and none of them had credentials. Fix: ${ROLE_FIX}.`;
    }
    return `The AWS SDK's default credential chain failed (${name}: ${message}). The "role-to-assume" input is empty, so the action relies on that chain. Fix the credential source it names, or ${ROLE_FIX}.`;
}
/** The OIDC token request (getIDToken) failed with `message`: the whole failure, title and summary too. */
function oidcTokenRequestFailure(audience, message) {
    return {
        title: 'Could not get the GitHub OIDC token',
        message: oidcTokenFailure(audience, message),
        summary: oidcTokenSummary(message),
    };
}
/**
 * The OIDC token request failed although the runner offered a token endpoint — which it does only to
 * jobs with `permissions: id-token: write`, so the permission is not the cause. @actions/core retries
 * HTTP 502, 503 and 504 (10 times, backing off); other answers and network errors are final.
 */
function oidcTokenFailure(audience, message) {
    const { code, detail } = parseTokenError(message);
    let what;
    if (code === undefined)
        what = `GitHub's token endpoint gave no token (${detail})`;
    else if (!/^\d{3}$/.test(code))
        what = `could not reach GitHub's token endpoint (${detail}); @actions/core does not retry that`;
    else if (['502', '503', '504'].includes(code))
        what = `GitHub's token endpoint answered HTTP ${code} (${detail}), still after @actions/core's 10 retries`;
    else
        what = `GitHub's token endpoint answered HTTP ${code} (${detail}); not retried (@actions/core retries only 502, 503 and 504)`;
    // @actions/http-client's tunnel library, when the proxy answered CONNECT with something else than 200
    const refused = /tunneling socket could not be established, statusCode=(\d{3})/.exec(detail)?.[1];
    if (refused !== undefined) {
        return `Requesting the GitHub OIDC token for audience "${audience}" failed: the proxy (HTTPS_PROXY) refused to open a tunnel to GitHub's token endpoint (HTTP ${refused} to CONNECT). ${refused === '407' ? 'It wants a login: put USER:PASSWORD@ in the proxy URL.' : 'Allow CONNECT to the host of ACTIONS_ID_TOKEN_REQUEST_URL on port 443 in the proxy, or list that host in NO_PROXY if the runner reaches it directly.'} See docs/troubleshooting.md, "A proxy refuses CONNECT".`;
    }
    return `Requesting the GitHub OIDC token for audience "${audience}" failed: ${what}. The job does have \`permissions: id-token: write\` (the runner set ACTIONS_ID_TOKEN_REQUEST_URL, which it does only then), so this is most likely a transient problem on GitHub's side: re-run the job, and check https://www.githubstatus.com if it keeps failing.`;
}
/** @actions/core's own wording: "Failed to get ID Token. … Error Code : 500 … Error Message: …" */
function parseTokenError(message) {
    const code = /Error Code : (\S+)/.exec(message)?.[1];
    const detail = (/Error Message: ([\s\S]*)$/.exec(message)?.[1] ?? message.replace(/^Error message: /, ''))
        .replace(/\s+/g, ' ')
        .trim();
    return { code, detail };
}
/** `OIDC token HTTP 500: Internal server error`, or `OIDC token request: <what failed>`. */
function oidcTokenSummary(message) {
    const { code, detail } = parseTokenError(message);
    return code && /^\d{3}$/.test(code)
        ? `OIDC token HTTP ${code}: ${detail}`
        : `OIDC token request: ${detail}`;
}
/**
 * The `sub` and `aud` claims of a JWT, read from its payload (the middle part, base64url JSON) without
 * verifying it: they are not secret, and STS has just judged the token. Undefined when it has no `sub`.
 */
function tokenClaims(token) {
    const payload = token.split('.')[1];
    if (!payload)
        return undefined;
    let claims;
    try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    }
    catch {
        return undefined;
    }
    if (!claims || typeof claims !== 'object')
        return undefined;
    const { sub, aud } = claims;
    if (typeof sub !== 'string' || sub === '')
        return undefined;
    const audiences = (Array.isArray(aud) ? aud : [aud]).filter((a) => typeof a === 'string');
    return audiences.length > 0 ? { sub, aud: audiences.join('", "') } : { sub };
}
const withSpace = (sentence) => (sentence ? ` ${sentence}` : '');
/**
 * What the stack of infra/cache-purge.yml must be deployed with for its role to trust a token with
 * this `sub` (docs/troubleshooting.md, "Could not assume the role"): its trust policy's sub is built
 * from the stack parameters GitHubOwner, GitHubRepository and GitHubEnvironment, or GitHubBranch when
 * GitHubEnvironment is empty, and one more per ExtraGitHubRepositories entry (owner/repo:branch:NAME
 * or owner/repo:environment:NAME). '' for a sub of any other form (a tag, a pull request).
 */
function stackParametersFor(sub) {
    const environment = /^repo:([^/:]+)\/([^:]+):environment:(.+)$/.exec(sub);
    if (environment) {
        const [, owner, repository, name] = environment;
        return `If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubEnvironment=${name}, GitHubOwner=${owner} and GitHubRepository=${repository}, or with ${owner}/${repository}:environment:${name} in ExtraGitHubRepositories.`;
    }
    const branch = /^repo:([^/:]+)\/([^:]+):ref:refs\/heads\/(.+)$/.exec(sub);
    if (branch) {
        const [, owner, repository, name] = branch;
        return `If the role is the stack's (infra/cache-purge.yml), the stack must be deployed with GitHubBranch=${name} and GitHubEnvironment empty, GitHubOwner=${owner} and GitHubRepository=${repository}, or with ${owner}/${repository}:branch:${name} in ExtraGitHubRepositories.`;
    }
    return '';
}
/** STS answered, but with no credentials in it. */
function noCredentialsReturned(roleArn) {
    return {
        title: 'Could not assume the role',
        message: `STS returned no credentials for ${roleArn}.`,
        summary: 'NoCredentials: STS returned no credentials',
    };
}
/** AssumeRoleWithWebIdentity failed with error `code` and `message` (no final period): what to fix. */
function stsFailure(code, message, context) {
    const { roleArn, settings, env, requests, token } = context;
    const summary = `${code}: ${message}`;
    const failure = (title, text) => ({ title, message: text, summary });
    if (code === 'AccessDenied' || code === 'AccessDeniedException') {
        const claims = tokenClaims(token);
        if (claims) {
            const aud = claims.aud ?? settings.audience;
            return failure('Could not assume the role', `STS denied AssumeRoleWithWebIdentity for ${roleArn} (${message}). This job's token has sub "${claims.sub}" and aud "${aud}"; the role's trust policy must allow exactly that: it must trust the OIDC provider token.actions.githubusercontent.com, with its condition "token.actions.githubusercontent.com:sub" matching "${claims.sub}" (StringEquals, or StringLike with a wildcard) and "token.actions.githubusercontent.com:aud" matching "${aud}".${withSpace(stackParametersFor(claims.sub))}`);
        }
        const repo = env.GITHUB_REPOSITORY ?? 'OWNER/REPO';
        const ref = env.GITHUB_REF ?? 'refs/heads/main';
        return failure('Could not assume the role', `STS denied AssumeRoleWithWebIdentity for ${roleArn} (${message}). Check the role's trust policy: it must trust the OIDC provider token.actions.githubusercontent.com, its condition "token.actions.githubusercontent.com:aud" must be "${settings.audience}", and "token.actions.githubusercontent.com:sub" must match this job (repo:${repo}:ref:${ref}, or repo:${repo}:environment:NAME when the job uses an environment).`);
    }
    // The SDK names STS's modelled errors with "Exception" (InvalidIdentityTokenException for the wire
    // code InvalidIdentityToken); both spellings are matched.
    if (/^(InvalidIdentityToken|ExpiredToken|IDPRejectedClaim)(Exception)?$/.test(code)) {
        return failure('Could not assume the role', `STS rejected the GitHub OIDC token for ${roleArn}: ${code}: ${message}. Check that the account has an IAM OIDC identity provider for https://token.actions.githubusercontent.com with audience "${settings.audience}".`);
    }
    if (code === 'ValidationError' && /DurationSeconds/i.test(message)) {
        return failure('Could not assume the role', `STS refused the session length for ${roleArn}: ${message}. Lower the "role-duration-seconds" input (now ${settings.roleDurationSeconds}) or raise the role's maximum session duration.`);
    }
    if ((0,diagnosis/* errorOrigin */.ph)(code) === 'network') {
        return failure('Could not reach AWS STS', `AssumeRoleWithWebIdentity for ${roleArn} could not reach STS (after ${(0,shared_text/* plural */.LS)(requests, 'request')}): ${code}: ${message}. Check that the runner can reach the STS endpoint (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.`);
    }
    return failure('Could not assume the role', `STS AssumeRoleWithWebIdentity for ${roleArn} failed after ${(0,shared_text/* plural */.LS)(requests, 'request')}: ${code}: ${message}. Check the "role-to-assume" input and the role's trust policy; when STS was only unavailable, re-run.`);
}
/**
 * The step error's message for a refresh that failed: what failed (`what`, with its own fix), and how
 * to avoid needing a refresh. `expiration` is the current credentials'.
 */
function refreshFailureMessage(what, roleArn, settings, expiration) {
    const sentence = /[.!?]$/.test(what) ? what : `${what}.`;
    const due = expiration ? ` expire at ${expiration.toISOString()}` : ' are due for renewal';
    return `The assumed-role credentials for ${roleArn}${due}, and refreshing them failed. ${sentence} To need no refresh during a run, raise the "role-duration-seconds" input (now ${settings.roleDurationSeconds}) above the longest run, up to the role's maximum session duration.`;
}
/** A summary as one log-line fragment: `AccessDenied: Not authorized to perform …` (no final period). */
function oneLineSummary(summary) {
    return summary.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

;// CONCATENATED MODULE: ./src/action/run/credentials.ts
// AWS credentials for a real run, resolved before the first step so a missing or refused credential is
// one run-level failure, not a failed step, and handed to every SSM and CloudFront client as a
// credential *provider*, never as static keys, so a run longer than the role session keeps working.
//
// With `role-to-assume`: the GitHub OIDC token (core.getIDToken, imported lazily: its HTTP client,
// which honours HTTPS_PROXY / NO_PROXY itself, is not loaded by a dry run), then STS
// AssumeRoleWithWebIdentity; every returned secret is masked. Beyond the STS client's standard retries
// (3 requests) we try again, with jittered backoff in a bounded time, only errors the SDK itself re-sent
// (never AccessDenied, a bad token or duration), and every message counts the HTTP requests really made
// (`$metadata.attempts`). The first assumption happens up front; later ones when the SDK's own
// memoizeIdentityProvider (@smithy/core) asks, within 5 minutes of Expiration: a fresh OIDC token, the
// role again, the new secrets masked, one log line. A refresh that fails with more than 60 s left fails
// nothing (one log line, the current credentials go on signing, no new try for 30 s); with 60 s or less
// left it becomes the step's CredentialsRefreshFailed error.
// Without `role-to-assume`: the AWS SDK's default credential chain (environment, shared files, web
// identity, container/instance metadata), asked once up front and then passed on as the (memoised,
// self-refreshing) provider it is, so "no credentials" is said with its fix before anything is sent.
// What each failure says, with its fix, is built in credential-messages.ts.










/** A failed refresh is tried again after this long (on the injected clock)… */
const REFRESH_RETRY_MS = 30_000;
/** …and fails the step only once the current credentials have this long or less left (wall clock). */
const REFRESH_LAST_MARGIN_MS = 60_000;
/**
 * A refresh of the assumed-role credentials failed mid-run: what failed, and the fix. Its name is the
 * code the step reports (CREDENTIALS_REFRESH_FAILED), which the diagnosis shows as is.
 */
class CredentialsRefreshError extends Error {
    constructor(message) {
        super(message);
        this.name = diagnosis/* CREDENTIALS_REFRESH_FAILED */.pB;
    }
}
/**
 * The credentials every client uses: with role-to-assume, a provider that has already assumed the
 * role once (so a refused role fails here, before any step) and assumes it again whenever the SDK
 * asks; without, the default chain. Throws UserError (with the fix) or CancelledError.
 */
async function resolveCredentials(settings, deps) {
    const roleArn = settings.roleToAssume;
    if (!roleArn)
        return resolveDefaultChain(deps);
    const noToken = (0,execution_inputs/* oidcTokenUnavailable */.L5)(settings, deps.env);
    if (noToken)
        throw new errors/* UserError */.yo('No OIDC token available', noToken);
    /** The credentials last assumed; undefined until the memoiser's first call (below, before any step). */
    let current;
    /** After a failed refresh: no new try before this clock.now() (unless the margin is reached). */
    let retryAfter;
    const assume = async () => {
        const previous = current;
        if (previous === undefined) {
            // The first assumption: its failure is the run's (the UserError with the fix), not a step's.
            current = await assumeRoleWithOidc(roleArn, settings, deps);
            deps.log(`Credentials: assumed ${roleArn} as session ${settings.roleSessionName} via GitHub OIDC (audience ${settings.audience}, ${(0,shared_text/* formatDuration */.a3)(settings.roleDurationSeconds * 1000)}).`);
            return current;
        }
        // Cancelled: no new session, but the current one (the SDK refreshes 5 minutes before it ends, so
        // it is normally still valid) still signs the clean-up calls, e.g. CancelCommand.
        if (deps.signal.aborted)
            return previous;
        if (retryAfter !== undefined &&
            deps.clock.now() < retryAfter &&
            millisecondsLeft(previous) > REFRESH_LAST_MARGIN_MS) {
            return previous;
        }
        try {
            current = await assumeRoleWithOidc(roleArn, settings, deps);
        }
        catch (error) {
            if (error instanceof run_clock/* CancelledError */.cc || deps.signal.aborted)
                return previous;
            // Compared as the SDK's isIdentityExpired does (Date.now()), after the attempt took its time.
            const until = previous.expiration;
            if (until && millisecondsLeft(previous) > REFRESH_LAST_MARGIN_MS) {
                retryAfter = deps.clock.now() + REFRESH_RETRY_MS;
                deps.log(`Credentials: refreshing failed (${failureSummary(error)}); the current ones are valid until ${until.toISOString()}; trying again in ${(0,shared_text/* formatDuration */.a3)(REFRESH_RETRY_MS)}.`);
                return previous;
            }
            throw refreshFailure(error, roleArn, settings, previous);
        }
        retryAfter = undefined;
        deps.log(`Credentials: refreshed — assumed ${roleArn} again as session ${settings.roleSessionName} with a new GitHub OIDC token${previous.expiration ? ` (the previous credentials expire at ${previous.expiration.toISOString()})` : ''}.`);
        return current;
    };
    // The SDK's memoiser, shared by every client so one refresh serves them all: it calls assume
    // only while it has no credentials (the first call, below) and whenever the ones it holds are within
    // EXPIRATION_MS (5 minutes) of their `expiration` — see
    // node_modules/@smithy/core/dist-es/legacy-root-exports/util-identity-and-auth/memoizeIdentityProvider.js
    // (memoizeIdentityProvider, isIdentityExpired, doesIdentityRequireRefresh); concurrent callers
    // share one pending call. Each client wraps it once more the same way (@aws-sdk/core
    // dist-es/submodules/httpAuthSchemes/aws_sdk/resolveAwsSdkSigV4Config.js,
    // normalizeCredentialProvider), which then asks this shared one; a client asks for the identity
    // once per command it sends, before that command's retries (@smithy/core httpAuthSchemeMiddleware).
    const provider = (0,core_dist_cjs.memoizeIdentityProvider)(assume, core_dist_cjs.isIdentityExpired, core_dist_cjs.doesIdentityRequireRefresh);
    await provider();
    return provider;
}
/** Milliseconds until `credentials` expire, by the wall clock as the SDK reads it; Infinity without expiry. */
function millisecondsLeft(credentials) {
    return credentials.expiration ? credentials.expiration.getTime() - Date.now() : Infinity;
}
/**
 * A failed assumption: the UserError the user reads (title, message with the fix) and a one-line
 * `<code>: <short reason>` for the log line of a refresh that failed without failing anything.
 */
class AssumeRoleFailure extends errors/* UserError */.yo {
    summary;
    constructor(failure) {
        super(failure.title, failure.message);
        this.summary = failure.summary;
    }
}
/** `AccessDenied: Not authorized to perform …` for a failed refresh attempt. */
function failureSummary(error) {
    return oneLineSummary(error instanceof AssumeRoleFailure ? error.summary : `${(0,run_clock/* awsErrorName */.ZH)(error)}: ${(0,run_clock/* errorMessage */.gJ)(error)}`);
}
/** One OIDC token, then AssumeRoleWithWebIdentity; masks what it returns. UserError or CancelledError. */
async function assumeRoleWithOidc(roleArn, settings, deps) {
    let token;
    try {
        const getIdToken = deps.getIdToken ?? (async (audience) => (await __webpack_require__.e(/* import() */ 421).then(__webpack_require__.bind(__webpack_require__, 96421))).getIDToken(audience));
        token = await (0,run_clock/* untilAborted */.Eu)(getIdToken(settings.audience), deps.signal);
    }
    catch (error) {
        if (error instanceof run_clock/* CancelledError */.cc || deps.signal.aborted)
            throw new run_clock/* CancelledError */.cc();
        throw new AssumeRoleFailure(oidcTokenRequestFailure(settings.audience, (0,run_clock/* errorMessage */.gJ)(error)));
    }
    deps.setSecret(token);
    const sts = new client_sts_dist_cjs/* STSClient */.iM({ region: deps.region, ...sdkHttpOptions(deps.httpAgent) });
    const random = deps.random ?? Math.random;
    const budget = deps.stsRetryBudgetMs ?? 60_000;
    const started = deps.clock.now();
    let requests = 0;
    try {
        for (let pass = 0;; pass++) {
            if (deps.signal.aborted)
                throw new run_clock/* CancelledError */.cc();
            try {
                const out = await sts.send(new client_sts_dist_cjs/* AssumeRoleWithWebIdentityCommand */.WH({
                    RoleArn: roleArn,
                    RoleSessionName: settings.roleSessionName,
                    WebIdentityToken: token,
                    DurationSeconds: settings.roleDurationSeconds,
                }), { abortSignal: deps.signal });
                const c = out.Credentials;
                if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
                    throw new AssumeRoleFailure(noCredentialsReturned(roleArn));
                }
                deps.setSecret(c.AccessKeyId);
                deps.setSecret(c.SecretAccessKey);
                deps.setSecret(c.SessionToken);
                return {
                    accessKeyId: c.AccessKeyId,
                    secretAccessKey: c.SecretAccessKey,
                    sessionToken: c.SessionToken,
                    ...(c.Expiration && { expiration: c.Expiration }),
                };
            }
            catch (error) {
                if (deps.signal.aborted)
                    throw new run_clock/* CancelledError */.cc();
                if (error instanceof errors/* UserError */.yo)
                    throw error;
                const sent = (0,run_clock/* sdkRequests */.NK)(error);
                requests += sent;
                const code = (0,run_clock/* awsErrorName */.ZH)(error);
                const delay = (0,run_clock/* jitteredBackoffMs */.sq)(pass, 1_000, 10_000, random);
                // The SDK re-sends only what it judges transient (throttling, 5xx, timeouts, connection
                // resets, errors STS models as retryable such as IDPCommunicationError); what it sent once is
                // final and would fail the same way again.
                const transient = sent > 1;
                if (transient && deps.clock.now() - started + delay < budget) {
                    deps.log(`STS AssumeRoleWithWebIdentity: ${code} after ${(0,shared_text/* plural */.LS)(requests, 'request')}; retrying in ${(0,shared_text/* formatDuration */.a3)(delay)}.`);
                    await deps.clock.sleep(delay, deps.signal);
                    continue;
                }
                const message = (0,run_clock/* errorMessage */.gJ)(error).replace(/\.$/, '');
                throw new AssumeRoleFailure(stsFailure(code, message, { roleArn, settings, env: deps.env, requests, token }));
            }
        }
    }
    finally {
        sts.destroy();
    }
}
/** The step error for a refresh that failed: what failed (with its own fix), and how to avoid it. */
function refreshFailure(error, roleArn, settings, previous) {
    const what = error instanceof errors/* UserError */.yo ? `${error.title}: ${error.message}` : (0,run_clock/* errorMessage */.gJ)(error);
    return new CredentialsRefreshError(refreshFailureMessage(what, roleArn, settings, previous.expiration));
}
/**
 * The SDK's default chain, asked once now: credentials found → the chain itself, a provider, for every
 * client — never the static values it returned — so expiring credentials (a web identity file,
 * container or instance metadata, SSO) are renewed: defaultProvider is memoised by memoizeChain, which
 * asks the chain again within 5 minutes of their expiration (node_modules/@aws-sdk/
 * credential-provider-node/dist-es/runtime/memoize-chain.js, credentialsTreatedAsExpired in
 * dist-es/defaultProvider.js). None → a UserError with the fix.
 */
async function resolveDefaultChain(deps) {
    // its STS/SSO clients (web identity file, profiles) go through the proxy too; the instance and
    // container metadata endpoints are link-local and always reached directly
    const chain = deps.defaultChain ?? (0,credential_provider_node_dist_cjs.defaultProvider)({ clientConfig: sdkHttpOptions(deps.httpAgent) });
    try {
        await (0,run_clock/* untilAborted */.Eu)(chain(), deps.signal);
    }
    catch (error) {
        if (error instanceof run_clock/* CancelledError */.cc || deps.signal.aborted)
            throw new run_clock/* CancelledError */.cc();
        throw new errors/* UserError */.yo('No AWS credentials', defaultChainFailure((0,run_clock/* awsErrorName */.ZH)(error), (0,run_clock/* errorMessage */.gJ)(error)));
    }
    deps.log('Credentials: found by the AWS SDK default credential chain (no role-to-assume given).');
    return chain;
}

;// CONCATENATED MODULE: ./src/action/run/parallel.ts
// A bounded parallel runner: runs one task per item, at most `limit` at a time, starting them in the
// items' order, and returns every result in that order. A task that throws does not stop the others
// (its error is returned in its place); once `signal` aborts, the items not started yet are not
// started but handed to `notStarted` for their result. Time is the caller's (each task uses the
// injected clock); the runner itself only counts. No I/O.
async function runBounded(items, limit, task, options = {}) {
    if (!Number.isInteger(limit) || limit < 1)
        throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            const item = items[index];
            if (options.signal?.aborted && options.notStarted) {
                results[index] = { ok: true, value: options.notStarted(item, index) };
                continue;
            }
            try {
                results[index] = { ok: true, value: await task(item, index) };
            }
            catch (error) {
                results[index] = { ok: false, error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

;// CONCATENATED MODULE: ./src/action/run/requests.ts
// What we send to AWS that is built from the run: SendCommand's input for an SSM step (document,
// parameters, targets, limits), with its Comment (site, requester, run id; ≤ 100 characters), and the
// CloudFront CallerReference (idempotent per run attempt, site and distribution). Pure.
const MAX_SSM_COMMENT = 100;
/** SendCommand for an SSM step: by instance IDs or by tags, as the plan says. */
function sendCommandInput(step, context) {
    const targets = 'instanceIds' in step.targets
        ? { InstanceIds: step.targets.instanceIds }
        : {
            Targets: Object.entries(step.targets.tags).map(([key, values]) => ({
                Key: `tag:${key}`,
                Values: values,
            })),
        };
    return {
        DocumentName: step.document,
        ...(step.documentVersion !== undefined && { DocumentVersion: step.documentVersion }),
        Parameters: step.parameters,
        Comment: ssmComment(context),
        TimeoutSeconds: step.deliveryTimeoutSeconds,
        MaxConcurrency: step.maxConcurrency,
        MaxErrors: step.maxErrors,
        ...targets,
    };
}
function ssmComment(context) {
    const run = context.runId
        ? ` run ${context.runId}${context.runAttempt ? `/${context.runAttempt}` : ''}`
        : '';
    const fixed = `cache-purge ${context.site}${run} by `;
    const room = MAX_SSM_COMMENT - fixed.length;
    const requester = context.requester.length > room
        ? `${context.requester.slice(0, Math.max(0, room - 1))}…`
        : context.requester;
    return `${fixed}${requester}`.slice(0, MAX_SSM_COMMENT);
}
/**
 * `cache-purge/<run id>/<attempt>/<site>/<distribution>`: a retried request in the same attempt is the
 * same invalidation; a re-run (new attempt) is a new one. `fallbackRunId` is used outside Actions.
 * A later step of the same run on a distribution an earlier step already invalidated gets
 * `/step-<index>` after it (`stepIndex`): CloudFront answers a CallerReference it has seen with the
 * earlier invalidation (same paths) or InvalidationBatchAlreadyExists (other paths).
 */
function callerReference(context, distributionId, fallbackRunId, stepIndex) {
    return [
        'cache-purge',
        context.runId ?? fallbackRunId,
        context.runAttempt ?? '1',
        context.site,
        distributionId,
        ...(stepIndex === undefined ? [] : [`step-${stepIndex}`]),
    ].join('/');
}
/** The step index `callerReference` needs: set only when an earlier CloudFront step of `steps` has the same distribution. */
function repeatedDistributionStep(steps, step) {
    const earlier = steps.some((s) => s.kind === 'cloudfront' && s.index < step.index && s.distributionId === step.distributionId);
    return earlier ? step.index : undefined;
}

// EXTERNAL MODULE: ./src/action/report/purge-result.ts
var purge_result = __webpack_require__(75066);
// EXTERNAL MODULE: ./src/action/report/purge-view.ts
var purge_view = __webpack_require__(65130);
;// CONCATENATED MODULE: ./src/action/run/ssm-step-decisions.ts
// The decisions of an SSM step, without I/O: how long to wait before the next poll, when a command
// is over, what each instance's invocation says, whether the step succeeded (every targeted
// instance in Success, at least one targeted — never the parent status alone), and the log lines.




/**
 * P1: median added latency ≤ 350 ms, at most 4 polls in any second, at most 1 poll/s averaged over any
 * command that runs 10 s or longer. Polls at 0.25, 0.575, 1.0, 1.55, 2.26, 3.19, 4.40, 5.96, 7.96 s, then
 * every 2 s: modeled over log-uniform 0.3–5 s commands, median 270 ms, 3 polls in the busiest second,
 * 0.92 poll/s at worst over commands of 10 s or more (`npm run bench poll-tradeoff`).
 */
const DEFAULT_POLL_POLICY = {
    initialDelayMs: 250,
    growth: 1.3,
    maxDelayMs: 2_000,
    burst: 3,
    pollsPerSecond: 1,
};
/**
 * Delay before poll number `pollsDone + 1`, `elapsedMs` after SendCommand: a backoff from a few
 * hundred ms to a cap of a few seconds, never faster than `burst` + `pollsPerSecond` × elapsed.
 */
function nextPollDelayMs(pollsDone, elapsedMs, policy = DEFAULT_POLL_POLICY) {
    const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.growth ** pollsDone);
    const earliestByBudget = ((pollsDone + 1 - policy.burst) * 1000) / policy.pollsPerSecond;
    return Math.max(backoff, earliestByBudget - elapsedMs, 0);
}
/** Command statuses after which nothing changes any more. */
const TERMINAL_COMMAND_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);
const isTerminalCommandStatus = (status) => status !== undefined && TERMINAL_COMMAND_STATUSES.has(status);
/** SSM joins a plugin's stdout and stderr in `Output` with this line. */
const SSM_ERROR_SEPARATOR = '\n----------ERROR-------\n';
/**
 * Output sizes SSM keeps: a plugin's `Output` in ListCommandInvocations(Details=true) holds at most
 * the first 2,500 characters of stdout and stderr together (the agent ends a cut stream with one of
 * the two markers below); GetCommandInvocation returns up to 24,000 characters of stdout and 8,000
 * of stderr.
 */
const SSM_OUTPUT_LIMITS = { pluginOutput: 2_500, standardOutput: 24_000, standardError: 8_000 };
const SSM_STDOUT_TRUNCATED = '\n---Output truncated---';
const SSM_STDERR_TRUNCATED = '\n---Error truncated----';
function splitPluginOutput(output) {
    let stdout;
    let stderr;
    const at = output.indexOf(SSM_ERROR_SEPARATOR);
    if (at !== -1) {
        stdout = output.slice(0, at);
        stderr = output.slice(at + SSM_ERROR_SEPARATOR.length);
    }
    else if (output.startsWith(SSM_ERROR_SEPARATOR.slice(1))) {
        stdout = '';
        stderr = output.slice(SSM_ERROR_SEPARATOR.length - 1);
    }
    else {
        stdout = output;
        stderr = '';
    }
    let truncated = output.length >= SSM_OUTPUT_LIMITS.pluginOutput;
    if (stdout.endsWith(SSM_STDOUT_TRUNCATED)) {
        stdout = stdout.slice(0, -SSM_STDOUT_TRUNCATED.length);
        truncated = true;
    }
    if (stderr.endsWith(SSM_STDERR_TRUNCATED)) {
        stderr = stderr.slice(0, -SSM_STDERR_TRUNCATED.length);
        truncated = true;
    }
    return { stdout, stderr, truncated };
}
/**
 * One instance's report from its invocation. `fullOutputs` (by plugin name) replaces the 2,500-character
 * `Output` of those plugins with what GetCommandInvocation returned.
 */
function instanceReport(invocation, fullOutputs = {}) {
    const plugins = invocation.CommandPlugins ?? [];
    const parts = plugins.map((p) => {
        const full = p.Name !== undefined ? fullOutputs[p.Name] : undefined;
        if (!full)
            return splitPluginOutput(p.Output ?? '');
        return {
            ...full,
            truncated: full.stdout.length >= SSM_OUTPUT_LIMITS.standardOutput ||
                full.stderr.length >= SSM_OUTPUT_LIMITS.standardError,
        };
    });
    const stdout = parts
        .map((p) => p.stdout)
        .filter((s) => s !== '')
        .join('\n');
    const stderr = parts
        .map((p) => p.stderr)
        .filter((s) => s !== '')
        .join('\n');
    const failing = plugins.find((p) => p.Status !== undefined && p.Status !== 'Success');
    const codeSource = failing ?? plugins[plugins.length - 1];
    const starts = plugins.flatMap((p) => (p.ResponseStartDateTime ? [p.ResponseStartDateTime.getTime()] : []));
    const ends = plugins.flatMap((p) => (p.ResponseFinishDateTime ? [p.ResponseFinishDateTime.getTime()] : []));
    const report = {
        instanceId: invocation.InstanceId ?? 'unknown',
        status: invocation.Status ?? 'Unknown',
        statusDetails: invocation.StatusDetails ?? invocation.Status ?? 'Unknown',
        stdout,
        stderr,
    };
    if (codeSource?.ResponseCode !== undefined)
        report.responseCode = codeSource.ResponseCode;
    if (starts.length > 0 && ends.length > 0)
        report.durationMs = Math.max(0, Math.max(...ends) - Math.min(...starts));
    const result = (0,purge_result/* parsePurgeResult */.a5)(stdout);
    if (result)
        report.result = result;
    if (parts.some((p) => p.truncated))
        report.outputTruncated = true;
    return report;
}
/** Full-output reads per step, at most: the normal path makes none (see fullOutputRequests). */
const MAX_FULL_OUTPUT_READS = 10;
/**
 * Which plugin outputs to read again with GetCommandInvocation: only those SSM cut at 2,500 characters,
 * only on instances whose report has no CACHE_PURGE_RESULT (a cut output loses its last line, the
 * result; a failed script's error is what the user needs), the first `max` of them. An instance whose
 * result line survived is never read again, so a normal run keeps its call count.
 */
function fullOutputRequests(invocations, max = MAX_FULL_OUTPUT_READS) {
    const requests = [];
    let notRead = 0;
    for (const invocation of invocations) {
        const report = instanceReport(invocation);
        if (!report.outputTruncated || report.result)
            continue;
        const cut = (invocation.CommandPlugins ?? []).filter((p) => p.Name !== undefined && splitPluginOutput(p.Output ?? '').truncated);
        if (cut.length === 0)
            continue;
        if (requests.length + cut.length > max) {
            notRead++;
            continue;
        }
        for (const p of cut)
            requests.push({ instanceId: report.instanceId, pluginName: p.Name });
    }
    return { requests, notRead };
}
/** Success only when at least one instance was targeted and every one of them ended in Success. */
function decideSsmStep(targetCount, instances) {
    if (targetCount === 0 && instances.length === 0) {
        return {
            ok: false,
            error: {
                code: 'NoInstancesTargeted',
                message: 'The targets matched no instance: check the tag key and value (or instance ids), that the instances are running, and that they are managed by SSM (Fleet Manager lists them).',
            },
        };
    }
    const bad = instances.filter((i) => i.status !== 'Success');
    if (bad.length > 0) {
        const byDetail = new Map();
        for (const i of bad)
            byDetail.set(i.statusDetails, [...(byDetail.get(i.statusDetails) ?? []), i.instanceId]);
        const first = bad[0];
        return {
            ok: false,
            error: {
                code: first.statusDetails.replace(/\s+/g, '') || first.status,
                message: `${(0,shared_text/* formatCount */.B4)(bad.length)} of ${(0,shared_text/* plural */.LS)(Math.max(targetCount, instances.length), 'instance')} did not succeed: ${[
                    ...byDetail,
                ]
                    .map(([detail, ids]) => `${detail} on ${(0,diagnosis/* listInstances */.ND)(ids)}`)
                    .join('; ')}.`,
            },
        };
    }
    if (instances.length < targetCount) {
        return {
            ok: false,
            error: {
                code: 'MissingInvocations',
                message: `SSM targeted ${(0,shared_text/* plural */.LS)(targetCount, 'instance')} but reported results for only ${(0,shared_text/* formatCount */.B4)(instances.length)}.`,
            },
        };
    }
    return { ok: true };
}
/** `FastCGI cache: 2/3 instances done (4.1 s)` */
function progressLine(stepName, done, total, elapsedMs) {
    return `${stepName}: ${(0,shared_text/* formatCount */.B4)(done)}/${(0,shared_text/* plural */.LS)(total, 'instance')} done (${(0,shared_text/* formatDuration */.a3)(elapsedMs)})`;
}
const firstLine = (text) => text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '') ?? '';
/** What happened on one instance, in one line. */
function instanceLine(instance) {
    const took = instance.durationMs !== undefined ? ` in ${(0,shared_text/* formatDuration */.a3)(instance.durationMs)}` : '';
    if (instance.status === 'Success') {
        const r = instance.result;
        const detail = r ? ` — ${(0,purge_view/* describeInstanceResult */.Uy)(r)}` : '';
        return `✓ ${instance.instanceId}: Success${took}${detail}`;
    }
    const why = {
        Undeliverable: 'SSM could not deliver the command: the SSM agent is not running or the instance profile lacks AmazonSSMManagedInstanceCore',
        'Delivery Timed Out': 'the command was not delivered before the delivery timeout: the instance is offline or stopped',
        'Execution Timed Out': "the script ran past the document's executionTimeout",
        'Access Denied': 'the role may not run this document on this instance (ssm:SendCommand)',
        Cancelled: 'the command was cancelled',
        Terminated: 'SSM stopped it because MaxErrors was exceeded',
        Pending: 'not started yet when the step ended',
        InProgress: 'still running when the step ended',
        Delayed: 'delayed by SSM when the step ended',
        Cancelling: 'being cancelled when the step ended',
    };
    const code = instance.responseCode !== undefined && instance.responseCode >= 0
        ? ` (exit code ${instance.responseCode})`
        : '';
    const explanation = why[instance.statusDetails] ?? firstLine(instance.stderr) ?? '';
    const tail = explanation ? ` — ${explanation}` : '';
    const stderr = why[instance.statusDetails] && firstLine(instance.stderr)
        ? `; stderr: ${firstLine(instance.stderr)}`
        : '';
    return `✗ ${instance.instanceId}: ${instance.statusDetails}${code}${took}${tail}${stderr}`;
}

;// CONCATENATED MODULE: ./src/action/run/step-report.ts
// The report of one step as the executor builds it: the skeleton of each kind (a skipped step, or a
// step that starts `failed` until it finishes), and the function that finishes it with its status,
// error and duration. Shared by the SSM and CloudFront step runners and the executor's skipped steps.
function stepReport(step, status, startedAt) {
    const timing = { status, ...(startedAt !== undefined && { startedAt }), durationMs: 0 };
    if (step.kind === 'verify') {
        const { index, name, urls, sitemap } = step;
        return { index, name, kind: 'verify', ...timing, urls, ...(sitemap !== undefined && { sitemap }) };
    }
    return step.kind === 'ssm'
        ? {
            index: step.index,
            name: step.name,
            kind: 'ssm',
            ...timing,
            document: step.document,
            region: step.region,
            targetCount: 0,
            instances: [],
        }
        : {
            index: step.index,
            name: step.name,
            kind: 'cloudfront',
            ...timing,
            distributionId: step.distributionId,
            paths: step.paths,
        };
}
/** Sets the report's final status, its error (if any) and its duration since `started`; returns it. */
function reportFinisher(report, clock, started) {
    return (status, error) => {
        report.status = status;
        if (error)
            report.error = error;
        report.durationMs = Math.round(clock.now() - started);
        return report;
    };
}

;// CONCATENATED MODULE: ./src/action/run/ssm-step.ts
// Runs one SSM step against AWS: SendCommand, then polling ListCommands (one call per poll, whatever
// the fleet size) until the command is over or the step timeout cancels it, then one paginated
// ListCommandInvocations(Details=true) to learn every instance's result — plus GetCommandInvocation
// only for outputs SSM cut at 2,500 characters with no CACHE_PURGE_RESULT left (at most 10 per step).
// Decisions live in src/action/run/ssm-step-decisions.ts and SendCommand's input in requests.ts; this
// file only talks to SSM, the clock and the log.






const NOT_VISIBLE_YET = new Set(['InvalidCommandId', 'InvocationDoesNotExist']);
const TRANSIENT = new Set([
    'ThrottlingException',
    'Throttling',
    'TooManyRequestsException',
    'InternalServerError',
    'ServiceUnavailable',
    'RequestTimeout',
    'TimeoutError',
]);
async function runSsmStep(step, context, deps) {
    const { ssm, clock, signal, log } = deps;
    const policy = deps.pollPolicy ?? DEFAULT_POLL_POLICY;
    const graceMs = Math.min(deps.graceMs ?? 30_000, deps.stepTimeoutMs);
    const progressEveryMs = deps.progressEveryMs ?? 5_000;
    const started = clock.now();
    const deadline = started + deps.stepTimeoutMs;
    const report = stepReport(step, 'failed', clock.date().toISOString());
    const finish = reportFinisher(report, clock, started);
    if (signal.aborted)
        return finish('cancelled', {
            code: 'Cancelled',
            message: 'The job was cancelled before this step started.',
        });
    let commandId;
    try {
        const sent = await ssm.send(new dist_cjs/* SendCommandCommand */.VWR(sendCommandInput(step, context)), {
            abortSignal: signal,
        });
        commandId = sent.Command?.CommandId ?? '';
        if (!commandId)
            throw Object.assign(new Error('SendCommand returned no CommandId'), { name: 'NoCommandId' });
    }
    catch (error) {
        if (signal.aborted) {
            log(`Cancelled while sending the command; SSM may still have received it.`);
            return finish('cancelled', {
                code: 'Cancelled',
                message: 'The job was cancelled while sending the command.',
            });
        }
        const code = (0,run_clock/* awsErrorName */.ZH)(error);
        log(`SendCommand failed: ${code}: ${(0,run_clock/* errorMessage */.gJ)(error)}`);
        return finish('failed', { code, message: `SendCommand ${step.document} failed: ${(0,run_clock/* errorMessage */.gJ)(error)}` });
    }
    report.commandId = commandId;
    log(`Sent command ${commandId} (${step.document}) in ${step.region}.`);
    // --- wait until the command is over ---------------------------------------------------------
    let polls = 0;
    let lastProgress = started;
    let ended = 'done';
    for (;;) {
        const elapsed = clock.now() - started;
        const wait = Math.min(nextPollDelayMs(polls, elapsed, policy), deadline - clock.now());
        await clock.sleep(wait, signal);
        if (signal.aborted) {
            ended = 'cancelled';
            break;
        }
        if (clock.now() >= deadline) {
            ended = 'timed-out';
            break;
        }
        polls++;
        let command;
        try {
            const listed = await ssm.send(new dist_cjs/* ListCommandsCommand */.I$q({ CommandId: commandId }), {
                abortSignal: signal,
            });
            command = listed.Commands?.[0];
        }
        catch (error) {
            if (signal.aborted) {
                ended = 'cancelled';
                break;
            }
            const code = (0,run_clock/* awsErrorName */.ZH)(error);
            if (TRANSIENT.has(code)) {
                log(`ListCommands: ${code} (${(0,run_clock/* errorMessage */.gJ)(error)}); still waiting.`);
                continue;
            }
            if (!NOT_VISIBLE_YET.has(code)) {
                log(`ListCommands failed: ${code}: ${(0,run_clock/* errorMessage */.gJ)(error)}`);
                return finish('failed', {
                    code,
                    message: `Could not follow command ${commandId}: ${(0,run_clock/* errorMessage */.gJ)(error)}`,
                });
            }
        }
        if (!command) {
            if (clock.now() - started > graceMs) {
                log(`Command ${commandId} is still not visible in ListCommands after ${(0,shared_text/* formatDuration */.a3)(graceMs)}.`);
                return finish('failed', {
                    code: 'CommandNotFound',
                    message: `SSM did not list command ${commandId} within ${(0,shared_text/* formatDuration */.a3)(graceMs)} of sending it.`,
                });
            }
            continue;
        }
        report.targetCount = command.TargetCount ?? 0;
        if (isTerminalCommandStatus(command.Status))
            break;
        if (clock.now() - lastProgress >= progressEveryMs) {
            lastProgress = clock.now();
            log(progressLine(step.name, command.CompletedCount ?? 0, command.TargetCount ?? 0, clock.now() - started));
        }
    }
    if (ended !== 'done') {
        const cancelled = await cancelCommand(ssm, commandId, deps.cancelCallTimeoutMs ?? 5_000);
        log(`${ended === 'timed-out' ? `Step timeout (${(0,shared_text/* formatDuration */.a3)(deps.stepTimeoutMs)}) reached` : 'Job cancelled'}: ${cancelled ? `sent CancelCommand for ${commandId}` : `CancelCommand for ${commandId} failed`} (best effort: a script already running may still finish on the instance).`);
        report.instances = await readInvocations(ssm, commandId, AbortSignal.timeout(deps.cancelCallTimeoutMs ?? 5_000), log).catch(() => []);
        for (const instance of report.instances)
            log(`  ${instanceLine(instance)}`);
        if (ended === 'timed-out') {
            return finish('timed-out', {
                code: 'StepTimedOut',
                message: `No result within step-timeout-seconds (${(0,shared_text/* formatDuration */.a3)(deps.stepTimeoutMs)}); command ${commandId} was cancelled (best effort). Raise step-timeout-seconds if the purge legitimately takes longer.`,
            });
        }
        return finish('cancelled', {
            code: 'Cancelled',
            message: `The job was cancelled; command ${commandId} was cancelled (best effort).`,
        });
    }
    // --- read every invocation once -------------------------------------------------------------
    let instances;
    for (;;) {
        try {
            instances = await readInvocations(ssm, commandId, signal, log);
        }
        catch (error) {
            if (signal.aborted)
                return finish('cancelled', { code: 'Cancelled', message: 'The job was cancelled.' });
            const code = (0,run_clock/* awsErrorName */.ZH)(error);
            log(`ListCommandInvocations failed: ${code}: ${(0,run_clock/* errorMessage */.gJ)(error)}`);
            return finish('failed', {
                code,
                message: `Could not read the results of ${commandId}: ${(0,run_clock/* errorMessage */.gJ)(error)}`,
            });
        }
        // Just after the command ends the list can still be empty (eventual consistency): bounded retry.
        if (instances.length >= report.targetCount || clock.now() - started > graceMs || clock.now() >= deadline)
            break;
        await clock.sleep(nextPollDelayMs(0, 0, policy), signal);
    }
    report.instances = instances;
    for (const instance of instances)
        log(`  ${instanceLine(instance)}`);
    const decision = decideSsmStep(report.targetCount, instances);
    if (!decision.ok)
        log(decision.error.message);
    return finish(decision.ok ? 'success' : 'failed', decision.error);
}
/**
 * Every invocation of the command, once (paginated ListCommandInvocations, Details=true), then — only
 * for outputs SSM cut at 2,500 characters that hold no CACHE_PURGE_RESULT, at most 10 per step — the
 * full output from GetCommandInvocation. A read that fails keeps the cut output (and says so).
 */
async function readInvocations(ssm, commandId, signal, log) {
    const invocations = [];
    const pages = (0,dist_cjs/* paginateListCommandInvocations */.ayw)({ client: ssm, pageSize: 50 }, { CommandId: commandId, Details: true }, { abortSignal: signal });
    for await (const page of pages) {
        if (signal.aborted)
            throw Object.assign(new Error('aborted'), { name: 'AbortError' });
        invocations.push(...(page.CommandInvocations ?? []));
    }
    const { requests, notRead } = fullOutputRequests(invocations);
    const full = new Map();
    const failures = [];
    await Promise.all(requests.map(async ({ instanceId, pluginName }) => {
        try {
            const got = await ssm.send(new dist_cjs/* GetCommandInvocationCommand */.ryN({
                CommandId: commandId,
                InstanceId: instanceId,
                PluginName: pluginName,
            }), { abortSignal: signal });
            const outputs = full.get(instanceId) ?? {};
            outputs[pluginName] = {
                stdout: got.StandardOutputContent ?? '',
                stderr: got.StandardErrorContent ?? '',
            };
            full.set(instanceId, outputs);
        }
        catch (error) {
            if (signal.aborted)
                throw error;
            failures.push(`${instanceId}: ${(0,run_clock/* awsErrorName */.ZH)(error)}`);
        }
    }));
    if (failures.length > 0) {
        log(`Could not read the full output of ${failures.join(', ')} (GetCommandInvocation); keeping the first ${(0,shared_text/* formatCount */.B4)(SSM_OUTPUT_LIMITS.pluginOutput)} characters SSM listed.`);
    }
    if (notRead > 0) {
        log(`The output of ${(0,shared_text/* plural */.LS)(notRead, 'more instance')} was cut by SSM at ${(0,shared_text/* formatCount */.B4)(SSM_OUTPUT_LIMITS.pluginOutput)} characters and not read again (at most ${(0,shared_text/* plural */.LS)(MAX_FULL_OUTPUT_READS, 'full read')} per step).`);
    }
    return invocations.map((invocation) => instanceReport(invocation, full.get(invocation.InstanceId ?? '')));
}
async function cancelCommand(ssm, commandId, timeoutMs) {
    try {
        await ssm.send(new dist_cjs/* CancelCommandCommand */.tal({ CommandId: commandId }), {
            abortSignal: AbortSignal.timeout(timeoutMs),
        });
        return true;
    }
    catch {
        return false;
    }
}

// EXTERNAL MODULE: ./src/action/sites-file/paths.ts
var paths = __webpack_require__(34286);
;// CONCATENATED MODULE: ./src/action/run/cloudfront-step.ts
// Runs one CloudFront step: CreateInvalidation with an idempotent CallerReference, backing off on
// TooManyInvalidationsInProgress and throttling within the step timeout, then (when asked) waiting
// for GetInvalidation to say Completed, also within the step timeout. Counts every HTTP request the
// SDK made (its retries included) so log lines and errors say how many were sent. Only talks to
// CloudFront, the clock and the log.






/**
 * Throttling and "service unavailable": the SDK's retry strategy (standard or adaptive, 3 requests
 * per send by default) has already retried these before we see them. Which errors it retries is in
 * node_modules/@smithy/core/dist-es/submodules/retry/service-error-classification/constants.js
 * (THROTTLING_ERROR_CODES, which includes "Throttling", "ThrottlingException", "RequestLimitExceeded",
 * "TooManyRequestsException"; TRANSIENT_ERROR_STATUS_CODES 500/502/503/504) and
 * service-error-classification.js next to it (isThrottlingError also takes HTTP 429), @smithy/core
 * 3.41.0. TooManyInvalidationsInProgress is in neither: client-cloudfront models it as a plain 400
 * client error with no retryable trait, so the SDK sends it once and only our loop waits it out.
 */
function isThrottledOrUnavailable(error) {
    const status = (0,run_clock/* sdkMetadata */.mb)(error)?.httpStatusCode;
    return THROTTLING_CODES.has((0,run_clock/* awsErrorName */.ZH)(error)) || status === 429 || status === 503;
}
const THROTTLING_CODES = new Set([
    'Throttling',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TooManyRequestsException',
    'ServiceUnavailable',
]);
const TOO_MANY_INVALIDATIONS = 'TooManyInvalidationsInProgress';
async function runCloudFrontStep(step, context, deps) {
    const { cloudfront, clock, signal, log } = deps;
    const random = deps.random ?? Math.random;
    const started = clock.now();
    const deadline = started + deps.stepTimeoutMs;
    const report = stepReport(step, 'failed', clock.date().toISOString());
    const finish = reportFinisher(report, clock, started);
    const cancelled = () => finish('cancelled', {
        code: 'Cancelled',
        message: report.invalidationId
            ? `The job was cancelled; invalidation ${report.invalidationId} cannot be cancelled and completes on its own.`
            : 'The job was cancelled before the invalidation was created.',
    });
    if (signal.aborted)
        return cancelled();
    const reference = callerReference(context, step.distributionId, deps.fallbackRunId, deps.repeatedStepIndex);
    // Our loop re-sends CreateInvalidation in two cases, both bounded by the step timeout:
    // - TooManyInvalidationsInProgress: the SDK never retries it (see isThrottledOrUnavailable); other
    //   invalidations on the distribution must complete first, which takes seconds to minutes.
    // - throttling / 503 the SDK already retried: here the bounded budget is the point. CreateInvalidation
    //   is rate limited per account (about 0.5 requests/s reported), so other deploys can keep it
    //   throttled past the SDK's 3 quick requests (≤ about 1 s of backoff); the invalidation is what the
    //   user asked for, so we keep trying with longer waits (up to 15 s) until the step timeout.
    // Anything else the SDK retried (network errors, 500/502/504) or refused is reported as it is.
    let requests = 0;
    for (let pass = 0;; pass++) {
        try {
            const created = await cloudfront.send(new client_cloudfront_dist_cjs/* CreateInvalidationCommand */.Yo6({
                DistributionId: step.distributionId,
                InvalidationBatch: {
                    CallerReference: reference,
                    Paths: { Quantity: step.paths.length, Items: step.paths },
                },
            }), { abortSignal: signal });
            requests += (0,run_clock/* sdkRequests */.NK)(created);
            report.invalidationId = created.Invalidation?.Id;
            report.invalidationStatus = created.Invalidation?.Status;
            break;
        }
        catch (error) {
            if (signal.aborted)
                return cancelled();
            requests += (0,run_clock/* sdkRequests */.NK)(error);
            const code = (0,run_clock/* awsErrorName */.ZH)(error);
            const waitable = code === TOO_MANY_INVALIDATIONS || isThrottledOrUnavailable(error);
            const delay = Math.max(250, (0,run_clock/* jitteredBackoffMs */.sq)(pass, 1_000, 15_000, random));
            if (waitable && clock.now() + delay < deadline) {
                log(`CreateInvalidation on ${step.distributionId}: ${code} (${(0,shared_text/* plural */.LS)(requests, 'request')} so far); retrying in ${(0,shared_text/* formatDuration */.a3)(delay)}.`);
                await clock.sleep(delay, signal);
                if (signal.aborted)
                    return cancelled();
                continue;
            }
            const hint = code === TOO_MANY_INVALIDATIONS
                ? " Other invalidations in progress on this distribution hold CloudFront's limits (3,000 file paths, and apart from them 15 wildcard paths, in progress at once): wait for them to complete, or use fewer, wider wildcards."
                : code === 'AccessDenied'
                    ? ` The role needs cloudfront:CreateInvalidation on arn:aws:cloudfront::<account>:distribution/${step.distributionId}.`
                    : code === 'NoSuchDistribution'
                        ? ' Check the distribution id in the sites file.'
                        : '';
            const sent = `${requests > 1 ? ` after ${(0,shared_text/* plural */.LS)(requests, 'request')}` : ''}${waitable ? ` within step-timeout-seconds (${(0,shared_text/* formatDuration */.a3)(deps.stepTimeoutMs)})` : ''}`;
            log(`CreateInvalidation on ${step.distributionId} failed${sent}: ${code}: ${(0,run_clock/* errorMessage */.gJ)(error)}`);
            return finish('failed', {
                code,
                message: `CreateInvalidation on ${step.distributionId} failed${sent}: ${(0,run_clock/* errorMessage */.gJ)(error)}.${hint}`,
            });
        }
    }
    const took = requests > 1 ? ` (CreateInvalidation took ${(0,shared_text/* plural */.LS)(requests, 'request')})` : '';
    log(`Invalidation ${report.invalidationId} of ${(0,paths/* listPaths */.Pe)(step.paths)} on ${step.distributionId}: ${report.invalidationStatus}${took}.`);
    if (!step.wait || report.invalidationStatus === 'Completed')
        return finish('success');
    const waited = await waitForInvalidation(report, { cloudfront, clock, signal, log, deadline });
    const polls = (0,shared_text/* plural */.LS)(waited.requests, 'GetInvalidation request');
    switch (waited.outcome) {
        case 'completed':
            log(`Invalidation ${report.invalidationId} completed (${polls}).`);
            return finish('success');
        case 'cancelled':
            return cancelled();
        case 'deadline':
            log(`Invalidation ${report.invalidationId} still ${report.invalidationStatus} at the step timeout, after ${polls}.`);
            return finish('timed-out', {
                code: 'StepTimedOut',
                message: `Invalidation ${report.invalidationId} did not complete within step-timeout-seconds (${(0,shared_text/* formatDuration */.a3)(deps.stepTimeoutMs)}; ${polls}); it cannot be cancelled and will finish on its own.`,
            });
        case 'failed': {
            const code = (0,run_clock/* awsErrorName */.ZH)(waited.error);
            log(`GetInvalidation ${report.invalidationId} failed: ${code}: ${(0,run_clock/* errorMessage */.gJ)(waited.error)}`);
            return finish('failed', {
                code,
                message: `Could not follow invalidation ${report.invalidationId}${waited.requests > 1 ? ` (after ${polls})` : ''}: ${(0,run_clock/* errorMessage */.gJ)(waited.error)}.${code === 'AccessDenied' ? ' Waiting needs cloudfront:GetInvalidation in the role policy.' : ''}`,
            });
        }
    }
}
/**
 * Polls GetInvalidation (after 1 s, growing ×1.5 to 10 s) until the invalidation of `report` says
 * Completed, keeping `report.invalidationStatus` current. A poll whose throttling or 503 outlasted the
 * SDK's own retries is not re-sent: it only means no news until the next poll. Used by the CloudFront
 * step that waits, and by a verify step waiting for the invalidations earlier steps left in progress.
 */
async function waitForInvalidation(report, deps) {
    const { cloudfront, clock, signal, log, deadline } = deps;
    let requests = 0;
    let delay = 1_000;
    while (report.invalidationStatus !== 'Completed') {
        await clock.sleep(Math.max(0, Math.min(delay, deadline - clock.now())), signal);
        if (signal.aborted)
            return { outcome: 'cancelled', requests };
        if (clock.now() >= deadline)
            return { outcome: 'deadline', requests };
        delay = Math.min(10_000, delay * 1.5);
        try {
            const got = await cloudfront.send(new client_cloudfront_dist_cjs/* GetInvalidationCommand */.Wwh({ DistributionId: report.distributionId, Id: report.invalidationId }), { abortSignal: signal });
            requests += (0,run_clock/* sdkRequests */.NK)(got);
            report.invalidationStatus = got.Invalidation?.Status;
        }
        catch (error) {
            if (signal.aborted)
                return { outcome: 'cancelled', requests };
            requests += (0,run_clock/* sdkRequests */.NK)(error);
            if (!isThrottledOrUnavailable(error))
                return { outcome: 'failed', requests, error };
            log(`GetInvalidation ${report.invalidationId}: ${(0,run_clock/* awsErrorName */.ZH)(error)} (${(0,shared_text/* plural */.LS)(requests, 'request')} so far); asking again at the next poll.`);
        }
    }
    return { outcome: 'completed', requests };
}

// EXTERNAL MODULE: ./src/action/sites-file/bundled-documents.ts + 5 modules
var bundled_documents = __webpack_require__(46631);
;// CONCATENATED MODULE: ./src/action/verify/http-probe.ts
// One request as a visitor makes it: GET, no cache-busting (no query added, no no-cache header),
// redirects not followed, a bounded time to answer. TTFB is the time until the response headers arrive;
// the body is read (and dropped) so the connection can be reused. Node's own fetch (undici) is enough:
// it gives `redirect: 'manual'`, AbortSignal timeouts and keep-alive, so no other HTTP client is needed.
// The adapter; `fetch` and the clock are injected.

const VISITOR_HEADERS = {
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-encoding': 'gzip, deflate, br',
};
const headerRecord = (headers) => {
    const out = {};
    headers.forEach((value, name) => (out[name.toLowerCase()] = value));
    return out;
};
/** Reads a body to its end without keeping it: the count of bytes. */
async function drain(body) {
    if (!body)
        return 0;
    let bytes = 0;
    for await (const chunk of body)
        bytes += chunk.byteLength;
    return bytes;
}
const causeCode = (error) => {
    const cause = error?.cause;
    return typeof cause?.code === 'string'
        ? cause.code
        : typeof cause?.message === 'string'
            ? cause.message
            : '';
};
function makeProbe(deps = {}) {
    const fetch = deps.fetch ?? globalThis.fetch;
    const clock = deps.clock ?? run_clock/* systemClock */.ml;
    const userAgent = deps.userAgent ?? 'cache-purge-action-verify (+https://github.com)';
    return async (url, timeoutMs, signal) => {
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(), Math.max(1, timeoutMs));
        const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
        const started = clock.now();
        try {
            const response = await fetch(url, {
                method: 'GET',
                redirect: 'manual',
                headers: { ...VISITOR_HEADERS, 'user-agent': userAgent },
                signal: combined,
            });
            const ttfbMs = clock.now() - started;
            const responseAtMs = clock.date().getTime();
            const bytes = await drain(response.body);
            return {
                kind: 'response',
                status: response.status,
                headers: headerRecord(response.headers),
                ttfbMs,
                totalMs: clock.now() - started,
                responseAtMs,
                bytes,
            };
        }
        catch (error) {
            if (timeout.signal.aborted || signal?.aborted)
                return { kind: 'timeout', afterMs: clock.now() - started };
            const code = causeCode(error);
            const message = error instanceof Error ? error.message : String(error);
            return { kind: 'network', message: code ? `${message} (${code})` : message };
        }
        finally {
            clearTimeout(timer);
        }
    };
}

// EXTERNAL MODULE: ./src/action/verify/verify-report.ts + 1 modules
var verify_report = __webpack_require__(91686);
// EXTERNAL MODULE: ./src/action/verify/run-verify.ts + 1 modules
var run_verify = __webpack_require__(38825);
// EXTERNAL MODULE: ./node_modules/saxes/saxes.js
var saxes = __webpack_require__(59800);
// EXTERNAL MODULE: ./src/action/verify/verify-config.ts
var verify_config = __webpack_require__(62668);
;// CONCATENATED MODULE: ./src/action/verify/sitemap.ts
// Reads the page URLs of a sitemap, or of a sitemap index and the sitemaps it lists (indexes within
// indexes up to a depth), over HTTP, as a stream: each document is parsed chunk by chunk as it arrives
// (gzip recognised by its magic bytes, so `.xml.gz` works whether or not the server also set
// Content-Encoding), and reading stops once `limit` distinct URLs are found. Never more than one chunk
// of a document is held. The parser is saxes: a strict, streaming, well-kept XML parser (the one jsdom
// uses) with its own TypeScript types; a sitemap that is not well-formed XML is an error, not a guess.
// The adapter; `fetch` is injected.




const TITLE = 'Sitemap unreadable';
const unreadable = (url, why) => new errors/* UserError */.yo(TITLE, `the sitemap ${(0,shared_text/* quoteCut */.Hj)(url, 120)} ${why}; fix the "sitemap" URL or the sitemap`);
/** The body, un-gzipped when its first bytes are gzip's magic number, as text chunks. */
async function textChunks(body) {
    const reader = body.getReader();
    const first = await reader.read();
    const head = first.value;
    const bytes = new ReadableStream({
        start(controller) {
            if (head)
                controller.enqueue(head);
            if (first.done)
                controller.close();
        },
        async pull(controller) {
            const { done, value } = await reader.read();
            if (done)
                controller.close();
            else
                controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
    });
    const gzipped = head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const decoded = gzipped ? bytes.pipeThrough(new DecompressionStream('gzip')) : bytes;
    return decoded.pipeThrough(new TextDecoderStream());
}
const localName = (name) => name.slice(name.indexOf(':') + 1);
/** Parses one sitemap document as it streams in: its `<loc>`s, in order, a chunk's worth at a time. */
async function* documentEntries(url, text) {
    const parser = new saxes/* SaxesParser */.wT({ xmlns: false });
    const stack = [];
    let root;
    let loc;
    let queue = [];
    let failure;
    parser.on('error', (error) => (failure ??= error));
    parser.on('opentag', (tag) => {
        const name = localName(tag.name);
        if (stack.length === 0) {
            if (name === 'urlset')
                root = 'page';
            else if (name === 'sitemapindex')
                root = 'sitemap';
            else
                failure ??= unreadable(url, `is XML but not a sitemap (its root element is <${name}>)`);
        }
        if (name === 'loc' && (stack.at(-1) === 'url' || stack.at(-1) === 'sitemap'))
            loc = '';
        stack.push(name);
    });
    const onText = (text) => {
        if (loc !== undefined)
            loc += text;
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('closetag', (tag) => {
        stack.pop();
        if (localName(tag.name) === 'loc' && loc !== undefined && root) {
            queue.push({ kind: root, loc: loc.trim() });
            loc = undefined;
        }
    });
    const reader = text.getReader();
    try {
        for (;;) {
            const { done, value } = await reader.read();
            if (done)
                parser.close();
            else
                parser.write(value);
            if (failure)
                break;
            yield* queue;
            queue = [];
            if (done)
                break;
        }
    }
    catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
    }
    finally {
        await reader.cancel().catch(() => undefined);
    }
    if (failure instanceof errors/* UserError */.yo)
        throw failure;
    if (failure) {
        const why = /incorrect header|invalid|gzip|decompress/i.test(failure.message)
            ? `could not be decompressed (${failure.message})`
            : `is not well-formed XML (${failure.message.split('\n')[0]})`;
        throw unreadable(url, why);
    }
    if (!root)
        throw unreadable(url, 'is empty');
}
async function openDocument(url, options) {
    const fetch = options.fetch ?? globalThis.fetch;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response;
    try {
        response = await fetch(url, { headers: { accept: 'application/xml, text/xml, */*' }, signal });
    }
    catch (error) {
        const why = timeout.aborted
            ? `did not answer within ${Math.round(options.timeoutMs / 1000)} s`
            : `could not be requested (${error instanceof Error ? error.message : String(error)})`;
        throw unreadable(url, why);
    }
    if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw unreadable(url, `answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    return textChunks(response.body);
}
/**
 * The distinct page URLs of the sitemap at `url`, at most `options.limit`, in document order; a
 * sitemap index's sitemaps are read after it, depth first. `stats` counts what was read and skipped.
 */
async function* sitemapUrls(url, options, stats = { documents: 0, skipped: 0, duplicates: 0 }, seen = new Set()) {
    const maxDepth = options.maxDepth ?? 3;
    const maxDocuments = options.maxDocuments ?? 1_000;
    const visited = new Set();
    let taken = 0;
    async function* read(docUrl, depth) {
        if (visited.has(docUrl))
            return;
        visited.add(docUrl);
        if (stats.documents >= maxDocuments) {
            throw unreadable(docUrl, `is beyond the ${maxDocuments} sitemap documents read at most`);
        }
        stats.documents++;
        const children = [];
        for await (const entry of documentEntries(docUrl, await openDocument(docUrl, options))) {
            if ((0,verify_config/* urlProblem */.rn)(entry.loc) !== undefined) {
                stats.skipped++;
                continue;
            }
            if (entry.kind === 'sitemap') {
                if (depth >= maxDepth) {
                    throw unreadable(docUrl, `nests sitemap indexes more than ${maxDepth} levels deep`);
                }
                children.push(new URL(entry.loc).href);
                continue;
            }
            const href = new URL(entry.loc).href;
            if (seen.has(href)) {
                stats.duplicates++;
                continue;
            }
            seen.add(href);
            taken++;
            yield href;
            if (taken >= options.limit)
                return;
        }
        for (const child of children) {
            yield* read(child, depth + 1);
            if (taken >= options.limit)
                return;
        }
    }
    if (options.limit <= 0)
        return;
    yield* read(url, 1);
}

;// CONCATENATED MODULE: ./src/action/run/verify-step.ts
// The `verify` step as the executor runs it: first waits (within the step's time) for every invalidation
// an earlier CloudFront step of the run left in progress, so a stale CDN copy is not blamed on a purge
// still under way; then requests the site as a visitor (src/action/verify/run-verify.ts) and turns what
// it found into the step's report: success when every URL is fresh at every layer and refills, failed
// otherwise, with the problems in the report. I/O: GetInvalidation (CloudFront client) and HTTP.










/** What the run did before this step, as the likely-cause texts need it. */
function runFacts(earlier) {
    const invalidations = earlier.filter((s) => s.kind === 'cloudfront' && !!s.invalidationId);
    const fastCgi = earlier.filter((s) => s.kind === 'ssm' && (0,bundled_documents/* bundledDocumentName */.jj)(s.document) === 'CachePurge-FastCGI');
    return {
        ...(invalidations.length > 0 && {
            invalidationPaths: [...new Set(invalidations.flatMap((s) => s.paths))],
            invalidationCompleted: invalidations.every((s) => s.invalidationStatus === 'Completed'),
        }),
        ...(fastCgi.length > 0 && {
            originPurge: fastCgi.every((s) => s.status === 'success')
                ? 'succeeded'
                : 'failed',
        }),
    };
}
async function runVerifyStep(step, deps) {
    const { clock, log, signal } = deps;
    const started = clock.now();
    const report = stepReport(step, 'failed', clock.date().toISOString());
    const finish = reportFinisher(report, clock, started);
    const timeoutMs = Math.min(step.timeoutSeconds * 1000, deps.stepTimeoutMs);
    const deadline = started + timeoutMs;
    const pending = deps.earlier.filter((s) => s.kind === 'cloudfront' && !!s.invalidationId && s.invalidationStatus !== 'Completed');
    for (const invalidation of pending) {
        log(`Waiting for invalidation ${invalidation.invalidationId} (step ${invalidation.index}) to complete first.`);
        const waited = await waitForInvalidation(invalidation, {
            cloudfront: deps.cloudfront(),
            clock,
            signal,
            log,
            deadline,
        });
        if (waited.outcome === 'cancelled')
            return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
        if (waited.outcome === 'deadline') {
            return finish('timed-out', {
                code: 'StepTimedOut',
                message: `Invalidation ${invalidation.invalidationId} had not completed after ${(0,shared_text/* formatDuration */.a3)(timeoutMs)}, so no page was requested: visitors may still get the old copies. Raise the step's timeout-seconds, or let the CloudFront step wait.`,
            });
        }
        if (waited.outcome === 'failed') {
            return finish('failed', {
                code: (0,run_clock/* awsErrorName */.ZH)(waited.error),
                message: `Could not follow invalidation ${invalidation.invalidationId}: ${(0,run_clock/* errorMessage */.gJ)(waited.error)}. Waiting needs cloudfront:GetInvalidation in the role policy.`,
            });
        }
    }
    const config = { ...step, timeoutSeconds: Math.max(1, Math.floor((deadline - clock.now()) / 1000)) };
    try {
        const found = await (0,run_verify/* runVerify */.R)({ config, runStartMs: deps.runStartMs, facts: runFacts(deps.earlier) }, {
            probe: deps.probe ?? makeProbe({ clock, ...(deps.fetch && { fetch: deps.fetch }) }),
            readSitemap: (url, limit, seen) => sitemapUrls(url, {
                limit,
                timeoutMs: step.requestTimeoutSeconds * 1000,
                signal,
                ...(deps.fetch && { fetch: deps.fetch }),
            }, undefined, seen),
            clock,
            signal,
        });
        report.verify = found;
        for (const line of (0,verify_report/* reportLines */.QS)(found))
            log(line);
        if (signal.aborted)
            return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
        if (found.passed)
            return finish('success');
        return finish('failed', {
            code: 'VerifyFailed',
            message: `${(0,shared_text/* plural */.LS)(found.problemCount, 'problem')} seen from the visitor's side (each with its likely cause below).`,
        });
    }
    catch (error) {
        if (signal.aborted)
            return finish('cancelled', { code: 'Cancelled', message: 'The run was cancelled.' });
        return finish('failed', (0,errors/* isUserError */.iU)(error)
            ? { code: 'VerifyInputError', message: error.message, title: error.title }
            : { code: 'VerifyError', message: (0,run_clock/* errorMessage */.gJ)(error) });
    }
}

;// CONCATENATED MODULE: ./src/action/run/site-steps.ts
// One site's steps, strictly in order, each through its adapter (SSM, CloudFront, verify); the first
// step that does not succeed stops the site and its other steps are reported as skipped. The executor
// (execute.ts) runs one of these per site, several at a time, with shared credentials and clients.
// Tells `onProgress` when each step starts and ends (the live Slack message listens). I/O only
// through the adapters it calls.






const skippedSteps = (plan, from) => plan.steps.slice(from).map((step) => stepReport(step, 'skipped'));
/** Runs the site's steps into `report` (status, steps), in order; never throws for AWS faults. */
async function runSiteSteps(plan, context, report, deps) {
    const { clock, signal, log } = deps;
    for (const [i, step] of plan.steps.entries()) {
        if (signal.aborted) {
            report.status = 'cancelled';
            report.steps.push(...skippedSteps(plan, i));
            break;
        }
        deps.onProgress?.({ kind: 'step-started', site: plan.site, step });
        const result = await deps.group(`${step.index}. ${step.name}`, async () => {
            if (step.kind === 'ssm') {
                return runSsmStep(step, context, {
                    ssm: deps.ssmClient(step.region),
                    clock,
                    signal,
                    log,
                    stepTimeoutMs: deps.stepTimeoutMs,
                    ...(deps.pollPolicy && { pollPolicy: deps.pollPolicy }),
                });
            }
            if (step.kind === 'verify') {
                return runVerifyStep(step, {
                    clock,
                    signal,
                    log,
                    stepTimeoutMs: deps.stepTimeoutMs,
                    runStartMs: Date.parse(report.startedAt),
                    earlier: report.steps,
                    cloudfront: deps.cloudFrontClient,
                    ...(deps.fetch && { fetch: deps.fetch }),
                });
            }
            const repeated = repeatedDistributionStep(plan.steps, step);
            return runCloudFrontStep(step, context, {
                cloudfront: deps.cloudFrontClient(),
                clock,
                signal,
                log,
                stepTimeoutMs: deps.stepTimeoutMs,
                fallbackRunId: deps.fallbackRunId,
                ...(repeated !== undefined && { repeatedStepIndex: repeated }),
                ...(deps.random && { random: deps.random }),
            });
        });
        report.steps.push(result);
        deps.onProgress?.({ kind: 'step-finished', site: plan.site, report: result });
        log(`${step.index}. ${step.name}: ${result.status} (${(0,shared_text/* formatDuration */.a3)(result.durationMs)})`);
        if (result.status !== 'success') {
            report.status = result.status === 'cancelled' ? 'cancelled' : 'failure';
            report.steps.push(...skippedSteps(plan, i + 1));
            break;
        }
    }
}

// EXTERNAL MODULE: ./src/action/inputs/site-list.ts + 1 modules
var site_list = __webpack_require__(36929);
// EXTERNAL MODULE: ./src/action/sites-file/parameter-values.ts
var parameter_values = __webpack_require__(17212);
// EXTERNAL MODULE: ./src/action/sites-file/roots.ts
var sites_file_roots = __webpack_require__(98211);
// EXTERNAL MODULE: ./src/shared/stack-roots.ts
var stack_roots = __webpack_require__(9465);
;// CONCATENATED MODULE: ./src/action/run/roots-preflight-decisions.ts
// The pre-flight of a real run (#15 item 1), its decisions: which deployed documents to read (each
// distinct document, version and region of a bundled document among every site's steps), and, from
// what GetDocument gave, whether the run may start: the roots the deployed document confines CachePath
// / WordPressPath to (its allowedPattern, read back with rootsOfPattern) against the roots the sites
// file gives each site, and every value against the deployed allowedPattern. A difference fails the
// run before any SendCommand, naming the document, both lists of roots and the two fixes; a document
// that could not be read (a stack without ssm:GetDocument) is a warning, and the run goes on. Pure:
// the GetDocument calls are in roots-preflight.ts.





/** The allowedPatterns of stacks deployed before the roots were parameters: their default roots. */
const LEGACY_PATTERNS = {
    '^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': stack_roots/* ROOT_SETTINGS */.ZD.cache.defaults,
    '^/(var|srv)/www(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': stack_roots/* ROOT_SETTINGS */.ZD.wordpress.defaults,
};
/** The roots a deployed allowedPattern confines its parameter to, or undefined for another form. */
const deployedRoots = (allowedPattern) => (0,stack_roots/* rootsOfPattern */.dT)(allowedPattern) ?? LEGACY_PATTERNS[allowedPattern];
/** Every distinct (document, version, region) of a bundled document among the plans' steps, in step order. */
function documentReads(plans) {
    const reads = new Map();
    for (const plan of plans) {
        for (const step of plan.steps) {
            if (step.kind !== 'ssm' || !(0,bundled_documents/* bundledDocumentName */.jj)(step.document))
                continue;
            const key = JSON.stringify([step.document, step.documentVersion ?? '', step.region]);
            let read = reads.get(key);
            if (!read) {
                read = {
                    document: step.document,
                    ...(step.documentVersion !== undefined && { documentVersion: step.documentVersion }),
                    region: step.region,
                    uses: [],
                };
                reads.set(key, read);
            }
            read.uses.push({ site: plan.site, step, roots: plan.roots ?? sites_file_roots/* DEFAULT_ROOTS */.Yx });
        }
    }
    return [...reads.values()];
}
/** `CachePurge-FastCGI (version 3) in us-east-1` */
const named = (read) => `${read.document}${read.documentVersion ? ` (version ${read.documentVersion})` : ''} in ${read.region}`;
/** The settings whose parameter the bundled document confines to roots (FastCGI: cache). */
const confinedSettings = (read) => {
    const bundled = (0,bundled_documents/* bundledDocumentName */.jj)(read.document);
    const parameters = bundled ? Object.keys(bundled_documents/* BUNDLED_DOCUMENTS */.EK[bundled] ?? {}) : [];
    return parameters.flatMap((name) => (0,stack_roots/* rootSettingOf */.Sn)(name) ?? []);
};
function parametersOf(content) {
    try {
        const parsed = JSON.parse(content);
        if (!parsed || typeof parsed !== 'object')
            return undefined;
        const parameters = parsed.parameters ?? {};
        return typeof parameters === 'object' ? parameters : undefined;
    }
    catch {
        return undefined;
    }
}
/** Where the fix of a site's roots goes. */
const rootsFix = (setting, site, stack, configFile) => `set \`roots.${setting.sitesFileKey}: ${(0,sites_file_roots/* yamlRoots */.VZ)(stack)}\` in ${configFile} (at the top level, or under sites.${site}) to match the stack`;
/** The decision: may the run start, and what could not be compared. */
function preflightVerdict(reads, outcomes, configFile) {
    const problems = [];
    let mismatch = false;
    const warnings = {};
    const lines = [];
    const warn = (read, warning) => {
        for (const site of new Set(read.uses.map((use) => use.site)))
            (warnings[site] ??= []).push(warning);
    };
    reads.forEach((read, i) => {
        const outcome = outcomes[i];
        const settings = confinedSettings(read);
        const what = settings.length
            ? `the roots of the stack's ${settings.map((s) => s.stackParameter).join(' and ')}`
            : 'its parameters';
        if (outcome.kind === 'denied' || (outcome.kind === 'failed' && !/^InvalidDocument/.test(outcome.code))) {
            const why = outcome.kind === 'denied'
                ? `ssm:GetDocument was denied (${(0,shared_text/* quoteCut */.Hj)(outcome.message, 200)}): a stack deployed before this version of cache-purge-action does not allow it. Update the stack (docs/setup.md)`
                : `GetDocument failed: ${outcome.code}: ${(0,shared_text/* quoteCut */.Hj)(outcome.message, 200)}`;
            warn(read, {
                title: 'Roots not compared with the stack',
                message: `Could not read ${named(read)}, so ${what} were not compared with those of ${configFile} before the run: ${why}. The run went on; each instance still refuses a path outside the stack's roots. See docs/troubleshooting.md, "Roots not compared with the stack".`,
            });
            lines.push(`${named(read)}: not read (${outcome.kind === 'denied' ? 'AccessDenied' : outcome.code}); ${what} not compared.`);
            return;
        }
        if (outcome.kind === 'failed') {
            problems.push(`${named(read)} does not exist (GetDocument: ${outcome.code}), so SendCommand would refuse it: check the document name (with the stack's NamePrefix), its version and the region.`);
            return;
        }
        const deployed = parametersOf(outcome.content);
        if (!deployed) {
            warn(read, {
                title: 'Roots not compared with the stack',
                message: `${named(read)} as deployed is not a JSON document with parameters, so ${what} were not compared with those of ${configFile}. See docs/troubleshooting.md, "Roots not compared with the stack".`,
            });
            return;
        }
        const compared = new Set();
        // a parameter whose roots differ is said once, as that: its values are not listed again
        const differs = new Set();
        for (const { site, step, roots } of read.uses) {
            const at = `step ${step.index} "${step.name}" of ${site}`;
            for (const setting of settings) {
                const pattern = deployed[setting.documentParameter]?.allowedPattern;
                const stack = typeof pattern === 'string' ? deployedRoots(pattern) : undefined;
                const given = roots[setting.sitesFileKey];
                const key = `${site}/${setting.sitesFileKey}`;
                if (compared.has(key))
                    continue;
                compared.add(key);
                if (!stack) {
                    warn(read, {
                        title: 'Roots not compared with the stack',
                        message: `${named(read)} as deployed has no ${setting.documentParameter} allowedPattern of the form this version writes (${(0,shared_text/* quoteCut */.Hj)(String(pattern), 120)}), so the roots of the stack's ${setting.stackParameter} were not compared with ${configFile}'s roots.${setting.sitesFileKey}. Update the stack (docs/setup.md). See docs/troubleshooting.md, "Roots not compared with the stack".`,
                    });
                    continue;
                }
                if ((0,sites_file_roots/* sameRoots */.WM)(stack, given)) {
                    lines.push(`${named(read)}: ${setting.documentParameter} below ${(0,sites_file_roots/* listRoots */.qV)(stack)}, as ${configFile} says for ${site}.`);
                    continue;
                }
                mismatch = true;
                differs.add(`${site}/${setting.documentParameter}`);
                const isDefault = (0,sites_file_roots/* sameRoots */.WM)(given, setting.defaults) ? ', the default' : '';
                problems.push(`${named(read)} (${at}) confines ${setting.documentParameter} to the stack's ${setting.stackParameter}: ${(0,sites_file_roots/* listRoots */.qV)(stack)}; ${configFile} gives ${site} roots.${setting.sitesFileKey}: ${(0,sites_file_roots/* listRoots */.qV)(given)}${isDefault}. Either ${rootsFix(setting, site, stack, configFile)}, or update the stack's ${setting.stackParameter} parameter to ${given.join(',')}.`);
            }
            for (const [name, values] of Object.entries(step.parameters)) {
                const pattern = deployed[name]?.allowedPattern;
                if (typeof pattern !== 'string' || differs.has(`${site}/${name}`))
                    continue;
                for (const value of values) {
                    if (parameter_values/* PARAMETER_STORE_REFERENCE */.sn.test(value) || new RegExp(pattern).test(value))
                        continue;
                    problems.push(`${name} ${(0,shared_text/* quoteCut */.Hj)(value, 120)} (${at}) does not match ${named(read)}'s allowedPattern as deployed, ${pattern}: SSM would refuse it.`);
                }
            }
        }
    });
    if (problems.length === 0)
        return { warnings, lines };
    return {
        error: {
            code: mismatch ? 'RootsMismatch' : 'DeployedDocumentMismatch',
            title: mismatch ? 'Roots differ from the stack' : 'The deployed documents refuse this run',
            message: [
                `Nothing was run: the stack's documents, as deployed, do not fit ${configFile}.`,
                ...problems.map((problem) => `- ${problem}`),
                `See docs/troubleshooting.md, "Roots differ from the stack".`,
            ].join('\n'),
        },
        warnings,
        lines,
    };
}

;// CONCATENATED MODULE: ./src/action/run/roots-preflight.ts
// The pre-flight of a real run (#15 item 1), its I/O: before any SendCommand of the run, one SSM
// GetDocument (DocumentFormat JSON) for each distinct document, version and region of a bundled
// document among every site's steps, through the run's SSM clients (the SDK retries throttling). The
// decisions (what to read, whether the run may start) are in roots-preflight-decisions.ts. Custom
// documents are not read.



const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
/** GetDocument for one read: its content, or why there is none. */
async function readDocument(read, deps) {
    try {
        const answer = await deps.ssmClient(read.region).send(new dist_cjs/* GetDocumentCommand */.ppd({
            Name: read.document,
            ...(read.documentVersion !== undefined && { DocumentVersion: read.documentVersion }),
            DocumentFormat: 'JSON',
        }), { abortSignal: deps.signal });
        if (typeof answer?.Content !== 'string') {
            return { kind: 'failed', code: 'NoContent', message: 'GetDocument returned no Content' };
        }
        return { kind: 'content', content: answer.Content };
    }
    catch (error) {
        if (deps.signal.aborted)
            throw error;
        const code = (0,run_clock/* awsErrorName */.ZH)(error);
        if (DENIED.has(code))
            return { kind: 'denied', message: (0,run_clock/* errorMessage */.gJ)(error) };
        return { kind: 'failed', code, message: (0,run_clock/* errorMessage */.gJ)(error) };
    }
}
/** Reads the deployed bundled documents the plans' steps run, and decides whether the run may start. */
async function rootsPreflight(plans, configFile, deps) {
    const reads = documentReads(plans);
    // one after the other: a run reads a handful, and each request then has the credentials' latest word
    const outcomes = [];
    for (const read of reads)
        outcomes.push(await readDocument(read, deps));
    return preflightVerdict(reads, outcomes, configFile);
}

;// CONCATENATED MODULE: ./src/action/run/execute.ts
// Executes a run against AWS: credentials first (the OIDC role, or the SDK's default chain; resolved
// before any step, so a credentials failure fails the run, not a step, and shared by every client as
// one provider that the SDK refreshes before it expires), then the pre-flight (roots-preflight.ts: the
// deployed documents against the sites file, before any SendCommand), then each site's steps strictly in order
// (site-steps.ts), up to `maxParallelSites` sites at a time (parallel.ts). One site failing does not
// stop the others; the run's status is the worst of them. With one site, each step has its own log
// group; with several, every log line is prefixed with its site. SIGINT/SIGTERM (the runner
// cancelling the job) cancels the SSM commands in flight, starts no other site, and ends the run as
// `cancelled`. Never throws for AWS faults. Loaded lazily by src/action/main.ts (await import) so a dry
// run never loads the AWS SDK.












/** An AbortSignal that fires on SIGINT/SIGTERM, and the function that stops listening. */
function cancelOnSignals(onSignal) {
    const controller = new AbortController();
    const handler = (name) => {
        onSignal(name);
        controller.abort();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return {
        signal: controller.signal,
        dispose: () => {
            process.off('SIGINT', handler);
            process.off('SIGTERM', handler);
        },
    };
}
/** The run's status from its sites': cancelled beats failure beats success. */
function worstStatus(statuses) {
    if (statuses.includes('cancelled'))
        return 'cancelled';
    return statuses.includes('failure') ? 'failure' : 'success';
}
/**
 * A run that fails (or is cancelled) before any site starts: every step skipped, the failure on the
 * run and on every site. `error` is ours (a StepError) or what was thrown, reported under `code`.
 */
function failBeforeAnySite(run, error, signal, code = 'Error') {
    const cancelled = error instanceof run_clock/* CancelledError */.cc || signal.aborted;
    const failure = cancelled
        ? undefined
        : isStepError(error)
            ? error
            : (0,errors/* isUserError */.iU)(error)
                ? { code, message: error.message, title: error.title }
                : { code, message: (0,run_clock/* errorMessage */.gJ)(error) };
    for (const report of run.sites) {
        report.steps = skippedSteps(report.plan, 0);
        report.status = cancelled ? 'cancelled' : 'failure';
        if (failure)
            report.error = failure;
    }
    run.status = cancelled ? 'cancelled' : 'failure';
    if (failure)
        run.error = failure;
    return run;
}
const isStepError = (value) => !(value instanceof Error) &&
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    'message' in value;
/** One site's report before it runs: success until a step says otherwise. */
const siteReport = (plan, context, startedAt) => ({
    status: 'success',
    context: { ...context, site: plan.site },
    startedAt,
    durationMs: 0,
    steps: [],
    plan,
});
/** A one-site run (the shape every one-site caller and view knows). */
async function executePlan(plan, context, settings, deps) {
    const run = await executeSites({ configFile: plan.configFile, sites: [plan] }, context, settings, deps);
    return run.sites[0];
}
async function executeSites(runPlan, context, settings, deps) {
    const { runner, env } = deps;
    const clock = deps.clock ?? run_clock/* systemClock */.ml;
    const started = clock.now();
    const startedAt = clock.date().toISOString();
    const several = runPlan.sites.length > 1;
    const maxParallelSites = deps.maxParallelSites ?? site_list/* MAX_PARALLEL_SITES_DEFAULT */.ay;
    const listening = deps.signal
        ? undefined
        : cancelOnSignals((name) => runner.info(`Received ${name}: the job is being cancelled; cancelling the commands in flight.`));
    const signal = deps.signal ?? listening.signal;
    const run = {
        status: 'success',
        context,
        startedAt,
        durationMs: 0,
        maxParallelSites,
        sites: runPlan.sites.map((plan) => siteReport(plan, context, startedAt)),
    };
    const ssmClients = new Map();
    let cloudfront;
    const by = `requested by ${(0,report_view/* plainRequester */.bs)(context.requester)}, trigger: ${(0,report_view/* describeTrigger */.gb)(context.trigger, context.eventName)}`;
    try {
        const [first] = runPlan.sites;
        runner.info(several
            ? `Purging ${(0,shared_text/* plural */.LS)(runPlan.sites.length, 'site')} (${runPlan.sites.map((p) => p.site).join(', ')}), up to ${maxParallelSites} at a time, each site's steps in order, ${by}.`
            : `Purging ${first.site}: ${(0,shared_text/* plural */.LS)(first.steps.length, 'step')} in order, ${by}.`);
        // A provider, not keys: every client asks it for each request, and the SDK has it assume the role
        // again when the session nears its end (a run can outlast role-duration-seconds).
        let credentials;
        try {
            credentials = await resolveCredentials(settings, {
                env,
                setSecret: (value) => runner.setSecret(value),
                log: (line) => runner.info(line),
                clock,
                signal,
                region: runPlan.sites.find((p) => p.region)?.region ?? env.AWS_REGION ?? 'us-east-1',
                ...(deps.getIdToken && { getIdToken: deps.getIdToken }),
                ...(deps.defaultChain && { defaultChain: deps.defaultChain }),
                ...(deps.random && { random: deps.random }),
                ...(deps.proxied && { httpAgent: deps.proxied.agent }),
            });
        }
        catch (error) {
            return failBeforeAnySite(run, error, signal, 'CredentialsError');
        }
        const sdkHttp = sdkHttpOptions(deps.proxied?.agent);
        const shared = {
            clock,
            signal,
            ssmClient: (region) => {
                let ssm = ssmClients.get(region);
                if (!ssm) {
                    ssm = new dist_cjs/* SSMClient */.jBj({ region, retryMode: 'adaptive', credentials, ...sdkHttp });
                    ssmClients.set(region, ssm);
                }
                return ssm;
            },
            cloudFrontClient: () => (cloudfront ??= new client_cloudfront_dist_cjs/* CloudFrontClient */.GHk({
                region: 'us-east-1',
                retryMode: 'adaptive',
                credentials,
                ...sdkHttp,
            })),
            stepTimeoutMs: settings.stepTimeoutSeconds * 1000,
            fallbackRunId: String(Date.now()),
            ...(deps.pollPolicy && { pollPolicy: deps.pollPolicy }),
            ...(deps.random && { random: deps.random }),
            ...(deps.onProgress && { onProgress: deps.onProgress }),
            ...(deps.proxied && { fetch: deps.proxied.fetch }),
        };
        // before any SendCommand of the run: the deployed documents' roots and patterns against the sites file
        try {
            const preflight = await rootsPreflight(runPlan.sites, runPlan.configFile, {
                ssmClient: shared.ssmClient,
                signal,
            });
            for (const line of preflight.lines)
                runner.info(`Pre-flight: ${line}`);
            for (const report of run.sites) {
                const warnings = preflight.warnings[report.plan.site];
                if (warnings?.length)
                    report.warnings = warnings;
            }
            if (preflight.error)
                return failBeforeAnySite(run, preflight.error, signal);
        }
        catch (error) {
            return failBeforeAnySite(run, error, signal, 'PreflightError');
        }
        await runBounded(run.sites, maxParallelSites, async (report) => {
            const siteStarted = clock.now();
            // one site: its report times the whole run, credentials included, as it always did
            if (several)
                report.startedAt = clock.date().toISOString();
            const log = several
                ? (line) => runner.info(`[${report.plan.site}] ${line}`)
                : (line) => runner.info(line);
            const group = several
                ? (title, body) => {
                    log(title);
                    return body();
                }
                : (title, body) => runner.group(title, body);
            try {
                await runSiteSteps(report.plan, report.context, report, { ...shared, log, group });
            }
            finally {
                report.durationMs = Math.round(clock.now() - siteStarted);
            }
            if (several)
                log(`${report.status} in ${(0,shared_text/* formatDuration */.a3)(report.durationMs)}.`);
            deps.onProgress?.({ kind: 'site-finished', site: report.plan.site, report });
        }, {
            signal,
            // a site not started when the job was cancelled: every step skipped
            notStarted: (report) => {
                report.steps = skippedSteps(report.plan, 0);
                report.status = 'cancelled';
                deps.onProgress?.({ kind: 'site-finished', site: report.plan.site, report });
            },
        }).then((settled) => {
            // runSiteSteps does not throw for AWS faults: anything else is a bug, reported as such
            const broken = settled.find((s) => !s.ok);
            if (broken && !broken.ok)
                throw broken.error;
        });
        run.status = worstStatus(run.sites.map((report) => report.status));
        return run;
    }
    finally {
        run.durationMs = Math.round(clock.now() - started);
        if (!several)
            run.sites[0].durationMs = run.durationMs;
        listening?.dispose();
        for (const client of ssmClients.values())
            client.destroy();
        cloudfront?.destroy();
    }
}


/***/ })

};
