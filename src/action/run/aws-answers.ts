// What the adapters read off an AWS SDK answer or error: its name (or the network's system code), its
// message, and the HTTP status and requests the SDK reports in `$metadata`. Pure.

/**
 * The AWS error name of an SDK error (its `name`: ThrottlingException, CredentialsProviderError,
 * TimeoutError, …); for a network error the SDK passes on from Node — name `Error`, or
 * `AggregateError` when every address of the endpoint refused (Node tries each in turn) — its system
 * code (ECONNREFUSED, ENOTFOUND, …), so reports can tell "AWS answered" from "AWS was never reached".
 */
export function awsErrorName(error: unknown): string {
  if (!error || typeof error !== 'object') return 'Error';
  const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if ((name === 'Error' || name === 'AggregateError') && code && /^E[A-Z0-9_]+$/.test(code)) return code;
  return name;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What the AWS SDK records on every output and service error: the HTTP status, the requests it made. */
interface SdkMetadata {
  attempts?: number;
  httpStatusCode?: number;
}

export function sdkMetadata(outputOrError: unknown): SdkMetadata | undefined {
  if (!outputOrError || typeof outputOrError !== 'object' || !('$metadata' in outputOrError)) return;
  return outputOrError.$metadata as SdkMetadata;
}

/** The HTTP requests one `send` made (its retries included): the SDK's `$metadata.attempts`, else 1. */
export function sdkRequests(outputOrError: unknown): number {
  const attempts = sdkMetadata(outputOrError)?.attempts;
  return typeof attempts === 'number' && attempts > 0 ? attempts : 1;
}
