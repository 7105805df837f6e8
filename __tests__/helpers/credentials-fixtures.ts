// What the credential tests share (credentials*.test.ts): the role and the execution settings, the
// token request environment, injectable dependencies with a recorded log, @actions/core's token
// error, and an AWS double serving STS to the enclosing describe.

import { afterAll, beforeAll, expect } from 'vitest';
import type { CredentialDependencies } from '../../src/action/run/credentials.js';
import { parseExecutionInputs } from '../../src/action/inputs/execution-inputs.js';
import { UserError } from '../../src/shared/errors.js';
import { FakeClock } from './fakes.js';
import { startAwsDouble, type AwsDouble } from './aws-double.js';

export const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
/** The execution settings for portal, with `roleToAssume` (none by default). */
export const settings = (roleToAssume = '') =>
  parseExecutionInputs(
    {
      roleToAssume,
      audience: '',
      roleSessionName: '',
      roleDurationSeconds: '',
      stepTimeoutSeconds: '',
      requester: '',
    },
    'portal',
    { GITHUB_RUN_ID: '1', GITHUB_RUN_ATTEMPT: '1' },
  );
export const TOKEN_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token/x?a=1',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
};

/** Credential dependencies with the log recorded and a fake clock; `more` overrides any. */
export function deps(more: Partial<CredentialDependencies> = {}) {
  const lines: string[] = [];
  const value: CredentialDependencies = {
    env: {},
    setSecret: () => undefined,
    log: (line) => void lines.push(line),
    clock: new FakeClock(),
    signal: new AbortController().signal,
    region: 'us-east-1',
    ...more,
  };
  return { deps: value, lines };
}

/** What @actions/core's getIDToken throws when the token endpoint answers `status` (its own format). */
export const coreTokenError = (status: number | undefined, message: string) =>
  new Error(
    `Error message: Failed to get ID Token. \n \n        Error Code : ${status}\n \n        Error Message: ${message}`,
  );

/** The UserError `promise` rejects with. */
export async function failure(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

/**
 * For the enclosing describe: an AwsDouble started before its tests (handed to `started`) and the STS
 * client pointed at it through AWS_ENDPOINT_URL_STS, restored and closed after them.
 */
export function useStsDouble(started: (double: AwsDouble) => void): void {
  const savedEndpoint = process.env.AWS_ENDPOINT_URL_STS;
  let double: AwsDouble | undefined;
  beforeAll(async () => {
    double = await startAwsDouble();
    started(double);
    process.env.AWS_ENDPOINT_URL_STS = double.url;
  });
  afterAll(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = savedEndpoint;
    await double?.close();
  });
}
