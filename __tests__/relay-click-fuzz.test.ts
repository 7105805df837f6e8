// Property-based fuzz (fast-check) of the relay's interactive path (confirming a broad purge) through
// its Lambda adapter (src), 9,000+ click requests: validly signed clicks carrying tokens signed with
// the right, the previous or a wrong secret, for random users, teams, channels, sites and lifetimes;
// mutated requests; arbitrary payloads; each click sometimes sent twice. Whatever arrives: never a 5xx,
// and a dispatch only when an independent oracle agrees — the request validly signed, the token the
// relay's own, unexpired (and no longer-lived than 5 minutes), clicked by its user in its team and
// channel, its sites all in SITES, its first use — and then exactly the token's sites.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { createLambdaHandler, type FunctionUrlEvent } from '../src/relay/lambda.js';
import type { DispatchRequest } from '../src/relay/core/dispatch.js';
import { clickBody, slackSignature, TEST_SIGNING_SECRET } from './helpers/slack.ts';

const PREVIOUS_SECRET = 'previous-signing-secret';
const SITES = ['portal', 'main'];
const NOW = 1_760_000_000_000;
const NOW_S = NOW / 1000;
const FIVE_MINUTES = 300_000;

interface Claims {
  s: string[];
  a: 0 | 1;
  u: string;
  t: string;
  c: string;
  e: number;
  n: string;
}

/** The token format, written here from its definition (not the relay's code). */
function token(claims: Claims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', secret).update(`cache-purge-confirm-v1:${body}`).digest('base64url');
  return `v1.${body}.${mac}`;
}

/** The oracle for one click: should it dispatch (first use aside), and with which sites? */
function oracle(event: FunctionUrlEvent): string | undefined {
  const headers = event.headers ?? {};
  const one = (name: string) => {
    const found = Object.entries(headers).filter(([k, v]) => k.toLowerCase() === name && v !== undefined);
    return found.length === 1 ? found[0]![1]! : undefined;
  };
  const signature = one('x-slack-signature');
  const timestamp = one('x-slack-request-timestamp');
  const method = event.requestContext?.http?.method;
  const type = one('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (method !== 'POST' || type !== 'application/x-www-form-urlencoded') return undefined;
  if (
    !signature ||
    !timestamp ||
    !/^[0-9]{1,12}$/.test(timestamp) ||
    Math.abs(NOW_S - Number(timestamp)) > 300
  )
    return undefined;
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  if (bytes.length > 16 * 1024) return undefined;
  if (![TEST_SIGNING_SECRET, PREVIOUS_SECRET].some((s) => slackSignature(s, timestamp, bytes) === signature))
    return undefined;
  const form = new URLSearchParams(bytes.toString('utf8'));
  if ([...form.keys()].length !== 1 || !form.has('payload')) return undefined;
  let payload: {
    type?: unknown;
    user?: { id?: unknown };
    team?: { id?: unknown };
    channel?: { id?: unknown };
    actions?: { action_id?: unknown; value?: unknown }[];
  };
  try {
    payload = JSON.parse(form.get('payload')!);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || !Array.isArray(payload.actions)) return undefined;
  const action = payload.actions[0];
  if (
    payload.type !== 'block_actions' ||
    payload.actions?.length !== 1 ||
    action?.action_id !== 'confirm_purge'
  )
    return undefined;
  const parts = String(action.value).split('.');
  if (parts.length !== 3) return undefined;
  const signedBy = [TEST_SIGNING_SECRET, PREVIOUS_SECRET].some(
    (secret) =>
      createHmac('sha256', secret).update(`cache-purge-confirm-v1:${parts[1]}`).digest('base64url') ===
      parts[2],
  );
  if (!signedBy) return undefined;
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as Claims;
  if (NOW > claims.e || claims.e - NOW > FIVE_MINUTES) return undefined;
  if (claims.u !== payload.user?.id || claims.t !== payload.team?.id || claims.c !== payload.channel?.id)
    return undefined;
  // Slack's ids: upper-case letters and digits, 2–30 (an empty or garbage id is malformed, even if signed)
  if (![claims.u, claims.t, claims.c].every((id) => /^[A-Z0-9]{2,30}$/.test(String(id)))) return undefined;
  if (claims.s.length === 0 || !claims.s.every((site) => SITES.includes(site))) return undefined;
  return claims.s.join(',');
}

let checked = 0;
let dispatchedCount = 0;

/** Sends each event (the same click `times` times) to one handler: dispatches as the oracle says, each token once. */
async function check(event: FunctionUrlEvent, times: number): Promise<void> {
  const dispatched: DispatchRequest[] = [];
  const handler = createLambdaHandler({
    env: {
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_SIGNING_SECRET_PREVIOUS: PREVIOUS_SECRET,
      GITHUB_TOKEN: 'ghp_fuzz',
      DISPATCH_REPOSITORY: 'acme/website',
      SITES: SITES.join(','),
    },
    dispatch: async (request) => {
      dispatched.push(request);
      return { kind: 'accepted', runId: 1 };
    },
    now: () => NOW,
    log: () => {},
    // a loopback response_url answers nothing here: the update fails fast and is only logged
  });
  for (let i = 0; i < times; i++) {
    const answer = await handler(event);
    checked++;
    expect(answer.statusCode).toBeLessThan(500);
  }
  const expected = oracle(event);
  if (expected === undefined) {
    expect(dispatched).toEqual([]);
    return;
  }
  dispatchedCount++;
  expect(dispatched).toHaveLength(1); // once, however often the click came
  expect(dispatched[0]!.inputs.sites ?? dispatched[0]!.inputs.site).toBe(expected);
}

/** Mostly the prompt's own user, team and channel; sometimes another; sometimes garbage. */
const idOf = (own: string, other: string) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant(own) },
    { weight: 1, arbitrary: fc.constant(other) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
const claimsArb = fc.record({
  s: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom<string[]>(['portal', 'main'], ['main'], ['portal']) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('portal', 'main', 'blog', ''), { maxLength: 3 }) },
  ),
  a: fc.constantFrom<0 | 1>(0, 1),
  u: idOf('U0001', 'U0002'),
  t: idOf('T0001', 'T0002'),
  c: idOf('C0001', 'C0002'),
  e: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 1, max: FIVE_MINUTES }).map((d) => NOW + d) },
    { weight: 2, arbitrary: fc.integer({ min: -FIVE_MINUTES, max: 2 * FIVE_MINUTES }).map((d) => NOW + d) },
  ),
  n: fc.string({ minLength: 1, maxLength: 20 }),
});
const tokens = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        claimsArb,
        fc.constantFrom(TEST_SIGNING_SECRET, TEST_SIGNING_SECRET, PREVIOUS_SECRET, 'wrong-secret'),
      )
      .map(([claims, secret]) => token(claims, secret)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(claimsArb, fc.string())
      .map(([claims, tail]) => token(claims, TEST_SIGNING_SECRET) + tail),
  },
);

