// The dry run's stack check (`read-stack: true`, and `npm run check-sites -- … --read-stack`): with the
// run's credentials (role-to-assume through OIDC, or the SDK's default chain), one SSM GetDocument per
// bundled document, version and region the plans' steps name, compared with the sites file by the real
// run's pre-flight decisions in check mode (roots-preflight-decisions.ts), where a document that could
// not be compared fails the check too. Read-only: no SendCommand, no CloudFront call. Loaded lazily by
// main.ts, so a plain dry run never loads the AWS SDK.

import type { RunPlan } from '../plan/plan-sites-file.js';
import type { ExecutionSettings } from '../inputs/execution-inputs.js';
import type { Runner } from '../runner.js';
import type { ProxiedHttp } from '../../shared/proxy-network.js';
import { UserError } from '../../shared/errors.js';
import { plural } from '../../shared/text.js';
import { systemClock, type Clock } from '../clock.js';
import type { AwsCredentialProvider } from './credentials.js';
import { runCredentials } from './run-credentials.js';
import { rootsPreflight } from './roots-preflight.js';
import { documentReads } from './roots-preflight-decisions.js';
import { ssmClientPool } from './ssm-clients.js';

export interface StackCheckDependencies {
  runner: Runner;
  env: Record<string, string | undefined>;
  clock?: Clock;
  getIdToken?: (audience: string) => Promise<string>;
  defaultChain?: AwsCredentialProvider;
  random?: () => number;
  proxied?: Pick<ProxiedHttp, 'agent'>;
}

/** Reads the stack's documents for the plans; throws the check's UserError when they do not fit. */
export async function checkStack(
  runPlan: RunPlan,
  settings: ExecutionSettings,
  deps: StackCheckDependencies,
): Promise<void> {
  const { runner } = deps;
  const reads = documentReads(runPlan.sites);
  if (reads.length === 0) {
    runner.info('Stack check: no step runs a bundled document, so there is nothing of the stack to read.');
    return;
  }
  const signal = new AbortController().signal;
  const credentials = await runCredentials(settings, runPlan.sites, {
    ...deps,
    clock: deps.clock ?? systemClock,
    signal,
  });
  const ssm = ssmClientPool(credentials, deps.proxied?.agent);
  try {
    const verdict = await rootsPreflight(
      runPlan.sites,
      runPlan.configFile,
      { ssmClient: ssm.client, signal },
      'check',
    );
    for (const line of verdict.lines) runner.info(`Stack check: ${line}`);
    if (verdict.error) throw new UserError(verdict.error.title, verdict.error.message);
    runner.info(
      `Stack check: ${plural(reads.length, 'deployed document')} read (ssm:GetDocument); ${runPlan.configFile} fits the stack.`,
    );
  } finally {
    ssm.destroy();
  }
}
