// Shared inputs of the relay core's tests (relay-core-*.test.ts): a relay configuration, a fixed clock,
// a signed slash-command request at that time, and readers of the answer a decision gives.

import { loadRelayConfig } from '../../src/relay/core/config.js';
import type { Decision } from '../../src/relay/core/decision.js';
import type { RelayResponse } from '../../src/relay/core/reply.js';
import { slackHeaders, TEST_SIGNING_SECRET } from './slack.js';

export const ENV = {
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  GITHUB_TOKEN: 'ghp_exampletoken',
  DISPATCH_REPOSITORY: 'acme/website',
  SITES: 'portal,main',
};
export const config = loadRelayConfig(ENV);
export const NOW = 1_750_000_000_000;
export const nowSeconds = NOW / 1000;

/** A slash command with `body`, signed now (NOW) unless other headers are given. */
export function request(
  body: string,
  headers: Record<string, string> = slackHeaders(body, { timestamp: nowSeconds }),
) {
  return { method: 'POST', headers, body: Buffer.from(body) };
}

/** The answer of a decision that answers at once. */
export function response(decision: Decision): RelayResponse {
  if (decision.kind !== 'respond') throw new Error(`expected an answer, got ${decision.kind}`);
  return decision.response;
}

export const message = (reply: RelayResponse) =>
  JSON.parse(reply.body) as { response_type: string; text: string };