function signed(
  body: string,
  options: { base64: boolean; offset: number; secret: string },
): FunctionUrlEvent {
  const timestamp = NOW_S + options.offset;
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret, timestamp, body),
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64,
    requestContext: { http: { method: 'POST' } },
  };
}

type Mutation = (e: FunctionUrlEvent, r: { n: number; s: string }) => FunctionUrlEvent;
const mutations: Record<string, Mutation> = {
  none: (e) => e,
  flipBodyByte: (e, { n }) => {
    const bytes = e.isBase64Encoded ? Buffer.from(e.body!, 'base64') : Buffer.from(e.body!, 'utf8');
    const at = n % bytes.length;
    bytes[at] = bytes[at]! ^ (1 << (n % 8));
    return { ...e, body: e.isBase64Encoded ? bytes.toString('base64') : bytes.toString('latin1') };
  },
  appendToBody: (e, { s }) => ({
    ...e,
    body: e.isBase64Encoded ? e.body : `${e.body}&x=${encodeURIComponent(s)}`,
  }),
  shiftTimestamp: (e, { n }) => ({
    ...e,
    headers: { ...e.headers, 'x-slack-request-timestamp': String(NOW_S + (n % 1200) - 600) },
  }),
  dropSignature: (e) => ({ ...e, headers: { ...e.headers, 'x-slack-signature': undefined } }),
  otherMethod: (e) => ({ ...e, requestContext: { http: { method: 'GET' } } }),
};

describe('relay click fuzz (fast-check)', () => {
  it('signed clicks with random tokens, clickers and mutations: a dispatch only as the oracle says, once', async () => {
    await fc.assert(
      fc.asyncProperty(
        tokens,
        fc.record({
          user: idOf('U0001', 'U0002'),
          team: idOf('T0001', 'T0002'),
          channel: idOf('C0001', 'C0002'),
        }),
        fc.constantFrom<'confirm_purge' | 'cancel_purge'>(
          'confirm_purge',
          'confirm_purge',
          'confirm_purge',
          'cancel_purge',
        ),
        fc.oneof(
          { weight: 6, arbitrary: fc.constant('none') },
          { weight: 4, arbitrary: fc.constantFrom(...Object.keys(mutations)) },
        ),
        fc.record({ n: fc.nat(), s: fc.string() }),
        fc.record({
          base64: fc.boolean(),
          offset: fc.oneof(
            { weight: 4, arbitrary: fc.constant(0) },
            { weight: 1, arbitrary: fc.integer({ min: -700, max: 700 }) },
          ),
          secret: fc.constantFrom(TEST_SIGNING_SECRET, TEST_SIGNING_SECRET, PREVIOUS_SECRET, 'wrong-secret'),
        }),
        fc.integer({ min: 1, max: 3 }),
        async (value, who, action, mutation, random, signing, times) => {
          const body = clickBody({
            token: value,
            action,
            ...who,
            responseUrl: 'http://127.0.0.1:9/actions/x',
          });
          await check(mutations[mutation]!(signed(body, signing), random), times);
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('validly signed arbitrary payloads (any JSON, any fields): never a 5xx, never a dispatch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc
            .record({
              type: fc.constantFrom('block_actions', 'view_submission'),
              actions: fc.array(fc.anything(), { maxLength: 2 }),
              user: fc.anything(),
            })
            .map((p) => JSON.stringify(p)),
        ),
        fc.boolean(),
        async (payload, base64) => {
          const body = new URLSearchParams({ payload }).toString();
          await check(signed(body, { base64, offset: 0, secret: TEST_SIGNING_SECRET }), 1);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('checked at least 9,000 requests, and the confirming path was well exercised', () => {
    expect(checked).toBeGreaterThanOrEqual(9_000);
    expect(dispatchedCount).toBeGreaterThanOrEqual(150);
  });
});
