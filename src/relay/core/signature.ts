// Slack request signing (https://docs.slack.dev, "Verifying requests from Slack"): the signature is
// v0= + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body bytes)). Verified over the raw bytes
// before anything parses the body; constant-time compare; timestamps more than 300 s away from now in
// either direction are refused (replay window). Pure: the clock is a parameter.

import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

const MAX_CLOCK_SKEW_SECONDS = 300;

type SignatureFailure =
  | 'missing_signature_header'
  | 'missing_timestamp_header'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'bad_signature';

type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A header's single value, looked up case-insensitively; undefined when absent or repeated. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  let count = 0;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const values = typeof value === 'string' ? [value] : value;
    count += values.length;
    found = values[0];
  }
  return count === 1 ? found : undefined;
}

// Turning a secret into a key costs more than the HMAC itself; the relay has one or two secrets.
const keys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    if (keys.size >= 16) keys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function computeSignature(secret: string, timestamp: string, rawBody: Uint8Array): string {
  const hmac = createHmac('sha256', secretKey(secret));
  hmac.update(`v0:${timestamp}:`, 'utf8');
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Checks X-Slack-Signature / X-Slack-Request-Timestamp against each secret (current, then previous).
 * `nowMs` is the current time in milliseconds.
 */
export function verifySlackSignature(
  headers: Headers,
  rawBody: Uint8Array,
  secrets: readonly string[],
  nowMs: number,
): SignatureCheck {
  const signature = headerValue(headers, 'x-slack-signature');
  if (signature === undefined) return { ok: false, reason: 'missing_signature_header' };
  const timestamp = headerValue(headers, 'x-slack-request-timestamp');
  if (timestamp === undefined) return { ok: false, reason: 'missing_timestamp_header' };
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'bad_signature' };
  const given = Buffer.from(signature, 'utf8');
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(computeSignature(secret, timestamp, rawBody), 'utf8');
    // Every secret is compared (no early exit), lengths are equal by the format check above.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
