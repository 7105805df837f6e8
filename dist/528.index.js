export const id = 528;
export const ids = [528];
export const modules = {

/***/ 60528:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createLiveMessage: () => (/* binding */ createLiveMessage)
/* harmony export */ });
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61800);
// The live Slack message (slack-bot-token + slack-channel), through Slack's maintained Web API client
// (@slack/web-api, imported lazily so runs without a bot never load it): chat.postMessage when the run
// starts, chat.update as steps finish — at most once per `minIntervalMs` (1 s), the newest progress
// winning, timed by the injected clock — and a last chat.update with the result; a failed run adds a
// thread reply (chat.postMessage with thread_ts) that mentions the requester. The client's own retries
// handle 5xx, network errors and 429 (it waits for Slack's Retry-After); the policy is bounded here.
// Every text is redacted first; errors never contain the token. With a proxy set, the requests go
// through the given proxy-choosing agent (the client turns axios' own proxy handling off). I/O: HTTPS
// to Slack's Web API.

const DEFAULT_RETRY = {
    retries: 3,
    factor: 2,
    minTimeout: 500,
    maxTimeout: 4000,
    randomize: true,
};
/** What Slack's error codes mean for this message, and the fix. */
const HINTS = {
    not_in_channel: 'the app is not in the channel; invite it there (/invite @Cache Purge)',
    channel_not_found: 'no such channel, or the app cannot see it (a private channel needs the app invited)',
    invalid_auth: 'the bot token is not valid; copy the Bot User OAuth Token again into the secret',
    not_authed: 'no bot token reached Slack',
    token_revoked: 'the bot token was revoked; reinstall the app and update the secret',
    account_inactive: 'the bot token belongs to a deleted app or user; reinstall the app and update the secret',
    missing_scope: 'the app lacks the chat:write scope; add it (examples/slack-app-manifest.yml) and reinstall',
    is_archived: 'the channel is archived',
    msg_too_long: 'the message was too long; this is a bug in cache-purge-action, please report it',
    invalid_blocks: 'Slack could not read the message; this is a bug in cache-purge-action, please report it',
    ratelimited: 'Slack rate-limited the app for longer than the action retries',
};
/** A Web API error as one line: Slack's error code and what it means, or what failed on the way. */
function describeSlackError(error, redact) {
    const e = (error ?? {});
    if (e.code === 'slack_webapi_platform_error' && e.data?.error) {
        const hint = HINTS[e.data.error];
        return `Slack answered "${e.data.error}"${hint ? `: ${hint}` : ''}`;
    }
    if (e.code === 'slack_webapi_http_error')
        return `Slack answered HTTP ${e.statusCode ?? '?'}`;
    if (e.code === 'slack_webapi_rate_limited_error')
        return `Slack rate-limited the app: ${HINTS.ratelimited}`;
    if (e.code === 'slack_webapi_request_error') {
        return `could not reach Slack (${redact(e.original?.code ?? e.original?.message ?? 'network error')})`;
    }
    return redact(e.message ?? String(error));
}
async function createLiveMessage(options) {
    const { bot, clock, redact, log } = options;
    const interval = options.minIntervalMs ?? 1000;
    const { WebClient, LogLevel } = await Promise.all(/* import() */[__webpack_require__.e(830), __webpack_require__.e(105)]).then(__webpack_require__.t.bind(__webpack_require__, 85105, 23));
    const quiet = () => undefined;
    const client = new WebClient(bot.token, {
        slackApiUrl: bot.apiUrl,
        retryConfig: { ...DEFAULT_RETRY, ...options.retry },
        timeout: options.requestTimeoutMs ?? 10_000,
        rejectRateLimitedCalls: false, // wait for Retry-After, then try again (within the retries)
        ...(options.agent && { agent: options.agent }),
        logLevel: LogLevel.ERROR,
        logger: {
            debug: quiet,
            info: quiet,
            warn: quiet,
            error: (...messages) => log(`Slack client: ${redact(messages.map(String).join(' '))}`),
            setLevel: quiet,
            getLevel: () => LogLevel.ERROR,
            setName: quiet,
        },
    });
    let channel = bot.channel;
    let ts;
    let lastSent = -Infinity;
    let pending;
    let queued = false;
    let finished = false;
    const stopWaiting = new AbortController();
    let chain = Promise.resolve();
    const send = async (payload) => {
        const safe = (0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redactDeep */ .KL)(payload, redact);
        try {
            await client.chat.update({ channel, ts: ts, text: safe.text, blocks: safe.blocks });
        }
        finally {
            // counted from the answer: the next call leaves a full interval after Slack had this one
            lastSent = clock.now();
        }
    };
    return {
        async start(payload) {
            const safe = (0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redactDeep */ .KL)(payload, redact);
            try {
                const answer = await client.chat.postMessage({ channel, text: safe.text, blocks: safe.blocks });
                ts = answer.ts;
                if (typeof answer.channel === 'string')
                    channel = answer.channel;
                lastSent = clock.now();
                return ts !== undefined;
            }
            catch (error) {
                log(`Live Slack message not posted: ${describeSlackError(error, redact)}.`);
                return false;
            }
        },
        update(payload) {
            if (ts === undefined || finished)
                return;
            pending = payload;
            if (queued)
                return;
            queued = true;
            chain = chain.then(async () => {
                const wait = lastSent + interval - clock.now();
                if (wait > 0)
                    await clock.sleep(wait, stopWaiting.signal);
                queued = false;
                const next = pending;
                pending = undefined;
                if (next === undefined || finished)
                    return;
                try {
                    await send(next);
                }
                catch (error) {
                    log(`Live Slack message not updated: ${describeSlackError(error, redact)}.`);
                }
            });
        },
        async finish(payload, threadReply) {
            finished = true;
            stopWaiting.abort();
            await chain;
            if (ts === undefined)
                return { ok: false, reason: 'the live message was never posted' };
            const wait = lastSent + interval - clock.now();
            if (wait > 0)
                await clock.sleep(wait);
            try {
                await send(payload);
                if (threadReply !== undefined) {
                    await client.chat.postMessage({ channel, thread_ts: ts, text: redact(threadReply) });
                }
                return { ok: true };
            }
            catch (error) {
                return { ok: false, reason: describeSlackError(error, redact) };
            }
        },
    };
}


/***/ })

};
