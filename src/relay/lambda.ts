// AWS Lambda adapter (dist/relay/lambda.js, `handler`): a function URL / API Gateway HTTP API (payload
// 2.0) event → the shared relay → the result object. Decodes base64 bodies to the exact bytes Slack
// signed. Configuration is read on the first request, so the module always loads; when it is missing
// or malformed every request answers 500 and the log names the variable, once per cold start.
// With RELAY_SECRETS_ARN (the CloudFormation stack), the secrets come from Secrets Manager and are
// merged over the environment; a failed read answers 500 and is tried again on the next request, and
// a rotated secret (re-read every few minutes) rebuilds the relay.

import { loadRelayConfig, RelayConfigError } from './config.js';
import { createGitHubDispatcher } from './github.js';
import { createRelay, logLine, writeLogLine, type Relay, type RelayDependencies } from './relay.js';
import { loadRelaySecrets, RELAY_SECRET_KEYS, RelaySecretsError, type Env } from './secrets.js';

/** The fields of a payload-2.0 event the relay reads. */
export interface FunctionUrlEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

export interface FunctionUrlResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export type LambdaHandler = (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

export interface LambdaHandlerOptions extends Partial<Omit<RelayDependencies, 'config'>> {
  env?: Record<string, string | undefined>;
  /** Merges the Secrets Manager secret named by RELAY_SECRETS_ARN over the environment (default: the SDK). */
  loadSecrets?: (env: Env) => Promise<Env>;
}

const MISCONFIGURED = 'The relay is misconfigured: its log names the environment variable to fix.';

/** Builds a handler over the given environment (default process.env), read on the first event. */
export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaHandler {
  const log = options.log ?? writeLogLine;
  const now = options.now ?? Date.now;
  const loadSecrets = options.loadSecrets ?? loadRelaySecrets;
  let relay: Relay | undefined;
  /** The secret values the current relay was built with: a rotation rebuilds it. */
  let builtWith: string | undefined;
  /** A configuration error that no secret can fix: every request answers 500 without retrying. */
  let misconfigured = false;
  let lastLogged = '';
  const logOnce = (event: string, variable: string, message: string) => {
    if (message === lastLogged) return;
    lastLogged = message;
    log(logLine(event, { variable, message }, now()));
  };

  const load = async (): Promise<Relay | undefined> => {
    if (misconfigured) return undefined;
    const baseEnv = options.env ?? process.env;
    let env: Env;
    try {
      env = await loadSecrets(baseEnv);
    } catch (error) {
      if (!(error instanceof RelaySecretsError)) throw error;
      logOnce('secrets_error', error.variable, error.message);
      return undefined; // not cached: the next request reads the secret again
    }
    const key = RELAY_SECRET_KEYS.map((name) => env[name] ?? '').join('\u0000');
    if (relay !== undefined && key === builtWith) return relay;
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
    } catch (error) {
      if (!(error instanceof RelayConfigError)) throw error;
      // from the environment alone it stays wrong; from a secret, updating the secret fixes it
      if (baseEnv.RELAY_SECRETS_ARN === undefined) misconfigured = true;
      relay = undefined;
      logOnce('config_error', error.variable, error.message);
    }
    return relay;
  };

  return async (event) => {
    const plain = (statusCode: number, body: string): FunctionUrlResult => ({
      statusCode,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      isBase64Encoded: false,
    });
    let ready: Relay | undefined;
    try {
      ready = await load();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(logLine('internal_error', { message }, now()));
      return plain(500, 'Internal error');
    }
    if (ready === undefined) return plain(500, MISCONFIGURED);
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    try {
      const response = await ready({
        method: event.requestContext?.http?.method ?? '',
        headers: event.headers ?? {},
        body,
      });
      return {
        statusCode: response.status,
        headers: response.headers,
        body: response.body,
        isBase64Encoded: false,
      };
    } catch (error) {
      log(
        logLine('internal_error', { message: error instanceof Error ? error.message : String(error) }, now()),
      );
      return plain(500, 'Internal error');
    }
  };
}

export const handler: LambdaHandler = createLambdaHandler();
