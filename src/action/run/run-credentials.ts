// The run's credentials as the runner sees them: resolveCredentials (credentials.ts) with the runner's
// log and masking, the STS endpoint in the region of the first site that has one. Shared by the real run
// (execute.ts) and the dry run's stack check (stack-check.ts), so both find credentials alike.

import type { Plan } from '../plan/plan.js';
import type { ExecutionSettings } from '../inputs/execution-inputs.js';
import type { Runner } from '../runner.js';
import type { ProxiedHttp } from '../../shared/proxy-network.js';
import type { Clock } from '../clock.js';
import { resolveCredentials, type AwsCredentialProvider } from './credentials.js';

export interface RunCredentialDependencies {
  runner: Runner;
  env: Record<string, string | undefined>;
  clock: Clock;
  signal: AbortSignal;
  getIdToken?: (audience: string) => Promise<string>;
  defaultChain?: AwsCredentialProvider;
  random?: () => number;
  proxied?: Pick<ProxiedHttp, 'agent'>;
}

export function runCredentials(
  settings: ExecutionSettings,
  plans: readonly Plan[],
  deps: RunCredentialDependencies,
): Promise<AwsCredentialProvider> {
  const { runner, env } = deps;
  return resolveCredentials(settings, {
    env,
    setSecret: (value) => runner.setSecret(value),
    log: (line) => runner.info(line),
    clock: deps.clock,
    signal: deps.signal,
    region: plans.find((p) => p.region)?.region ?? env.AWS_REGION ?? 'us-east-1',
    ...(deps.getIdToken && { getIdToken: deps.getIdToken }),
    ...(deps.defaultChain && { defaultChain: deps.defaultChain }),
    ...(deps.random && { random: deps.random }),
    ...(deps.proxied && { httpAgent: deps.proxied.agent }),
  });
}
