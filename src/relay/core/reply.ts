// What the relay's core answers with: the request as an adapter hands it over, the reply as data
// (status, headers, body), the fields of the one log line per request, and the two kinds of answer
// (plain text for refusals and errors, a Slack message for everything Slack shows). Pure.

import type { Headers } from './signature.js';

export interface RelayRequest {
  method: string;
  headers: Headers;
  /** The raw body bytes, exactly as received (decoded from base64 by the Lambda adapter). */
  body: Uint8Array;
}

export interface RelayResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Fields of the one structured log line per request. Never a secret, token, signature or the text. */
export interface RequestLogFields {
  decision:
    | 'rejected'
    | 'ssl_check'
    | 'forbidden'
    | 'usage'
    | 'invalid_text'
    | 'dispatched'
    | 'dispatch_failed'
    | 'status_unknown'
    | 'misconfigured'
    | 'confirm_prompt'
    | 'cancelled'
    | 'click_refused'
    | 'ignored';
  reason: string;
  status: number;
  /** The site, or the sites comma-separated. */
  site?: string;
  /** A click on a confirmation prompt: its action. */
  action?: 'confirm' | 'cancel';
  user?: string;
  team?: string;
  channel?: string;
  github_status?: number;
  run_id?: number;
  /** The network error's code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …) when there was one. */
  error_code?: string;
  /** The network error's message, e.g. "connect ECONNREFUSED 127.0.0.1:443". */
  error?: string;
  /**
   * Lambda with RELAY_SECRETS_ARN only: the age in seconds of the secret copy this request was checked
   * with, present only while refreshes fail and an older copy is served (a bad_signature with it may
   * be a rotation the relay has not read yet).
   */
  secrets_age_s?: number;
  /**
   * A request whose sites live in several repositories (SITES site=owner/repo): one entry per
   * repository dispatched to, with what happened there (the line's own decision is the worst of them).
   */
  dispatches?: {
    repository: string;
    site: string;
    decision: RequestLogFields['decision'];
    reason: string;
    run_id?: number;
    github_status?: number;
  }[];
}

/** A plain-text answer (every adapter's non-Slack answers: refusals, 404, 500). */
export const textReply = (status: number, body = '', extra: Record<string, string> = {}): RelayResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
  body,
});

/** A Slack message answer; `response_type` is always explicit. */
export function slackReply(responseType: 'ephemeral' | 'in_channel', text: string): RelayResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ response_type: responseType, text }),
  };
}

/** A Slack reply and its text, for a caller that also shows the text elsewhere (an updated prompt, a list). */
export const slackAnswer = (responseType: 'ephemeral' | 'in_channel', text: string) => ({
  response: slackReply(responseType, text),
  text,
});
