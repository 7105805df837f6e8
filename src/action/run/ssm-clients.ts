// The SSM clients of a run, one per region, made on first use with the run's credentials provider and
// HTTP plumbing (the proxy agent when one is set), and destroyed together at the end: shared by the real
// run (execute.ts) and the dry run's stack check (stack-check.ts).

import { SSMClient } from '@aws-sdk/client-ssm';
import type { Agent as HttpAgent } from 'node:http';
import type { AwsCredentialProvider } from './credentials.js';
import { sdkHttpOptions } from './sdk-http-options.js';

export interface SsmClientPool {
  /** The region's client (the SDK's adaptive retries: throttling is retried by the SDK, not by us). */
  client: (region: string) => SSMClient;
  destroy: () => void;
}

export function ssmClientPool(credentials: AwsCredentialProvider, agent?: HttpAgent): SsmClientPool {
  const clients = new Map<string, SSMClient>();
  const sdkHttp = sdkHttpOptions(agent);
  return {
    client: (region) => {
      let ssm = clients.get(region);
      if (!ssm) {
        ssm = new SSMClient({ region, retryMode: 'adaptive', credentials, ...sdkHttp });
        clients.set(region, ssm);
      }
      return ssm;
    },
    destroy: () => {
      for (const ssm of clients.values()) ssm.destroy();
      clients.clear();
    },
  };
}
