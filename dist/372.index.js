export const id = 372;
export const ids = [372];
export const modules = {

/***/ 33155:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   NK: () => (/* binding */ sdkRequests),
/* harmony export */   ZH: () => (/* binding */ awsErrorName),
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   mb: () => (/* binding */ sdkMetadata)
/* harmony export */ });
// What the adapters read off an AWS SDK answer or error: its name (or the network's system code), its
// message, and the HTTP status and requests the SDK reports in `$metadata`. Pure.
/**
 * The AWS error name of an SDK error (its `name`: ThrottlingException, CredentialsProviderError,
 * TimeoutError, …); for a network error the SDK passes on from Node — name `Error`, or
 * `AggregateError` when every address of the endpoint refused (Node tries each in turn) — its system
 * code (ECONNREFUSED, ENOTFOUND, …), so reports can tell "AWS answered" from "AWS was never reached".
 */
function awsErrorName(error) {
    if (!error || typeof error !== 'object')
        return 'Error';
    const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    if ((name === 'Error' || name === 'AggregateError') && code && /^E[A-Z0-9_]+$/.test(code))
        return code;
    return name;
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}
function sdkMetadata(outputOrError) {
    if (!outputOrError || typeof outputOrError !== 'object' || !('$metadata' in outputOrError))
        return;
    return outputOrError.$metadata;
}
/** The HTTP requests one `send` made (its retries included): the SDK's `$metadata.attempts`, else 1. */
function sdkRequests(outputOrError) {
    const attempts = sdkMetadata(outputOrError)?.attempts;
    return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}


/***/ }),

/***/ 23197:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hd: () => (/* binding */ documentReads),
/* harmony export */   jb: () => (/* binding */ preflightVerdict)
/* harmony export */ });
/* unused harmony export deployedRoots */
/* harmony import */ var _sites_file_bundled_documents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(46631);
/* harmony import */ var _sites_file_parameter_values_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(17212);
/* harmony import */ var _sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98211);
/* harmony import */ var _shared_stack_roots_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9465);
/* harmony import */ var _shared_text_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(24646);
/* harmony import */ var _report_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(42112);
// The pre-flight of a real run (#15 item 1), its decisions: which deployed documents to read (each
// distinct document, version and region of a bundled document among every site's steps), and, from
// what GetDocument gave, whether the run may start: the roots the deployed document confines CachePath
// / WordPressPath to (its allowedPattern, read back with rootsOfPattern) against the roots the sites
// file gives each site, and every value against the deployed allowedPattern. A difference fails the
// run before any SendCommand, naming the document, both lists of roots and the two fixes; a document
// that could not be read (a stack without ssm:GetDocument) is a warning, and the run goes on. Pure:
// the GetDocument calls are in roots-preflight.ts. The same decisions serve the dry run's stack check
// (`read-stack`, `check-sites --read-stack`), where a document not compared is an error, not a warning:
// a check that compared nothing must not pass.






