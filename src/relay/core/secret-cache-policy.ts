// When the relay reads its secret again, and what it serves meanwhile (stale-while-revalidate): a copy
// is reused for a few minutes, so a rotation reaches warm containers; a failed refresh keeps the last
// good copy in service for a bounded time (MAX_STALE_MS), reading again at most every REFRESH_RETRY_MS;
// and what each outcome reports for the adapter's log. Pure: the clock and the cache state are
// parameters; the loader in ../secrets.ts holds the state and does the reads.

import type { RelaySecrets, RelaySecretsError } from './relay-secret.js';
import { formatDuration } from '../../shared/text.js';

const DEFAULT_SECRETS_MAX_AGE_MS = 5 * 60_000;

/**
 * After a failed refresh, the next read waits this long: a Secrets Manager that is down or throttling
 * is not asked again on every request (each ask could also cost a request up to 1.5 s).
 */
export const REFRESH_RETRY_MS = 30_000;

/**
 * The oldest copy of the secret the relay still serves while refreshes keep failing: 1 hour, counted
 * from the last successful read. Long enough to ride out throttling, a network blip or most Secrets
 * Manager incidents (about 120 attempts at REFRESH_RETRY_MS). Short enough that a secret rotated
 * because it leaked (signing secret, token) is not honoured for long by a container that cannot read
 * the new one. Past it the copy is dropped and the relay answers 500, exactly as when a first read
 * fails, until a read succeeds.
 *
 * Rotation while refreshes fail: a request whose signature does not verify with the copy is answered
 * 401 as always, and does NOT trigger a read outside the REFRESH_RETRY_MS schedule. Anyone can send a
 * bad signature, so letting that drive reads would let strangers hammer (and throttle) Secrets Manager,
 * and while it is failing an extra read would not bring the new secret anyway. The new secret arrives
 * with the first scheduled read that succeeds (at most REFRESH_RETRY_MS after Secrets Manager answers
 * again, given a request); meanwhile each request's log line carries `secrets_age_s`, so rejected
 * `bad_signature` lines with it point at a rotation the relay has not read yet.
 */
export const MAX_STALE_MS = 60 * 60_000;

export interface SecretCachePolicy {
  /** How long a fetched secret is reused before it is read again. */
  maxAgeMs: number;
  /** After a failed refresh, how long the last good copy is served before the next read. */
  retryAfterFailureMs: number;
  /** Oldest a copy may be and still be served while refreshes fail (never below maxAgeMs). */
  maxStaleMs: number;
}

/** The policy with defaults filled in: 5 minutes, REFRESH_RETRY_MS, MAX_STALE_MS. */
export function secretCachePolicy(options: Partial<SecretCachePolicy> = {}): SecretCachePolicy {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SECRETS_MAX_AGE_MS;
  return {
    maxAgeMs,
    retryAfterFailureMs: options.retryAfterFailureMs ?? REFRESH_RETRY_MS,
    maxStaleMs: Math.max(options.maxStaleMs ?? MAX_STALE_MS, maxAgeMs),
  };
}

/** The last successful read. */
export interface GoodCopy {
  secretId: string;
  fetchedAt: number;
  secrets: RelaySecrets;
}

/** While refreshes fail: how many failed since when, and no read before `retryAt`. */
export interface FailingRefreshes {
  since: number;
  failures: number;
  retryAt: number;
}

/**
 * What a loader call reports besides the environment, for the adapter's log:
 * - `refresh_failed`: a scheduled re-read failed and the last good copy (read `ageMs` ago) is served
 *   instead; the next read is in `retryInMs`. Reported once per failed read, not per request.
 * - `refresh_recovered`: a read succeeded after `failures` failed ones over `failingForMs`.
 * - `served_stale`: this call's environment comes from a copy past its refresh age (`ageMs` old)
 *   because refreshes are failing; reported on every such call.
 */
export type SecretsLoadEvent =
  | {
      kind: 'refresh_failed';
      secretId: string;
      errorCode: string;
      message: string;
      ageMs: number;
      retryInMs: number;
      staleLimitMs: number;
    }
  | { kind: 'refresh_recovered'; secretId: string; failures: number; failingForMs: number }
  | { kind: 'served_stale'; ageMs: number };

