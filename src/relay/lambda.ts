// AWS Lambda adapter (dist/relay/lambda.js, `handler`): a function URL / API Gateway HTTP API (payload
// 2.0) event → the shared relay → the result object. Decodes base64 bodies to the exact bytes Slack
// signed. Configuration is read on the first request, so the module always loads; when it is missing
// or malformed every request answers 500 and the log names the variable, once per cold start.

import { loadRelayConfig, RelayConfigError } from './config.js';
import { createGitHubDispatcher } from './github.js';
import { createRelay, logLine, writeLogLine, type Relay, type RelayDependencies } from './relay.js';

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
}

const MISCONFIGURED = 'The relay is misconfigured: its log names the environment variable to fix.';

/** Builds a handler over the given environment (default process.env), read on the first event. */
export function createLambdaHandler(options: LambdaHandlerOptions = {}): LambdaHandler {
  const log = options.log ?? writeLogLine;
  const now = options.now ?? Date.now;
  let relay: Relay | undefined;
  let misconfigured = false;

  const load = (): Relay | undefined => {
    if (relay !== undefined || misconfigured) return relay;
    try {
      const config = loadRelayConfig(options.env ?? process.env);
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
    } catch (error) {
      if (!(error instanceof RelayConfigError)) throw error;
      misconfigured = true;
      log(logLine('config_error', { variable: error.variable, message: error.message }, now()));
    }
    return relay;
  };

  return async (event) => {
    const ready = load();
    const plain = (statusCode: number, body: string): FunctionUrlResult => ({
      statusCode,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      isBase64Encoded: false,
    });
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