/** The allowedPatterns of stacks deployed before the roots were parameters: their default roots. */
const LEGACY_PATTERNS = {
    '^/var/cache/nginx(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': _shared_stack_roots_js__WEBPACK_IMPORTED_MODULE_3__/* .ROOT_SETTINGS */ .ZD.cache.defaults,
    '^/(var|srv)/www(/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,8}$': _shared_stack_roots_js__WEBPACK_IMPORTED_MODULE_3__/* .ROOT_SETTINGS */ .ZD.wordpress.defaults,
};
/** The roots a deployed allowedPattern confines its parameter to, or undefined for another form. */
const deployedRoots = (allowedPattern) => (0,_shared_stack_roots_js__WEBPACK_IMPORTED_MODULE_3__/* .rootsOfPattern */ .dT)(allowedPattern) ?? LEGACY_PATTERNS[allowedPattern];
/** Every distinct (document, version, region) of a bundled document among the plans' steps, in step order. */
function documentReads(plans) {
    const reads = new Map();
    for (const plan of plans) {
        for (const step of plan.steps) {
            if (step.kind !== 'ssm' || !(0,_sites_file_bundled_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .bundledDocumentName */ .jj)(step.document))
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
            read.uses.push({ site: plan.site, step, roots: plan.roots ?? _sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .DEFAULT_ROOTS */ .Yx });
        }
    }
    return [...reads.values()];
}
/** `CachePurge-FastCGI (version 3) in us-east-1` */
const named = (read) => `${read.document}${read.documentVersion ? ` (version ${read.documentVersion})` : ''} in ${read.region}`;
/** The settings whose parameter the bundled document confines to roots (FastCGI: cache). */
const confinedSettings = (read) => {
    const bundled = (0,_sites_file_bundled_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .bundledDocumentName */ .jj)(read.document);
    const parameters = bundled ? Object.keys(_sites_file_bundled_documents_js__WEBPACK_IMPORTED_MODULE_0__/* .BUNDLED_DOCUMENTS */ .EK[bundled] ?? {}) : [];
    return parameters.flatMap((name) => (0,_shared_stack_roots_js__WEBPACK_IMPORTED_MODULE_3__/* .rootSettingOf */ .Sn)(name) ?? []);
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
const rootsFix = (setting, site, stack, configFile) => `set \`roots.${setting.sitesFileKey}: ${(0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .yamlRoots */ .VZ)(stack)}\` in ${configFile} (at the top level, or under sites.${site}) to match the stack`;
/** Why GetDocument's denial happened, and its fix, as the run or the check says it. */
const deniedWhy = (message, mode) => `ssm:GetDocument was denied (${(0,_shared_text_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteCut */ .Hj)(message, 200)}): ${mode === 'run'
    ? 'a stack deployed before this version of cache-purge-action does not allow it. Update the stack (docs/setup.md)'
    : "the check's credentials need it on the stack's documents: the stack's role has it once the stack is updated to this version (docs/setup.md); your own credentials need it in their IAM policy"}`;
/** The decision: may the run start (or the check pass), and what could not be compared. */
function preflightVerdict(reads, outcomes, configFile, mode = 'run') {
    const problems = [];
    let mismatch = false;
    let unread = 0;
    const warnings = {};
    const lines = [];
    // what could not be compared: a run warns each site using the document; a check fails on it
    const notCompared = (read, why) => {
        if (mode === 'check') {
            unread += 1;
            problems.push(why);
            return;
        }
        const warning = {
            title: 'Roots not compared with the stack',
            message: `${why} See docs/troubleshooting.md, "Roots not compared with the stack".`,
        };
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
                ? deniedWhy(outcome.message, mode)
                : `GetDocument failed: ${outcome.code}: ${(0,_shared_text_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteCut */ .Hj)(outcome.message, 200)}${(0,_report_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .errorOrigin */ .ph)(outcome.code) === 'network' ? ' (SSM was not reached: check the network, the proxy settings HTTPS_PROXY and NO_PROXY, and AWS_ENDPOINT_URL if set)' : ''}`;
            notCompared(read, `Could not read ${named(read)}, so ${what} were not compared with those of ${configFile} ${mode === 'run' ? 'before the run' : 'by the check'}: ${why}.${mode === 'run' ? " The run went on; each instance still refuses a path outside the stack's roots." : ''}`);
            lines.push(`${named(read)}: not read (${outcome.kind === 'denied' ? 'AccessDenied' : outcome.code}); ${what} not compared.`);
            return;
        }
        if (outcome.kind === 'failed') {
            problems.push(`${named(read)} does not exist (GetDocument: ${outcome.code}), so SendCommand would refuse it: check the document name (with the stack's NamePrefix), its version and the region.`);
            return;
        }
        const deployed = parametersOf(outcome.content);
        if (!deployed) {
            notCompared(read, `${named(read)} as deployed is not a JSON document with parameters, so ${what} were not compared with those of ${configFile}.`);
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
                    notCompared(read, `${named(read)} as deployed has no ${setting.documentParameter} allowedPattern of the form this version writes (${(0,_shared_text_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteCut */ .Hj)(String(pattern), 120)}), so the roots of the stack's ${setting.stackParameter} were not compared with ${configFile}'s roots.${setting.sitesFileKey}. Update the stack (docs/setup.md).`);
                    continue;
                }
                if ((0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .sameRoots */ .WM)(stack, given)) {
                    lines.push(`${named(read)}: ${setting.documentParameter} below ${(0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .listRoots */ .qV)(stack)}, as ${configFile} says for ${site}.`);
                    continue;
                }
                mismatch = true;
                differs.add(`${site}/${setting.documentParameter}`);
                const isDefault = (0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .sameRoots */ .WM)(given, setting.defaults) ? ', the default' : '';
                problems.push(`${named(read)} (${at}) confines ${setting.documentParameter} to the stack's ${setting.stackParameter}: ${(0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .listRoots */ .qV)(stack)}; ${configFile} gives ${site} roots.${setting.sitesFileKey}: ${(0,_sites_file_roots_js__WEBPACK_IMPORTED_MODULE_2__/* .listRoots */ .qV)(given)}${isDefault}. Either ${rootsFix(setting, site, stack, configFile)}, or update the stack's ${setting.stackParameter} parameter to ${given.join(',')}.`);
            }
            for (const [name, values] of Object.entries(step.parameters)) {
                const pattern = deployed[name]?.allowedPattern;
                if (typeof pattern !== 'string' || differs.has(`${site}/${name}`))
                    continue;
                for (const value of values) {
                    if (_sites_file_parameter_values_js__WEBPACK_IMPORTED_MODULE_1__/* .PARAMETER_STORE_REFERENCE */ .sn.test(value) || new RegExp(pattern).test(value))
                        continue;
                    problems.push(`${name} ${(0,_shared_text_js__WEBPACK_IMPORTED_MODULE_5__/* .quoteCut */ .Hj)(value, 120)} (${at}) does not match ${named(read)}'s allowedPattern as deployed, ${pattern}: SSM would refuse it.`);
                }
            }
        }
    });
    if (problems.length === 0)
        return { warnings, lines };
    const onlyUnread = problems.length === unread;
    return {
        error: {
            code: mismatch ? 'RootsMismatch' : onlyUnread ? 'StackNotRead' : 'DeployedDocumentMismatch',
            title: mismatch
                ? 'Roots differ from the stack'
                : onlyUnread
                    ? 'Stack not read'
                    : 'The deployed documents refuse this run',
            message: [
                mode === 'run'
                    ? `Nothing was run: the stack's documents, as deployed, do not fit ${configFile}.`
                    : onlyUnread
                        ? `The stack check did not pass: it could not compare the stack's documents with ${configFile}.`
                        : `The stack check did not pass: the stack's documents, as deployed, do not fit ${configFile}.`,
                ...problems.map((problem) => `- ${problem}`),
                onlyUnread
                    ? 'See docs/troubleshooting.md, "Stack not read".'
                    : 'See docs/troubleshooting.md, "Roots differ from the stack".',
            ].join('\n'),
        },
        warnings,
        lines,
    };
}


