export const id = 469;
export const ids = [469];
export const modules = {

/***/ 28469:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  executeSites: () => (/* binding */ executeSites)
});

// UNUSED EXPORTS: executePlan, worstStatus

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudfront/dist-cjs/index.js
var dist_cjs = __webpack_require__(23169);
// EXTERNAL MODULE: ./src/shared/errors.ts
var errors = __webpack_require__(58382);
// EXTERNAL MODULE: ./src/action/report/report-view.ts
var report_view = __webpack_require__(42109);
// EXTERNAL MODULE: ./src/shared/text.ts
var shared_text = __webpack_require__(24646);
// EXTERNAL MODULE: ./src/action/clock.ts + 1 modules
var action_clock = __webpack_require__(68327);
// EXTERNAL MODULE: ./src/action/run/aws-answers.ts
var aws_answers = __webpack_require__(33155);
// EXTERNAL MODULE: ./src/action/run/run-credentials.ts + 2 modules
var run_credentials = __webpack_require__(66991);
// EXTERNAL MODULE: ./src/action/run/sdk-http-options.ts
var sdk_http_options = __webpack_require__(94190);
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

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ssm/dist-cjs/index.js
var client_ssm_dist_cjs = __webpack_require__(34736);
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
// EXTERNAL MODULE: ./src/action/report/diagnosis.ts
var diagnosis = __webpack_require__(42112);
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
    const reading = (0,purge_result/* readPurgeResult */.xW)(stdout);
    if (reading && 'result' in reading)
        report.result = reading.result;
    else if (reading)
        report.resultProblem = reading.problem;
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
        const detail = r
            ? ` — ${(0,purge_view/* describeInstanceResult */.Uy)(r)}`
            : instance.resultProblem
                ? ` — ${(0,purge_view/* unreadResultLine */.F_)(instance.resultProblem)}`
                : '';
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
        const sent = await ssm.send(new client_ssm_dist_cjs/* SendCommandCommand */.VWR(sendCommandInput(step, context)), {
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
        const code = (0,aws_answers/* awsErrorName */.ZH)(error);
        log(`SendCommand failed: ${code}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`);
        return finish('failed', { code, message: `SendCommand ${step.document} failed: ${(0,aws_answers/* errorMessage */.gJ)(error)}` });
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
            const listed = await ssm.send(new client_ssm_dist_cjs/* ListCommandsCommand */.I$q({ CommandId: commandId }), {
                abortSignal: signal,
            });
            command = listed.Commands?.[0];
        }
        catch (error) {
            if (signal.aborted) {
                ended = 'cancelled';
                break;
            }
            const code = (0,aws_answers/* awsErrorName */.ZH)(error);
            if (TRANSIENT.has(code)) {
                log(`ListCommands: ${code} (${(0,aws_answers/* errorMessage */.gJ)(error)}); still waiting.`);
                continue;
            }
            if (!NOT_VISIBLE_YET.has(code)) {
                log(`ListCommands failed: ${code}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`);
                return finish('failed', {
                    code,
                    message: `Could not follow command ${commandId}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`,
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
            const code = (0,aws_answers/* awsErrorName */.ZH)(error);
            log(`ListCommandInvocations failed: ${code}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`);
            return finish('failed', {
                code,
                message: `Could not read the results of ${commandId}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`,
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
    const pages = (0,client_ssm_dist_cjs/* paginateListCommandInvocations */.ayw)({ client: ssm, pageSize: 50 }, { CommandId: commandId, Details: true }, { abortSignal: signal });
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
            const got = await ssm.send(new client_ssm_dist_cjs/* GetCommandInvocationCommand */.ryN({
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
            failures.push(`${instanceId}: ${(0,aws_answers/* awsErrorName */.ZH)(error)}`);
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
        await ssm.send(new client_ssm_dist_cjs/* CancelCommandCommand */.tal({ CommandId: commandId }), {
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
    const status = (0,aws_answers/* sdkMetadata */.mb)(error)?.httpStatusCode;
    return THROTTLING_CODES.has((0,aws_answers/* awsErrorName */.ZH)(error)) || status === 429 || status === 503;
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
            const created = await cloudfront.send(new dist_cjs/* CreateInvalidationCommand */.Yo6({
                DistributionId: step.distributionId,
                InvalidationBatch: {
                    CallerReference: reference,
                    Paths: { Quantity: step.paths.length, Items: step.paths },
                },
            }), { abortSignal: signal });
            requests += (0,aws_answers/* sdkRequests */.NK)(created);
            report.invalidationId = created.Invalidation?.Id;
            report.invalidationStatus = created.Invalidation?.Status;
            break;
        }
        catch (error) {
            if (signal.aborted)
                return cancelled();
            requests += (0,aws_answers/* sdkRequests */.NK)(error);
            const code = (0,aws_answers/* awsErrorName */.ZH)(error);
            const waitable = code === TOO_MANY_INVALIDATIONS || isThrottledOrUnavailable(error);
            const delay = Math.max(250, (0,action_clock/* jitteredBackoffMs */.sq)(pass, 1_000, 15_000, random));
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
            log(`CreateInvalidation on ${step.distributionId} failed${sent}: ${code}: ${(0,aws_answers/* errorMessage */.gJ)(error)}`);
            return finish('failed', {
                code,
                message: `CreateInvalidation on ${step.distributionId} failed${sent}: ${(0,aws_answers/* errorMessage */.gJ)(error)}.${hint}`,
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
            const code = (0,aws_answers/* awsErrorName */.ZH)(waited.error);
            log(`GetInvalidation ${report.invalidationId} failed: ${code}: ${(0,aws_answers/* errorMessage */.gJ)(waited.error)}`);
            return finish('failed', {
                code,
                message: `Could not follow invalidation ${report.invalidationId}${waited.requests > 1 ? ` (after ${polls})` : ''}: ${(0,aws_answers/* errorMessage */.gJ)(waited.error)}.${code === 'AccessDenied' ? ' Waiting needs cloudfront:GetInvalidation in the role policy.' : ''}`,
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
            const got = await cloudfront.send(new dist_cjs/* GetInvalidationCommand */.Wwh({ DistributionId: report.distributionId, Id: report.invalidationId }), { abortSignal: signal });
            requests += (0,aws_answers/* sdkRequests */.NK)(got);
            report.invalidationStatus = got.Invalidation?.Status;
        }
        catch (error) {
            if (signal.aborted)
                return { outcome: 'cancelled', requests };
            requests += (0,aws_answers/* sdkRequests */.NK)(error);
            if (!isThrottledOrUnavailable(error))
                return { outcome: 'failed', requests, error };
            log(`GetInvalidation ${report.invalidationId}: ${(0,aws_answers/* awsErrorName */.ZH)(error)} (${(0,shared_text/* plural */.LS)(requests, 'request')} so far); asking again at the next poll.`);
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
    const clock = deps.clock ?? action_clock/* systemClock */.ml;
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

// EXTERNAL MODULE: ./src/action/verify/freshness.ts
var freshness = __webpack_require__(63741);
;// CONCATENATED MODULE: ./src/action/verify/likely-cause.ts
// Why a verify check failed, as a person fixing it needs to read it: which invalidation path would have
// covered a stale URL (CloudFront's rules: exact path, or a prefix ending in "*"), whether the run's
// FastCGI purge ran, and why a cache would not refill (no-cache/private pages, a cache directory nginx
// cannot write). Pure; fed the facts of the run by the executor.

/** A path as an invalidation path is written (leading "/", as src/core/paths.ts normalises it). */
const normalised = (path) => (path.trim().startsWith('/') ? path.trim() : `/${path.trim()}`);
/**
 * The invalidation path that covers `url`, or undefined. CloudFront compares a path with the request's
 * path (and query string, when the cache key has one): equal, or, for a path ending in "*", starting
 * with what comes before the "*". Case-sensitive, compared as encoded.
 */
function coveringPath(paths, url) {
    const { pathname, search } = new URL(url);
    const candidates = search === '' ? [pathname] : [pathname + search, pathname];
    return paths.map(normalised).find((path) => {
        if (path.endsWith('*'))
            return candidates.some((c) => c.startsWith(path.slice(0, -1)));
        return candidates.includes(path);
    });
}
/** The path a fix would add for `url`: the page itself and its directory's wildcard. */
function suggestedPaths(url) {
    const { pathname } = new URL(url);
    if (pathname === '/')
        return '/ (or /*)';
    const dir = pathname.endsWith('/') ? pathname : pathname.slice(0, pathname.lastIndexOf('/') + 1);
    return dir === '/' ? `${pathname} (or /*)` : `${pathname} or ${dir}*`;
}
function cdnStaleCause(url, facts) {
    const { pathname } = new URL(url);
    const paths = facts.invalidationPaths;
    if (paths === undefined || paths.length === 0) {
        return 'no CloudFront step of this run invalidated the distribution; add a cloudfront step before verify';
    }
    const covering = coveringPath(paths, url);
    if (covering === undefined) {
        return `the invalidation's paths (${(0,shared_text/* listFirst */.rL)([...paths], 5, ' ')}) do not cover ${pathname}; add ${suggestedPaths(url)}`;
    }
    if (facts.invalidationCompleted === false) {
        return `the invalidation (${covering} covers ${pathname}) had not completed; set "wait: true" on the cloudfront step or give verify a longer timeout`;
    }
    return `the invalidation covered ${pathname} (${covering}) yet the edge served an older copy: is this host served by the distribution the run invalidated?`;
}
function originStaleCause(facts) {
    switch (facts.originPurge) {
        case 'not-run':
        case undefined:
            return 'no step of this run purged the nginx FastCGI cache; add the CachePurge-FastCGI step before verify';
        case 'failed':
            return 'the FastCGI purge step of this run failed; see its output above';
        case 'succeeded':
            return "the purge ran but nginx still serves an older page: is its CachePath this site's fastcgi_cache_path? A plugin cache purged after nginx can also refill nginx with old output — purge the plugin cache first";
    }
}
/** Why a layer still missed on the second request. */
function notRefillingCause(layer, cacheControl) {
    const sent = cacheControl ? `Cache-Control: ${cacheControl}` : undefined;
    const refuses = sent !== undefined && /no-cache|no-store|private|max-age=0\b|s-maxage=0\b/i.test(sent);
    if (layer === 'cdn') {
        return refuses
            ? `the page sends ${sent}, so CloudFront does not keep it; let the page be cached or accept the miss`
            : "CloudFront is not keeping the page: check the cache behaviour's cache policy (TTLs, cookies or headers in the cache key)";
    }
    if (refuses)
        return `the page sends ${sent}, so nginx does not store it (or a cookie bypasses the cache)`;
    return 'the cache is not refilling: nginx may be unable to write its cache directory (a purge that recreated it as root leaves it unwritable to nginx), or fastcgi_cache_bypass / a Set-Cookie skips it';
}
function statusCause(status) {
    if (status >= 500) {
        return 'the origin is failing after the purge; check php-fpm and the nginx error log (a cache directory nginx can no longer write — "mkdir() … Permission denied" — makes it drop every page it has not cached yet)';
    }
    if (status === 429)
        return 'the origin or a firewall is rate-limiting the requests; lower "concurrency"';
    if (status === 404 || status === 410)
        return 'the page does not exist; fix the URL or the sitemap';
    if (status === 401 || status === 403)
        return 'the page is not public; verify only pages a visitor can see';
    return 'only 2xx and 3xx answers are accepted';
}
function timeoutCause(timeoutSeconds) {
    return `no answer within ${timeoutSeconds} s: the origin is slow to build pages after the purge (or unreachable); raise "request-timeout-seconds" if that is expected`;
}

;// CONCATENATED MODULE: ./src/action/verify/verify-report.ts
// What a verify step found, from the per-URL results: the `report` object (per-layer counts, stale URLs
// with evidence and likely cause, status counts, TTFB p50/p95 cold vs warm, hit ratio after warming,
// URLs warmed, duration — its JSON shape is documented in docs/verify.md), the step's verdict (failures
// and warnings, each naming the URL, the layer, the evidence and the likely cause) and the log lines.
// Pure.



const MAX_LISTED = 20;
const LAYER_NAMES = { cdn: 'the CDN', origin: 'the origin (nginx)' };
/** Nearest-rank percentile of `values` (ms, rounded); null when there are none. */
function percentile(values, p) {
    if (values.length === 0)
        return null;
    const sorted = [...values].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
}
const percentiles = (values) => ({
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
});
const statusKey = (probe) => (probe.kind === 'response' ? String(probe.status) : probe.kind);
/** The problems one URL shows. */
function urlProblems(check, facts, requestTimeoutSeconds) {
    const { url, cold } = check;
    if (cold.kind === 'timeout') {
        return [
            {
                url,
                kind: 'timeout',
                evidence: `no response after ${(0,shared_text/* formatDuration */.a3)(cold.afterMs)}`,
                cause: timeoutCause(requestTimeoutSeconds),
            },
        ];
    }
    if (cold.kind === 'network') {
        return [{ url, kind: 'network', evidence: cold.message, cause: 'the host could not be reached' }];
    }
    const problems = [];
    if (!(0,freshness/* isExpectedStatus */.JD)(cold.status)) {
        problems.push({
            url,
            kind: 'status',
            evidence: `status ${cold.status}`,
            cause: statusCause(cold.status),
        });
    }
    for (const layer of freshness/* LAYERS */.RR) {
        const finding = cold.findings[layer];
        if (finding.verdict !== 'stale')
            continue;
        const cause = layer === 'cdn' ? cdnStaleCause(url, facts) : originStaleCause(facts);
        problems.push({ url, kind: 'stale', layer, evidence: finding.evidence, cause });
    }
    const warm = check.warm;
    if (warm && warm.kind !== 'response') {
        problems.push(...urlProblems({ url, source: check.source, cold: warm }, facts, requestTimeoutSeconds));
    }
    else if (warm) {
        for (const layer of check.notRefilled ?? []) {
            const first = cold.findings[layer].evidence;
            problems.push({
                url,
                kind: 'not-refilling',
                layer,
                evidence: `first request ${first}; second request ${warm.findings[layer].evidence}`,
                cause: notRefillingCause(layer, warm.cacheControl),
            });
        }
    }
    return problems;
}
/** Whether the cache holds the URL now, judged by its last answer; undefined when no layer was seen. */
function cachedNow(check) {
    const last = check.warm ?? check.cold;
    if (last.kind !== 'response' || !(0,freshness/* isExpectedStatus */.JD)(last.status))
        return false;
    const { cdn, origin } = last.findings;
    if (cdn.outcome === 'hit')
        return true;
    if (origin.outcome === 'absent' && cdn.outcome === 'absent')
        return undefined;
    if (origin.outcome === 'absent')
        return false;
    return origin.outcome === 'hit' && cdn.outcome === 'absent';
}
function buildReport(input) {
    const { checks, facts } = input;
    const layers = Object.fromEntries(freshness/* LAYERS */.RR.map((l) => [l, { fresh: 0, stale: 0, unverified: 0, notSeen: 0 }]));
    const statuses = {};
    const cold = [];
    const warm = [];
    const problems = [];
    let warmed = 0;
    let judged = 0;
    let undatedOriginHits = 0;
    for (const check of checks) {
        for (const probe of [check.cold, ...(check.warm ? [check.warm] : [])]) {
            statuses[statusKey(probe)] = (statuses[statusKey(probe)] ?? 0) + 1;
        }
        if (check.cold.kind === 'response') {
            cold.push(check.cold.ttfbMs);
            for (const layer of freshness/* LAYERS */.RR) {
                const verdict = check.cold.findings[layer].verdict;
                layers[layer][verdict === 'not-seen' ? 'notSeen' : verdict]++;
            }
            const origin = check.cold.findings.origin;
            if (origin.verdict === 'unverified' && origin.outcome === 'hit' && origin.ageSeconds === undefined) {
                undatedOriginHits++;
            }
        }
        if (check.warm?.kind === 'response')
            warm.push(check.warm.ttfbMs);
        const cached = cachedNow(check);
        if (cached !== undefined)
            judged++;
        if (cached)
            warmed++;
        problems.push(...urlProblems(check, facts, input.requestTimeoutSeconds));
    }
    for (const { url, source } of input.notReached) {
        if (source !== 'explicit')
            continue;
        const evidence = `not requested: the step's time ran out first`;
        problems.push({
            url,
            kind: 'not-reached',
            evidence,
            cause: 'raise "timeout-seconds" or list fewer URLs',
        });
    }
    const failures = failureLines(problems);
    const warnings = [];
    if (undatedOriginHits > 0) {
        warnings.push(`${(0,shared_text/* plural */.LS)(undatedOriginHits, 'URL')} came from the origin's cache (HIT) without a ${input.generatedAtHeader} header, so they could not be dated (unverified); add the header as docs/verify.md shows`);
    }
    const sitemapNotReached = input.notReached.filter((n) => n.source === 'sitemap').length;
    if (sitemapNotReached > 0) {
        warnings.push(`${(0,shared_text/* plural */.LS)(sitemapNotReached, 'sitemap URL')} not warmed: the step's time ran out; raise "timeout-seconds" or lower "limit"`);
    }
    for (const layer of freshness/* LAYERS */.RR) {
        if (checks.length > 0 && layers[layer].notSeen === checks.length) {
            warnings.push(`no response showed ${LAYER_NAMES[layer]}'s cache header${layer === 'origin' ? ' (is "cache-header" the header nginx sets?)' : ''}; that layer was not seen`);
        }
    }
    return {
        passed: problems.length === 0,
        urls: {
            total: checks.length + input.notReached.length,
            explicit: [...checks, ...input.notReached].filter((c) => c.source === 'explicit').length,
            sitemap: [...checks, ...input.notReached].filter((c) => c.source === 'sitemap').length,
            notReached: input.notReached.length,
        },
        layers,
        problems: problems.slice(0, MAX_LISTED),
        problemCount: problems.length,
        stale: problems
            .filter((p) => p.kind === 'stale')
            .slice(0, MAX_LISTED)
            .map((p) => ({ url: p.url, layer: p.layer, evidence: p.evidence })),
        statuses,
        ttfbMs: { cold: percentiles(cold), warm: percentiles(warm) },
        hitRatioAfterWarming: input.warm && judged > 0 ? Math.round((warmed / judged) * 1000) / 1000 : null,
        warmed,
        retries: input.retries,
        durationMs: Math.round(input.durationMs),
        failures,
        warnings,
    };
}
const KIND_TEXT = {
    stale: 'is stale',
    status: 'answered an unexpected status',
    timeout: 'timed out',
    network: 'could not be requested',
    'not-refilling': 'is not refilling',
    'not-reached': 'was not checked',
};
/** One line per problem, the first MAX_LISTED, then how many more. */
function failureLines(problems) {
    const lines = problems.slice(0, MAX_LISTED).map((p) => {
        const where = p.layer ? ` at ${LAYER_NAMES[p.layer]}` : '';
        return `${p.url} ${KIND_TEXT[p.kind]}${where}: ${p.evidence}. Likely cause: ${p.cause}`;
    });
    if (problems.length > MAX_LISTED)
        lines.push(`… and ${problems.length - MAX_LISTED} more problems`);
    return lines;
}
const ms = (value) => (value === null ? '–' : (0,shared_text/* formatDuration */.a3)(value));
/** The log's account of the step, a line each. */
function reportLines(report) {
    const counts = (l) => {
        const c = report.layers[l];
        return `${LAYER_NAMES[l]}: ${c.fresh} fresh, ${c.stale} stale, ${c.unverified} unverified, ${c.notSeen} not seen`;
    };
    const statuses = Object.entries(report.statuses).map(([s, n]) => `${s} ×${n}`);
    const { cold, warm } = report.ttfbMs;
    return [
        `Verify ${report.passed ? 'passed' : 'FAILED'}: ${(0,shared_text/* plural */.LS)(report.urls.total, 'URL')} (${report.urls.explicit} listed, ${report.urls.sitemap} from the sitemap) in ${(0,shared_text/* formatDuration */.a3)(report.durationMs)}`,
        counts('cdn'),
        counts('origin'),
        `Statuses: ${statuses.length ? (0,shared_text/* listFirst */.rL)(statuses, 8, ', ') : 'none'}`,
        `TTFB cold p50 ${ms(cold.p50)} / p95 ${ms(cold.p95)}; warm p50 ${ms(warm.p50)} / p95 ${ms(warm.p95)}`,
        report.hitRatioAfterWarming === null
            ? `Warming not checked; ${(0,shared_text/* plural */.LS)(report.warmed, 'URL')} cached`
            : `Hit ratio after warming ${(report.hitRatioAfterWarming * 100).toFixed(1)}%; ${(0,shared_text/* plural */.LS)(report.warmed, 'URL')} warmed${report.retries ? `, ${(0,shared_text/* plural */.LS)(report.retries, 'retry', 'retries')}` : ''}`,
        ...report.failures.map((f) => `✗ ${f}`),
        ...report.warnings.map((w) => `⚠ ${w}`),
    ];
}

;// CONCATENATED MODULE: ./src/action/verify/warm.ts
// Runs one task per item with at most `concurrency` in flight, inside a deadline. A task may ask to be
// retried (the origin answered 429 or 503): every worker then pauses — the origin is struggling, so
// the whole pool backs off, not just one request — until the `Retry-After` the origin gave, or an
// exponential backoff with full jitter when it gave none, never past the deadline. Items not started
// by the deadline are handed back as not reached. Time comes from the injected clock.

/**
 * Runs `task` on every item of `items` (taken in order, lazily); `task` gets the time it may take and
 * `onDone` each final value. Resolves when every started item is done.
 */
async function runPool(items, task, onDone, options) {
    const { clock, deadline } = options;
    const maxRetries = options.maxRetries ?? 3;
    const base = options.baseBackoffMs ?? 500;
    const cap = options.capBackoffMs ?? 30_000;
    const maxRetryAfter = options.maxRetryAfterMs ?? 60_000;
    const random = options.random ?? Math.random;
    const iterator = items[Symbol.iterator]();
    const notReached = [];
    let pauseUntil = 0;
    let pausedMs = 0;
    let retries = 0;
    let exhausted = false;
    const stopped = () => options.signal?.aborted === true || clock.now() >= deadline;
    const next = () => {
        if (exhausted)
            return undefined;
        const step = iterator.next();
        if (step.done) {
            exhausted = true;
            return undefined;
        }
        return { item: step.value };
    };
    /** Waits out the pool's pause; false when the deadline or the signal comes first. */
    const waitForPause = async () => {
        while (clock.now() < pauseUntil) {
            if (pauseUntil >= deadline)
                return false;
            const started = clock.now();
            await clock.sleep(pauseUntil - started, options.signal);
            pausedMs += clock.now() - started;
            if (options.signal?.aborted)
                return false;
        }
        return !stopped();
    };
    const worker = async () => {
        for (let taken = next(); taken; taken = next()) {
            const { item } = taken;
            if (!(await waitForPause())) {
                notReached.push(item);
                continue;
            }
            for (let attempt = 0;; attempt++) {
                const result = await task(item, deadline - clock.now());
                const wantsRetry = result.retry !== undefined && attempt < maxRetries;
                if (wantsRetry) {
                    const wait = result.retry.afterMs !== undefined
                        ? Math.min(result.retry.afterMs, maxRetryAfter)
                        : (0,action_clock/* jitteredBackoffMs */.sq)(attempt, base, cap, random);
                    pauseUntil = Math.max(pauseUntil, clock.now() + wait);
                    if (pauseUntil < deadline && (await waitForPause())) {
                        retries++;
                        continue;
                    }
                }
                onDone(item, result.value);
                break;
            }
        }
    };
    const workers = Array.from({ length: Math.max(1, options.concurrency) }, worker);
    await Promise.all(workers);
    return { retries, pausedMs, notReached };
}
/**
 * `Retry-After` in milliseconds from `nowMs` (wall clock): delay-seconds or an HTTP date; undefined
 * when absent or unreadable. A date in the past is 0.
 */
function parseRetryAfter(value, nowMs) {
    if (value === undefined)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
/** Statuses that mean "not now": retried after Retry-After or a backoff. */
const isBusyStatus = (status) => status === 429 || status === 503;

;// CONCATENATED MODULE: ./src/action/verify/run-verify.ts
// One verify step, start to end: reads the sitemap first (an unreadable one is an error before any
// page is requested), then requests every URL as a visitor — explicit URLs first — with at most
// `concurrency` in flight inside the step's time, judges each answer's freshness per layer, and, with
// `warm`, requests each URL that missed a layer again and expects a hit there. Busy answers (429/503)
// are retried after Retry-After or a backoff. Returns the report; the probe, the sitemap reader and
// the clock are injected.



function summarise(outcome, ctx) {
    if (outcome.kind !== 'response')
        return outcome;
    const cacheControl = outcome.headers['cache-control'];
    return {
        kind: 'response',
        status: outcome.status,
        ttfbMs: outcome.ttfbMs,
        findings: (0,freshness/* classifyResponse */.IJ)(outcome, ctx),
        ...(cacheControl !== undefined && { cacheControl }),
    };
}
/** The URLs to request: explicit ones (de-duplicated), then the sitemap's new ones up to its limit. */
async function collectItems(config, deps) {
    const seen = new Set(config.urls);
    const items = config.urls.map((url) => ({ url, source: 'explicit' }));
    if (config.sitemap !== undefined) {
        for await (const url of deps.readSitemap(config.sitemap, config.limit, seen)) {
            items.push({ url, source: 'sitemap' });
        }
    }
    return items;
}
async function runVerify(input, deps) {
    const { config } = input;
    const { clock } = deps;
    const started = clock.now();
    const deadline = started + config.timeoutSeconds * 1000;
    const ctx = {
        runStartMs: input.runStartMs,
        cacheHeader: config.cacheHeader,
        generatedAtHeader: config.generatedAtHeader,
    };
    const items = await collectItems(config, deps);
    const requestMs = config.requestTimeoutSeconds * 1000;
    /** One request; a busy answer asks the pool to retry after the origin's Retry-After. */
    const request = async (url, budgetMs) => {
        const outcome = await deps.probe(url, Math.max(1, Math.min(requestMs, budgetMs)), deps.signal);
        const busy = outcome.kind === 'response' && isBusyStatus(outcome.status);
        const afterMs = busy
            ? parseRetryAfter(outcome.headers['retry-after'], clock.date().getTime())
            : undefined;
        return { summary: summarise(outcome, ctx), busy, afterMs };
    };
    const retryAfter = (afterMs) => ({ ...(afterMs !== undefined && { afterMs }) });
    const task = async (item, budgetMs) => {
        if (!item.cold || (item.cold.kind === 'response' && isBusyStatus(item.cold.status) && !item.warm)) {
            const cold = await request(item.url, budgetMs);
            item.cold = cold.summary;
            if (cold.busy)
                return { value: item, retry: retryAfter(cold.afterMs) };
        }
        const cold = item.cold;
        const answered = cold.kind === 'response' && (0,freshness/* isExpectedStatus */.JD)(cold.status);
        if (!config.warm || !answered || (0,freshness/* missedLayers */.SN)(cold.findings).length === 0) {
            return { value: item };
        }
        const remaining = deadline - clock.now();
        if (remaining <= 0)
            return { value: item };
        const warm = await request(item.url, remaining);
        item.warm = warm.summary;
        return warm.busy ? { value: item, retry: retryAfter(warm.afterMs) } : { value: item };
    };
    const checks = [];
    const pool = await runPool(items, task, (item) => {
        const check = { url: item.url, source: item.source, cold: item.cold };
        if (item.warm) {
            check.warm = item.warm;
            if (item.cold.kind === 'response' && item.warm.kind === 'response') {
                check.notRefilled = (0,freshness/* refillCheck */.He)(item.cold.findings, item.warm.findings).notRefilled;
            }
        }
        checks.push(check);
    }, {
        concurrency: config.concurrency,
        deadline,
        clock,
        ...(deps.signal && { signal: deps.signal }),
        ...(deps.random && { random: deps.random }),
    });
    return buildReport({
        checks,
        notReached: pool.notReached.map(({ url, source }) => ({ url, source })),
        facts: input.facts,
        warm: config.warm,
        requestTimeoutSeconds: config.requestTimeoutSeconds,
        generatedAtHeader: config.generatedAtHeader,
        retries: pool.retries,
        durationMs: clock.now() - started,
    });
}

// EXTERNAL MODULE: ./node_modules/saxes/saxes.js
var saxes = __webpack_require__(59800);
// EXTERNAL MODULE: ./src/action/sites-file/verify-step-schema.ts
var verify_step_schema = __webpack_require__(15046);
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
            if ((0,verify_step_schema/* urlProblem */.rn)(entry.loc) !== undefined) {
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
                code: (0,aws_answers/* awsErrorName */.ZH)(waited.error),
                message: `Could not follow invalidation ${invalidation.invalidationId}: ${(0,aws_answers/* errorMessage */.gJ)(waited.error)}. Waiting needs cloudfront:GetInvalidation in the role policy.`,
            });
        }
    }
    const config = { ...step, timeoutSeconds: Math.max(1, Math.floor((deadline - clock.now()) / 1000)) };
    try {
        const found = await runVerify({ config, runStartMs: deps.runStartMs, facts: runFacts(deps.earlier) }, {
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
        for (const line of reportLines(found))
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
            : { code: 'VerifyError', message: (0,aws_answers/* errorMessage */.gJ)(error) });
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
// EXTERNAL MODULE: ./src/action/run/roots-preflight.ts
var roots_preflight = __webpack_require__(69175);
// EXTERNAL MODULE: ./src/action/run/ssm-clients.ts
var ssm_clients = __webpack_require__(49800);
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
/** A run that fails (or is cancelled) before any site starts: every step skipped, the failure on the run and every site. */
function failBeforeAnySite(run, cause, signal) {
    const cancelled = ('thrown' in cause && cause.thrown instanceof action_clock/* CancelledError */.cc) || signal.aborted;
    const failure = cancelled
        ? undefined
        : 'stepError' in cause
            ? cause.stepError
            : (0,errors/* isUserError */.iU)(cause.thrown)
                ? { code: cause.code, message: cause.thrown.message, title: cause.thrown.title }
                : { code: cause.code, message: (0,aws_answers/* errorMessage */.gJ)(cause.thrown) };
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
    const { runner } = deps;
    const clock = deps.clock ?? action_clock/* systemClock */.ml;
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
    let ssmClients;
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
            credentials = await (0,run_credentials/* runCredentials */._)(settings, runPlan.sites, { ...deps, clock, signal });
        }
        catch (error) {
            return failBeforeAnySite(run, { thrown: error, code: 'CredentialsError' }, signal);
        }
        const sdkHttp = (0,sdk_http_options/* sdkHttpOptions */.T)(deps.proxied?.agent);
        const ssm = (ssmClients = (0,ssm_clients/* ssmClientPool */.d)(credentials, deps.proxied?.agent));
        const shared = {
            clock,
            signal,
            ssmClient: ssm.client,
            cloudFrontClient: () => (cloudfront ??= new dist_cjs/* CloudFrontClient */.GHk({
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
            const preflight = await (0,roots_preflight/* rootsPreflight */.N)(runPlan.sites, runPlan.configFile, {
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
                return failBeforeAnySite(run, { stepError: preflight.error }, signal);
        }
        catch (error) {
            return failBeforeAnySite(run, { thrown: error, code: 'PreflightError' }, signal);
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
        ssmClients?.destroy();
        cloudfront?.destroy();
    }
}


/***/ })

};
