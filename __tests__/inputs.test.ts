// The action's own inputs read in-process (src/action/inputs/inputs.ts): the `paths` input reports problems
// of the whole list against the list, problems of one path against that path with its value. And the
// execution inputs (src/action/inputs/execution-inputs.ts): their defaults and checks, all at once.

import { describe, expect, it } from 'vitest';
import { readInputs } from '../src/action/inputs/inputs.js';
import {
  defaultSessionName,
  oidcTokenUnavailable,
  parseExecutionInputs,
  type RawExecutionInputs,
} from '../src/action/inputs/execution-inputs.js';
import { UserError } from '../src/shared/errors.js';
import { recordingRunner } from './helpers/recording-runner.js';

function refused(inputs: Record<string, string>): UserError {
  try {
    readInputs(recordingRunner(inputs).runner);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error(`${JSON.stringify(inputs)} was accepted`);
}

describe('the paths input', () => {
  it('normalises and de-duplicates what it accepts', () => {
    const { runner } = recordingRunner({ paths: 'blog/*\n/a, /a' });
    expect(readInputs(runner).paths).toEqual(['/blog/*', '/a']);
  });

  it('3,001 paths: the count of the list, not an invented path number', () => {
    const many = Array.from({ length: 3001 }, (_, i) => `/p/${i + 1}`).join('\n');
    expect(refused({ paths: many }).message).toBe(
      'Input "paths" (one path per line or comma-separated) has 3,001 distinct file paths (without "*"); CloudFront allows at most 3,000 in progress per distribution — use a wildcard such as /blog/* to cover many paths at once.',
    );
  });

  it('16 wildcard paths: refused before any AWS call, with the count, the limit and the fix', () => {
    const wildcards = Array.from({ length: 16 }, (_, i) => `/shop/item-${i}/*`).join('\n');
    expect(refused({ paths: `${wildcards}\n/blog/*` }).message).toBe(
      'Input "paths" (one path per line or comma-separated) has 17 wildcard paths ("/shop/item-0/*", "/shop/item-1/*", "/shop/item-2/*" … and 14 more); CloudFront allows at most 15 in progress per distribution, so this invalidation would be refused every time (TooManyInvalidationsInProgress) — merge them under shorter wildcards (they fit in 2 wildcards: "/shop/*", "/blog/*"), or list the files themselves (up to 3,000).',
    );
  });

  it('only separators: no paths, and how to fix it', () => {
    expect(refused({ paths: ' , ' }).message).toBe(
      'Input "paths" (one path per line or comma-separated) has no paths; give at least one, e.g. /*, or leave the input out to keep the sites file\'s paths.',
    );
  });

  it('bad paths are each quoted with their problem; long ones cut, many ones counted', () => {
    expect(refused({ paths: '/ok, /a*b, /c d' }).message).toBe(
      'Input "paths" (one path per line or comma-separated): "/a*b" has "*" before its end; CloudFront allows "*" only as the last character; "/c d" contains a space or control character; URL-encode it (a space is %20).',
    );
    const long = `/${'x'.repeat(5000)}`;
    const message = refused({ paths: long }).message;
    expect(message).toContain(
      `"/${'x'.repeat(79)}…" is 5001 characters long; CloudFront allows at most 4000`,
    );
    expect(message.length).toBeLessThan(300);
    const stars = Array.from({ length: 15 }, (_, i) => `/s${i}*x`).join('\n');
    const many = refused({ paths: stars }).message;
    expect(many.match(/has "\*" before its end/g)).toHaveLength(10);
    expect(many).toMatch(
      /"\/s9\*x" has "\*" before its end; CloudFront allows "\*" only as the last character; … and 5 more bad paths\.$/,
    );
  });
});

describe('execution inputs', () => {
  const raw: RawExecutionInputs = {
    roleToAssume: '',
    audience: '',
    roleSessionName: '',
    roleDurationSeconds: '',
    stepTimeoutSeconds: '',
    requester: '',
  };
  it('applies the documented defaults', () => {
    expect(parseExecutionInputs(raw, 'portal', { GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '1' })).toEqual({
      audience: 'sts.amazonaws.com',
      roleSessionName: 'cache-purge-portal-9-1',
      roleDurationSeconds: 900,
      stepTimeoutSeconds: 600,
      requester: '',
    });
    expect(defaultSessionName('a b/c'.repeat(20), '1', '1')).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
  it.each([
    [
      { roleToAssume: 'arn:aws:iam::12345:role/x' },
      'Input "role-to-assume" is "arn:aws:iam::12345:role/x", which is not an IAM role ARN',
    ],
    [
      { roleDurationSeconds: '600' },
      'Input "role-duration-seconds" is "600"; use a whole number of seconds from 900 to 43200.',
    ],
    [{ roleDurationSeconds: '43201' }, 'from 900 to 43200'],
    [{ stepTimeoutSeconds: 'ten' }, 'Input "step-timeout-seconds" is "ten"'],
    [{ roleSessionName: 'has space' }, 'Input "role-session-name" is "has space"; use 2–64 letters'],
    [{ audience: 'sts amazonaws' }, 'Input "audience" is "sts amazonaws"'],
  ])('refuses %o before any AWS call', (override, message) => {
    expect(() => parseExecutionInputs({ ...raw, ...override }, 'portal', {})).toThrow(message);
  });
  it('reports every bad input at once, one line each, in one error', () => {
    let error: unknown;
    try {
      parseExecutionInputs(
        { ...raw, roleToAssume: 'cache-purge', stepTimeoutSeconds: '0', audience: 'a b' },
        'portal',
        {},
      );
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      title: 'Invalid inputs',
      message: [
        '3 inputs are not valid:',
        '  - Input "step-timeout-seconds" is "0"; use a whole number of seconds from 1 to 86400.',
        '  - Input "role-to-assume" is "cache-purge", which is not an IAM role ARN; use arn:aws:iam::<12-digit account id>:role/<role name>, e.g. arn:aws:iam::123456789012:role/cache-purge.',
        '  - Input "audience" is "a b"; use the audience your IAM OIDC provider expects, without spaces (default sts.amazonaws.com).',
      ].join('\n'),
    });
  });
  it('says when role-to-assume has no OIDC token to use, and only then', () => {
    const role = { ...raw, roleToAssume: 'arn:aws:iam::123456789012:role/cache-purge' };
    const token = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
    expect(oidcTokenUnavailable(parseExecutionInputs(role, 'portal', {}), {})).toContain(
      'add `permissions: id-token: write` to the job',
    );
    expect(oidcTokenUnavailable(parseExecutionInputs(role, 'portal', {}), token)).toBeUndefined();
    expect(oidcTokenUnavailable(parseExecutionInputs(raw, 'portal', {}), {})).toBeUndefined();
  });
  it('accepts role ARNs with paths and partitions', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:role/cache-purge',
      'arn:aws-us-gov:iam::123456789012:role/ops/cache-purge',
    ]) {
      expect(parseExecutionInputs({ ...raw, roleToAssume: arn }, 'portal', {}).roleToAssume).toBe(arn);
    }
  });
});
