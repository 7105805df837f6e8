// Property-based fuzz (fast-check) of the relay through its Lambda adapter (src), 10,000+ requests in
// all: random events, mutations of validly signed requests, and validly signed random bodies. Whatever
// arrives: never a 5xx, never a dispatch without a valid signature (judged by an independent oracle),
// never a dispatch for a site outside SITES or for anything but exactly the text's site.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLambdaHandler, type FunctionUrlEvent } from '../src/relay/lambda.js';
import type { DispatchRequest, DispatchResult } from '../src/relay/core/dispatch.js';
import { commandBody, slackSignature, TEST_SIGNING_SECRET } from './helpers/slack.ts';

const PREVIOUS_SECRET = 'previous-signing-secret';
const SITES = ['portal', 'main'];
const NOW = 1_760_000_000_000;
const NOW_S = NOW / 1000;

const results: fc.Arbitrary<DispatchResult> = fc.oneof(
  fc.constant<DispatchResult>({ kind: 'accepted' }),
  fc.record({ kind: fc.constant('accepted' as const), runId: fc.integer({ min: 1 }) }),
  fc.record({
    kind: fc.constant('rejected' as const),
    status: fc.integer({ min: 300, max: 599 }),
    message: fc.string(),
    headers: fc.dictionary(
      fc.constantFrom('retry-after', 'x-ratelimit-remaining', 'x-ratelimit-reset'),
      fc.string(),
    ),
  }),
  fc.constant<DispatchResult>({ kind: 'no_answer', cause: 'timeout' }),
  fc.constant<DispatchResult>({ kind: 'no_answer', cause: 'network' }),
);

/** The independent oracle: is this event validly signed, as Slack's documentation defines it? */
function validlySigned(event: FunctionUrlEvent): boolean {
  const headers = Object.entries(event.headers ?? {});
  const one = (name: string) => {
    const found = headers.filter(([key, value]) => key.toLowerCase() === name && value !== undefined);
    return found.length === 1 ? found[0]![1]! : undefined;
  };
  const signature = one('x-slack-signature');
  const timestamp = one('x-slack-request-timestamp');
  if (signature === undefined || timestamp === undefined || !/^[0-9]+$/.test(timestamp)) return false;
  if (Math.abs(NOW_S - Number(timestamp)) > 300) return false;
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  return [TEST_SIGNING_SECRET, PREVIOUS_SECRET].some(
    (secret) => slackSignature(secret, timestamp, bytes) === signature,
  );
}

let checked = 0;
let dispatchedCount = 0;

async function check(event: FunctionUrlEvent, result: DispatchResult): Promise<void> {
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
      return result;
    },
    now: () => NOW,
    log: () => {},
  });
  const answer = await handler(event);
  checked++;
  expect(answer.statusCode).toBeLessThan(500);
  expect(dispatched.length).toBeLessThanOrEqual(1);
  if (dispatched.length === 0) return;
  dispatchedCount++;
  expect(validlySigned(event)).toBe(true);
  const [request] = dispatched;
  expect(SITES).toContain(request!.inputs.site);
  const bytes = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64')
    : Buffer.from(event.body ?? '', 'utf8');
  const form = new URLSearchParams(bytes.toString('utf8'));
  expect(form.get('text')!.trim().toLowerCase()).toBe(request!.inputs.site);
  expect(request!.inputs.requester).toBe(`<@${form.get('user_id')}>`);
}

const texts = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('portal', 'main', ' Portal ', 'MAIN\t') },
  fc.constantFrom(
    'portal',
    'main',
    ' Portal ',
    'MAIN',
    'help',
    '',
    'blog',
    'portal main',
    'portal\n',
    'port al',
    'mainx',
  ),
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.constantFrom(
    'portal\u0000',
    '\u202eportal',
    'portal\u00a0',
    'pòrtal',
    '<!channel>',
    'portal&text=main',
    'main%00',
  ),
);
function signedEvent(
  body: string,
  options: { secret?: string; timestamp?: number; base64?: boolean } = {},
): FunctionUrlEvent {
  const timestamp = options.timestamp ?? NOW_S;
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret ?? TEST_SIGNING_SECRET, timestamp, body),
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
    requestContext: { http: { method: 'POST' } },
  };
}

