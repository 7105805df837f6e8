// AWS Lambda adapter (dist/relay/lambda.js, `handler`): a function URL / API Gateway HTTP API (payload
// 2.0) event — a slash command or a click on a confirmation prompt — → the shared relay → the result object. Decodes base64 bodies to the exact bytes Slack
// signed. Configuration is read on the first request, so the module always loads; when it is missing
// or malformed the log names every bad variable (once per distinct set of problems), and each request
// Slack signed gets an ephemeral "misconfigured" message naming the variables (HTTP 200: Slack shows
// only a generic error for a 500) — or a 500 when the signing secret itself is missing, since nothing
// can be verified then. With RELAY_SECRETS_ARN (the CloudFormation stack), the secrets come from
// Secrets Manager (a bounded read) and are merged over the environment; a failed first read answers
// 500 and is tried again on the next request, a failed re-read keeps the last good copy in service (one
// `secrets_refresh_failed` line per failed read; request lines carry `secrets_age_s` meanwhile), and a
// rotated secret (re-read every few minutes) rebuilds the relay. The time the read took is taken off
// the dispatch deadline, so the answer still leaves in time.

import { loadRelayConfig, readSigningSecrets } from './core/config.js';
import { RelayConfigError } from './core/config-problems.js';
import { decideMisconfigured } from './core/decide.js';
import { textReply, type RelayResponse, type RequestLogFields } from './core/reply.js';
import { createGitHubDispatcher } from './github.js';
import {
  createRelay,
  internalError,
  logLine,
  requestLogLine,
  writeLogLine,
  type Relay,
  type RelayDependencies,
} from './relay.js';
import { RELAY_SECRET_KEYS, RelaySecretsError, type Env } from './core/relay-secret.js';
import type { SecretsLoadEvent } from './core/secret-cache-policy.js';
import { loadRelaySecrets } from './secrets.js';

// The bundle's own loader factory, so a caller can give the handler a loader with its own clock.
export { createRelaySecretsLoader } from './secrets.js';

/** The fields of a payload-2.0 event the relay reads. */
export interface FunctionUrlEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export type LambdaHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

interface LambdaHandlerOptions extends Partial<Omit<RelayDependencies, 'config'>> {
  env?: Record<string, string | undefined>;
  /**
   * Merges the Secrets Manager secret named by RELAY_SECRETS_ARN over the environment (default: the
   * SDK, one cache per container); `report` hears about failed refreshes and stale copies.
   */
  loadSecrets?: (env: Env, report?: (event: SecretsLoadEvent) => void) => Promise<Env>;
}

const MISCONFIGURED = 'The relay is misconfigured: its log names the environment variable to fix.';

/** What the handler can do with the configuration it has. */
type Readiness =
  | { kind: 'ready'; relay: Relay }
  /** A RelayConfigError; with the signing secrets when they are readable, so requests can be verified. */
  | { kind: 'misconfigured'; variables: string[]; signingSecrets?: string[] }
  /** The Secrets Manager secret could not be read or has a bad shape: nothing to verify requests with. */
  | { kind: 'secrets_unavailable' };

