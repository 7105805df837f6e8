// The AWS SDK client option that sends a client's requests through the proxy-choosing agent
// (../../shared/proxy-network.ts builds it, only when a proxy is set), shared by the STS client of the
// credentials and the SSM and CloudFront clients of the run. Pure.

import type { Agent as HttpAgent } from 'node:http';

/** `requestHandler` with `agent` for both schemes, or nothing (the SDK's own handler). */
export function sdkHttpOptions(agent: HttpAgent | undefined) {
  return agent ? { requestHandler: { httpAgent: agent, httpsAgent: agent } } : {};
}
