// What the runner tests of dist/index.js against the AWS double share (action*.aws.runner.test.ts):
// the example sites file, the role, a purge script's result line, the inputs and the runner's
// environment (the double's endpoints, no AWS keys), no credential files, and one double per file.

import { afterAll, beforeAll } from 'vitest';
import { exampleConfig } from './run-action.js';
import { startAwsDouble, type AwsDouble } from './aws-double.js';

export const CONFIG = { '.github/cache-purge.yml': exampleConfig };
export const ROLE = 'arn:aws:iam::123456789012:role/cache-purge';
export const RESULT = 'CACHE_PURGE_RESULT {"files":3,"bytes":2048,"method":"find-delete","durationMs":5}';
/** The action's inputs: portal with the role, and `more`. */
export const inputs = (more: Record<string, string> = {}) => ({
  site: 'portal',
  'role-to-assume': ROLE,
  ...more,
});
/** The runner's environment: the double's endpoints and the run's GitHub variables, no AWS keys. */
export const runnerEnv = (double: AwsDouble) => ({
  ...double.env(),
  GITHUB_RUN_ID: '1234',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_ACTOR: 'octocat',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/site',
});

/** No shared AWS config or credentials file (and no keys, no metadata): the default chain finds nothing. */
export const noCredentialFiles = () => ({
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
});

/** The file's double (a live binding: set by useAwsDoubleForRunner's beforeAll). */
export let double: AwsDouble;

/** Starts the double before the file's tests and closes it after. */
export function useAwsDoubleForRunner(): void {
  beforeAll(async () => {
    double = await startAwsDouble();
  });
  afterAll(async () => {
    await double.close();
  });
}