/***/ }),

/***/ 69175:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ rootsPreflight)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(34736);
/* harmony import */ var _aws_answers_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(33155);
/* harmony import */ var _roots_preflight_decisions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(23197);
// The pre-flight of a real run (#15 item 1) and of the dry run's stack check (stack-check.ts), its
// I/O: before any SendCommand of the run, one SSM GetDocument (DocumentFormat JSON) for each distinct
// document, version and region of a bundled document among every site's steps, through the run's SSM
// clients (the SDK retries throttling). The decisions (what to read, whether the run may start) are in
// roots-preflight-decisions.ts. Custom documents are not read.



const DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
/** GetDocument for one read: its content, or why there is none. */
async function readDocument(read, deps) {
    try {
        const answer = await deps.ssmClient(read.region).send(new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_1__/* .GetDocumentCommand */ .ppd({
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
        const code = (0,_aws_answers_js__WEBPACK_IMPORTED_MODULE_2__/* .awsErrorName */ .ZH)(error);
        if (DENIED.has(code))
            return { kind: 'denied', message: (0,_aws_answers_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error) };
        return { kind: 'failed', code, message: (0,_aws_answers_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error) };
    }
}
/** Reads the deployed bundled documents the plans' steps run, and decides whether the run may start. */
async function rootsPreflight(plans, configFile, deps, mode = 'run') {
    const reads = (0,_roots_preflight_decisions_js__WEBPACK_IMPORTED_MODULE_0__/* .documentReads */ .Hd)(plans);
    // one after the other: a run reads a handful, and each request then has the credentials' latest word
    const outcomes = [];
    for (const read of reads)
        outcomes.push(await readDocument(read, deps));
    return (0,_roots_preflight_decisions_js__WEBPACK_IMPORTED_MODULE_0__/* .preflightVerdict */ .jb)(reads, outcomes, configFile, mode);
}


/***/ }),

/***/ 66991:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  _: () => (/* binding */ runCredentials)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var dist_cjs = __webpack_require__(71695);
// EXTERNAL MODULE: ./src/action/run/sdk-http-options.ts
var sdk_http_options = __webpack_require__(94190);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/credential-provider-node/dist-cjs/index.js
var credential_provider_node_dist_cjs = __webpack_require__(5861);
// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/index.js
var core_dist_cjs = __webpack_require__(90402);
// EXTERNAL MODULE: ./src/action/inputs/execution-inputs.ts
var execution_inputs = __webpack_require__(22940);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(58382);
// EXTERNAL MODULE: ./src/action/report/diagnosis.ts
var diagnosis = __webpack_require__(42112);
// EXTERNAL MODULE: ./src/shared/text.ts
var shared_text = __webpack_require__(24646);
// EXTERNAL MODULE: ./src/action/clock.ts + 1 modules
var clock = __webpack_require__(68327);
// EXTERNAL MODULE: ./src/action/run/aws-answers.ts
var aws_answers = __webpack_require__(33155);
;// CONCATENATED MODULE: ./src/action/run/credential-messages.ts
// What a credential failure says, with its fix: no credentials in the default chain, a failed GitHub
// OIDC token request, STS refusing AssumeRoleWithWebIdentity (AccessDenied quotes the token's own
// sub and aud, and the stack parameters that trust that sub), and a mid-run refresh that failed.
// Each failure has a title, the message the user reads, and a one-line `<code>: <reason>` summary for
// the log line of a refresh that failed without failing anything. Pure; credentials.ts does the I/O.


const ROLE_FIX = 'set the "role-to-assume" input to the ARN of an IAM role that trusts GitHub\'s OIDC provider (the job then needs `permissions: id-token: write`), or run aws-actions/configure-aws-credentials before this step';
/**
 * Without role-to-assume, the default chain found nothing (or one of its sources failed). `profile`:
 * AWS_PROFILE when set, which the SDK's message never names (a mistyped profile reads as no credentials).
 */
function defaultChainFailure(name, message, profile) {
    if (/could not load credentials from any providers/i.test(message)) {
        const named = profile
            ? ` AWS_PROFILE is ${JSON.stringify(profile)}: check that this profile exists in the shared config or credentials file (\`aws configure list-profiles\`) and has credentials (an SSO profile: \`aws sso login --profile ${profile}\`), or unset AWS_PROFILE.`
            : '';
        return `No AWS credentials were found. The "role-to-assume" input is empty, so the action asked the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, a web identity token file, container or instance metadata), and none of them had credentials.${named} Fix: ${ROLE_FIX}.`;
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
            if (error instanceof clock/* CancelledError */.cc || deps.signal.aborted)
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
    return oneLineSummary(error instanceof AssumeRoleFailure ? error.summary : `${(0,aws_answers/* awsErrorName */.ZH)(error)}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`);
}
/** One OIDC token, then AssumeRoleWithWebIdentity; masks what it returns. UserError or CancelledError. */
async function assumeRoleWithOidc(roleArn, settings, deps) {
    let token;
    try {
        const getIdToken = deps.getIdToken ?? (async (audience) => (await __webpack_require__.e(/* import() */ 421).then(__webpack_require__.bind(__webpack_require__, 96421))).getIDToken(audience));
        token = await (0,clock/* untilAborted */.Eu)(getIdToken(settings.audience), deps.signal);
    }
    catch (error) {
        if (error instanceof clock/* CancelledError */.cc || deps.signal.aborted)
            throw new clock/* CancelledError */.cc();
        throw new AssumeRoleFailure(oidcTokenRequestFailure(settings.audience, (0,aws_answers/* errorMessage */.gJ)(error)));
    }
    deps.setSecret(token);
    const sts = new dist_cjs/* STSClient */.iM({ region: deps.region, ...(0,sdk_http_options/* sdkHttpOptions */.T)(deps.httpAgent) });
    const random = deps.random ?? Math.random;
    const budget = deps.stsRetryBudgetMs ?? 60_000;
    const started = deps.clock.now();
    let requests = 0;
    try {
        for (let pass = 0;; pass++) {
            if (deps.signal.aborted)
                throw new clock/* CancelledError */.cc();
            try {
                const out = await sts.send(new dist_cjs/* AssumeRoleWithWebIdentityCommand */.WH({
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
                    throw new clock/* CancelledError */.cc();
                if (error instanceof errors/* UserError */.yo)
                    throw error;
                const sent = (0,aws_answers/* sdkRequests */.NK)(error);
                requests += sent;
                const code = (0,aws_answers/* awsErrorName */.ZH)(error);
                const delay = (0,clock/* jitteredBackoffMs */.sq)(pass, 1_000, 10_000, random);
                // The SDK re-sends only what it judges transient (throttling, 5xx, timeouts, connection
                // resets, errors STS models as retryable such as IDPCommunicationError); what it sent once is
                // final and would fail the same way again.
                const transient = sent > 1;
                if (transient && deps.clock.now() - started + delay < budget) {
                    deps.log(`STS AssumeRoleWithWebIdentity: ${code} after ${(0,shared_text/* plural */.LS)(requests, 'request')}; retrying in ${(0,shared_text/* formatDuration */.a3)(delay)}.`);
                    await deps.clock.sleep(delay, deps.signal);
                    continue;
                }
                const message = (0,aws_answers/* errorMessage */.gJ)(error).replace(/\.$/, '');
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
    const what = error instanceof errors/* UserError */.yo ? `${error.title}: ${error.message}` : (0,aws_answers/* errorMessage */.gJ)(error);
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
    const chain = deps.defaultChain ?? (0,credential_provider_node_dist_cjs.defaultProvider)({ clientConfig: (0,sdk_http_options/* sdkHttpOptions */.T)(deps.httpAgent) });
    try {
        await (0,clock/* untilAborted */.Eu)(chain(), deps.signal);
    }
    catch (error) {
        if (error instanceof clock/* CancelledError */.cc || deps.signal.aborted)
            throw new clock/* CancelledError */.cc();
        throw new errors/* UserError */.yo('No AWS credentials', defaultChainFailure((0,aws_answers/* awsErrorName */.ZH)(error), (0,aws_answers/* errorMessage */.gJ)(error), deps.env.AWS_PROFILE || undefined));
    }
    deps.log('Credentials: found by the AWS SDK default credential chain (no role-to-assume given).');
    return chain;
}

;// CONCATENATED MODULE: ./src/action/run/run-credentials.ts
// The run's credentials as the runner sees them: resolveCredentials (credentials.ts) with the runner's
// log and masking, the STS endpoint in the region of the first site that has one. Shared by the real run
// (execute.ts) and the dry run's stack check (stack-check.ts), so both find credentials alike.

function runCredentials(settings, plans, deps) {
    const { runner, env } = deps;
    return resolveCredentials(settings, {
        env,
        setSecret: (value) => runner.setSecret(value),
        log: (line) => runner.info(line),
        clock: deps.clock,
        signal: deps.signal,
        region: plans.find((p) => p.region)?.region ?? env.AWS_REGION ?? 'us-east-1',
        ...(deps.getIdToken && { getIdToken: deps.getIdToken }),
        ...(deps.defaultChain && { defaultChain: deps.defaultChain }),
        ...(deps.random && { random: deps.random }),
        ...(deps.proxied && { httpAgent: deps.proxied.agent }),
    });
}


/***/ }),

/***/ 94190:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   T: () => (/* binding */ sdkHttpOptions)
/* harmony export */ });
// The AWS SDK client option that sends a client's requests through the proxy-choosing agent
// (../../shared/proxy-network.ts builds it, only when a proxy is set), shared by the STS client of the
// credentials and the SSM and CloudFront clients of the run. Pure.
/** `requestHandler` with `agent` for both schemes, or nothing (the SDK's own handler). */
function sdkHttpOptions(agent) {
    return agent ? { requestHandler: { httpAgent: agent, httpsAgent: agent } } : {};
}


/***/ }),

/***/ 49800:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   d: () => (/* binding */ ssmClientPool)
/* harmony export */ });
/* harmony import */ var _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(34736);
/* harmony import */ var _sdk_http_options_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(94190);
// The SSM clients of a run, one per region, made on first use with the run's credentials provider and
// HTTP plumbing (the proxy agent when one is set), and destroyed together at the end: shared by the real
// run (execute.ts) and the dry run's stack check (stack-check.ts).


function ssmClientPool(credentials, agent) {
    const clients = new Map();
    const sdkHttp = (0,_sdk_http_options_js__WEBPACK_IMPORTED_MODULE_0__/* .sdkHttpOptions */ .T)(agent);
    return {
        client: (region) => {
            let ssm = clients.get(region);
            if (!ssm) {
                ssm = new _aws_sdk_client_ssm__WEBPACK_IMPORTED_MODULE_1__/* .SSMClient */ .jBj({ region, retryMode: 'adaptive', credentials, ...sdkHttp });
                clients.set(region, ssm);
            }
            return ssm;
        },
        destroy: () => {
            for (const ssm of clients.values())
                ssm.destroy();
            clients.clear();
        },
    };
}


/***/ })

};