/** What a loader call does with the cache as it is. */
type SecretLoadStep =
  /** Nothing servable for this id (none read yet, or another id): a read that must succeed. */
  | { kind: 'first_read' }
  /** The copy is older than maxStaleMs: drop it, then read as a first read does. */
  | { kind: 'expired'; ageMs: number }
  /** The copy is younger than maxAgeMs. */
  | { kind: 'fresh'; copy: GoodCopy }
  /** Refreshes are failing and the next read is not due: serve the copy, reported as stale. */
  | { kind: 'stale'; copy: GoodCopy; ageMs: number }
  /** The copy is due for a re-read; if that fails, the copy is served instead. */
  | { kind: 'refresh'; copy: GoodCopy };

/**
 * The step for a call asking for `secretId` at `nowMs`. `readingId` is the id of the read in progress,
 * if any: a call during a failing refresh's read joins it rather than serving the stale copy.
 */
export function nextSecretLoadStep(
  state: { good: GoodCopy | undefined; failing: FailingRefreshes | undefined; readingId: string | undefined },
  secretId: string,
  nowMs: number,
  policy: SecretCachePolicy,
): SecretLoadStep {
  const copy = state.good?.secretId === secretId ? state.good : undefined;
  if (copy === undefined) return { kind: 'first_read' };
  const ageMs = nowMs - copy.fetchedAt;
  if (ageMs < policy.maxAgeMs) return { kind: 'fresh', copy };
  if (ageMs >= policy.maxStaleMs) return { kind: 'expired', ageMs };
  if (state.failing !== undefined && nowMs < state.failing.retryAt && state.readingId !== secretId) {
    return { kind: 'stale', copy, ageMs };
  }
  return { kind: 'refresh', copy };
}

/** The failing state after a refresh failed at `atMs`: one more failure, next read after the wait. */
export function afterFailedRefresh(
  failing: FailingRefreshes | undefined,
  atMs: number,
  policy: SecretCachePolicy,
): FailingRefreshes {
  return {
    since: failing?.since ?? atMs,
    failures: (failing?.failures ?? 0) + 1,
    retryAt: atMs + policy.retryAfterFailureMs,
  };
}

/** The report of a refresh of `copy` that failed at `atMs` with `error`. */
export function refreshFailedEvent(
  copy: GoodCopy,
  error: RelaySecretsError,
  atMs: number,
  policy: SecretCachePolicy,
): SecretsLoadEvent {
  return {
    kind: 'refresh_failed',
    secretId: copy.secretId,
    errorCode: error.code ?? 'Error',
    message: error.message,
    ageMs: atMs - copy.fetchedAt,
    retryInMs: policy.retryAfterFailureMs,
    staleLimitMs: policy.maxStaleMs,
  };
}

/** The report of a read of `secretId` that succeeded at `nowMs` after the failures in `failing`. */
export function recoveredEvent(secretId: string, failing: FailingRefreshes, nowMs: number): SecretsLoadEvent {
  return {
    kind: 'refresh_recovered',
    secretId,
    failures: failing.failures,
    failingForMs: Math.max(0, nowMs - failing.since),
  };
}

/** What the relay does next after a failed read: a first read is tried again, a refresh later. */
export function retryClause(kind: 'first_read' | 'refresh', policy: SecretCachePolicy): string {
  return kind === 'first_read'
    ? 'the next request tries again'
    : `the relay serves the copy it read before and tries again in ${formatDuration(policy.retryAfterFailureMs)}`;
}

/** The message of a read that failed once the last good copy (`ageMs` old) was too old to serve. */
export function expiredCopyMessage(readError: string, ageMs: number, policy: SecretCachePolicy): string {
  return `${readError} The last secret read successfully is ${formatDuration(ageMs)} old, past the ${formatDuration(policy.maxStaleMs)} the relay serves a copy while reads fail, so it is no longer used.`;
}