/** Builds a handler over the given environment (default process.env), read on the first event. */
export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaHandler {
  const log = options.log ?? writeLogLine;
  const now = options.now ?? Date.now;
  const loadSecrets = options.loadSecrets ?? loadRelaySecrets;
  let relay: Relay | undefined;
  /** The secret values the current relay was built with: a rotation rebuilds it. */
  let builtWith: string | undefined;
  /** A configuration error that no secret can fix: kept, and never read again. */
  let stuck: Readiness | undefined;
  let lastLogged = '';
  /** Logs each problem once per distinct set of problems (not once per request). */
  const logOnce = (event: string, problems: readonly { variable: string; message: string }[]) => {
    const key = `${event}\u0000${problems.map((problem) => problem.message).join('\u0000')}`;
    if (key === lastLogged) return;
    lastLogged = key;
    for (const { variable, message } of problems) log(logLine(event, { variable, message }, now()));
  };

  /** A secrets-loader event → a log line (failed and recovered refreshes), or the stale copy's age. */
  const onSecretsEvent = (event: SecretsLoadEvent, stale: { ageMs?: number }) => {
    switch (event.kind) {
      case 'served_stale':
        stale.ageMs = event.ageMs;
        return;
      case 'refresh_failed':
        log(
          logLine(
            'secrets_refresh_failed',
            {
              variable: 'RELAY_SECRETS_ARN',
              error_code: event.errorCode,
              message: event.message,
              secret_age_s: Math.round(event.ageMs / 1000),
              retry_in_s: Math.round(event.retryInMs / 1000),
              stale_limit_s: Math.round(event.staleLimitMs / 1000),
            },
            now(),
          ),
        );
        return;
      case 'refresh_recovered':
        log(
          logLine(
            'secrets_refresh_recovered',
            {
              variable: 'RELAY_SECRETS_ARN',
              failures: event.failures,
              failing_for_s: Math.round(event.failingForMs / 1000),
            },
            now(),
          ),
        );
        return;
    }
  };

  const load = async (stale: { ageMs?: number }): Promise<Readiness> => {
    if (stuck !== undefined) return stuck;
    const baseEnv = options.env ?? process.env;
    let env: Env;
    try {
      env = await loadSecrets(baseEnv, (event) => onSecretsEvent(event, stale));
    } catch (error) {
      if (!(error instanceof RelaySecretsError)) throw error;
      logOnce('secrets_error', [{ variable: error.variable, message: error.message }]);
      return { kind: 'secrets_unavailable' }; // not kept: the next request reads the secret again
    }
    const key = RELAY_SECRET_KEYS.map((name) => env[name] ?? '').join('\u0000');
    if (relay !== undefined && key === builtWith) return { kind: 'ready', relay };
    try {
      const config = loadRelayConfig(env);
      relay = createRelay({
        config,
        dispatch:
          options.dispatch ??
          createGitHubDispatcher(config.github, {
            warn: (message) => log(logLine('github_warning', { message }, now())),
          }),
        log,
        now,
        ...(options.dispatchTimeoutMs !== undefined && { dispatchTimeoutMs: options.dispatchTimeoutMs }),
      });
      builtWith = key;
      lastLogged = '';
      return { kind: 'ready', relay };
    } catch (error) {
      if (!(error instanceof RelayConfigError)) throw error;
      relay = undefined;
      logOnce(
        'config_error',
        error.problems.map(({ variable, message }) => ({ variable, message: `${variable}: ${message}` })),
      );
      let signingSecrets: string[] | undefined;
      try {
        signingSecrets = readSigningSecrets(env);
      } catch (secretsError) {
        if (!(secretsError instanceof RelayConfigError)) throw secretsError;
      }
      const readiness: Readiness = {
        kind: 'misconfigured',
        variables: error.variables,
        ...(signingSecrets !== undefined && { signingSecrets }),
      };
      // from the environment alone it stays wrong; from a secret, updating the secret fixes it
      if (baseEnv.RELAY_SECRETS_ARN === undefined) stuck = readiness;
      return readiness;
    }
  };

  return async (event) => {
    const started = now();
    const result = (response: RelayResponse): FunctionUrlResult => ({
      statusCode: response.status,
      headers: response.headers,
      body: response.body,
      isBase64Encoded: false,
    });
    const failed = (error: unknown) => result(internalError(error, log, now()));
    /** Set when the secrets come from a copy past its refresh age (Secrets Manager failing). */
    const stale: { ageMs?: number } = {};
    const staleFields = (): Pick<RequestLogFields, 'secrets_age_s'> =>
      stale.ageMs === undefined ? {} : { secrets_age_s: Math.round(stale.ageMs / 1000) };
    const logRequest = (fields: RequestLogFields) =>
      log(requestLogLine('slack_command', { ...fields, ...staleFields() }, started, now()));

    let readiness: Readiness;
    try {
      readiness = await load(stale);
    } catch (error) {
      return failed(error);
    }
    const raw = event.body ?? '';
    const request = {
      method: event.requestContext?.http?.method ?? '',
      headers: event.headers ?? {},
      body: event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    };
    try {
      if (readiness.kind === 'ready') {
        return result(
          await readiness.relay(request, {
            spentMs: Math.max(0, now() - started),
            logFields: staleFields(),
          }),
        );
      }
      if (readiness.kind === 'misconfigured' && readiness.signingSecrets !== undefined) {
        // Slack shows its own generic error for a 500, never our body: a signed request gets a message.
        const decision = decideMisconfigured(request, readiness.signingSecrets, readiness.variables, now());
        logRequest(decision.log);
        return result(decision.response);
      }
      const reason = readiness.kind === 'misconfigured' ? 'config_error' : 'secrets_error';
      logRequest({ decision: 'misconfigured', reason, status: 500 });
      return result(textReply(500, MISCONFIGURED));
    } catch (error) {
      return failed(error);
    }
  };
}

export const handler: LambdaHandler = createLambdaHandler();
