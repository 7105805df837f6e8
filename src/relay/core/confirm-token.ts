// The confirmation token a broad purge's prompt carries in its button (`value`, ≤ 2,000 characters):
// what was asked (the sites), by whom (user, team, channel), until when (5 minutes) and a nonce, signed
// with the relay's Slack signing secret (HMAC-SHA256 under its own label, so it is never a valid Slack
// request signature). The relay checks it statelessly — any relay instance, Lambda container or restart
// can confirm — and refuses a token it did not sign, one past its time, or one clicked by someone
// else. That a token is used once is the replay guard's part (../replay-guard.ts), by its nonce. Pure:
// the clock and the nonce are parameters.

import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a prompt can be confirmed. */
export const CONFIRM_TTL_MS = 5 * 60 * 1000;
const LABEL = 'cache-purge-confirm-v1:';
const VERSION = 'v1';

export interface ConfirmClaims {
  sites: string[];
  /** Whether the user asked for `all`. */
  all: boolean;
  user: string;
  team: string;
  channel: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAtMs: number;
  nonce: string;
}

const mac = (secret: string, body: string) =>
  createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(LABEL + body, 'utf8')
    .digest('base64url');

export function signConfirmToken(claims: ConfirmClaims, secret: string): string {
  const body = Buffer.from(
    JSON.stringify({
      s: claims.sites,
      a: claims.all ? 1 : 0,
      u: claims.user,
      t: claims.team,
      c: claims.channel,
      e: claims.expiresAtMs,
      n: claims.nonce,
    }),
    'utf8',
  ).toString('base64url');
  return `${VERSION}.${body}.${mac(secret, body)}`;
}

type TokenCheck =
  | { ok: true; claims: ConfirmClaims }
  | { ok: false; reason: 'bad_token' | 'expired' | 'other_user' | 'other_team' };

function readClaims(body: string): ConfirmClaims | undefined {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { s, a, u, t, c, e, n } = data as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 100;
  if (!Array.isArray(s) || s.length === 0 || !s.every(text)) return undefined;
  if (!text(u) || !text(t) || !text(c) || !text(n) || typeof e !== 'number' || (a !== 0 && a !== 1))
    return undefined;
  return { sites: s, all: a === 1, user: u, team: t, channel: c, expiresAtMs: e, nonce: n };
}

/**
 * Checks a clicked token: signed with one of `secrets` (current or previous, as for requests), not
 * expired at `nowMs` (nor claiming to live longer than a prompt may), clicked by its user in its team.
 */
export function verifyConfirmToken(
  token: string,
  secrets: readonly string[],
  click: { user: string; team: string },
  nowMs: number,
): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]{1,1900}$/.test(parts[1]!)) {
    return { ok: false, reason: 'bad_token' };
  }
  const [, body, given] = parts as [string, string, string];
  const givenBytes = Buffer.from(given, 'utf8');
  let signed = false;
  for (const secret of secrets) {
    const expected = Buffer.from(mac(secret, body), 'utf8');
    if (expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)) signed = true;
  }
  if (!signed) return { ok: false, reason: 'bad_token' };
  const claims = readClaims(body);
  if (claims === undefined) return { ok: false, reason: 'bad_token' };
  if (nowMs > claims.expiresAtMs || claims.expiresAtMs - nowMs > CONFIRM_TTL_MS) {
    return { ok: false, reason: 'expired' };
  }
  if (claims.team !== click.team) return { ok: false, reason: 'other_team' };
  if (claims.user !== click.user) return { ok: false, reason: 'other_user' };
  return { ok: true, claims };
}