type Mutation = (event: FunctionUrlEvent, random: { n: number; s: string }) => FunctionUrlEvent;
const mutations: Record<string, Mutation> = {
  none: (e) => e,
  flipBodyByte: (e, { n }) => {
    const bytes = e.isBase64Encoded ? Buffer.from(e.body!, 'base64') : Buffer.from(e.body!, 'utf8');
    if (bytes.length === 0) return e;
    const at = n % bytes.length;
    bytes[at] = bytes[at]! ^ (1 << (n % 8));
    return { ...e, body: e.isBase64Encoded ? bytes.toString('base64') : bytes.toString('latin1') };
  },
  truncateBody: (e, { n }) => ({ ...e, body: e.body!.slice(0, n % Math.max(1, e.body!.length)) }),
  appendToBody: (e, { s }) => ({
    ...e,
    body: e.isBase64Encoded
      ? Buffer.from(Buffer.from(e.body!, 'base64').toString() + s).toString('base64')
      : e.body + s,
  }),
  shiftTimestamp: (e, { n }) => ({
    ...e,
    headers: { ...e.headers, 'x-slack-request-timestamp': String(NOW_S + (n % 1200) - 600) },
  }),
  randomSignature: (e, { s }) => ({
    ...e,
    headers: {
      ...e.headers,
      'x-slack-signature': `v0=${Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64)}`,
    },
  }),
  dropSignature: (e) => ({ ...e, headers: { ...e.headers, 'x-slack-signature': undefined } }),
  dropTimestamp: (e) => ({ ...e, headers: { ...e.headers, 'x-slack-request-timestamp': undefined } }),
  upperCaseHeaders: (e) => ({
    ...e,
    headers: Object.fromEntries(Object.entries(e.headers!).map(([k, v]) => [k.toUpperCase(), v])),
  }),
  duplicateSignatureHeader: (e) => ({
    ...e,
    headers: { ...e.headers, 'X-Slack-Signature': e.headers!['x-slack-signature'] },
  }),
  flipBase64Flag: (e) => ({ ...e, isBase64Encoded: !e.isBase64Encoded }),
  otherMethod: (e, { s }) => ({ ...e, requestContext: { http: { method: s.slice(0, 7) || 'GET' } } }),
  otherContentType: (e, { s }) => ({ ...e, headers: { ...e.headers, 'content-type': s } }),
  nullBody: (e) => ({ ...e, body: null }),
};

const ids = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('T0001', 'C0001', 'U0001', 'W0001') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
// Mostly unmutated (so the post-verification paths are well covered), else one mutation.
const mutationNames = fc.oneof(
  { weight: 6, arbitrary: fc.constant('none') },
  { weight: 8, arbitrary: fc.constantFrom(...Object.keys(mutations)) },
);

describe('relay fuzz (fast-check)', () => {
  it('random events: never a 5xx, never a dispatch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          headers: fc.dictionary(
            fc.oneof(
              fc.constantFrom('content-type', 'x-slack-signature', 'X-Slack-Request-Timestamp'),
              fc.string(),
            ),
            fc.oneof(
              fc.string(),
              fc.constant('application/x-www-form-urlencoded'),
              fc.constant(String(NOW_S)),
            ),
          ),
          body: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constant(null)),
          isBase64Encoded: fc.boolean(),
          requestContext: fc.record({
            http: fc.record({ method: fc.oneof(fc.constant('POST'), fc.string()) }),
          }),
        }),
        results,
        async (event, result) => check(event as FunctionUrlEvent, result),
      ),
      { numRuns: 2500 },
    );
  });

  it('mutated signed requests: a dispatch only with a valid signature and a site from SITES', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ text: texts, team_id: ids, channel_id: ids, user_id: ids }),
        mutationNames,
        fc.record({ n: fc.nat(), s: fc.string() }),
        fc.boolean(),
        fc.constantFrom(TEST_SIGNING_SECRET, PREVIOUS_SECRET, 'wrong-secret'),
        // Signed at a time around now: mostly exactly now, often near or past the 300 s window.
        fc.oneof(
          { weight: 3, arbitrary: fc.constant(0) },
          { weight: 2, arbitrary: fc.integer({ min: -700, max: 700 }) },
          { weight: 1, arbitrary: fc.integer({ min: -100_000, max: 100_000 }) },
        ),
        results,
        async (fields, mutation, random, base64, secret, offset, result) => {
          const event = mutations[mutation]!(
            signedEvent(commandBody(fields), { base64, secret, timestamp: NOW_S + offset }),
            random,
          );
          await check(event, result);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('validly signed arbitrary bodies (any keys, duplicates, encodings): still only SITES', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          fc
            .array(
              fc.tuple(
                fc.constantFrom('team_id', 'channel_id', 'user_id', 'command', 'text', 'ssl_check', 'x'),
                fc.oneof(texts, ids),
              ),
            )
            .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')),
          fc.tuple(texts, fc.string()).map(([text, tail]) => `${commandBody({ text })}${tail}`),
        ),
        fc.boolean(),
        results,
        async (body, base64, result) => check(signedEvent(body, { base64 }), result),
      ),
      { numRuns: 2500 },
    );
  });

  it('checked at least 10,000 requests, and the dispatch path was well exercised', () => {
    expect(checked).toBeGreaterThanOrEqual(10_000);
    expect(dispatchedCount).toBeGreaterThanOrEqual(500);
  });
});
