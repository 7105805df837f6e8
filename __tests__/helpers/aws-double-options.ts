// The AWS double's script and records (aws-double.ts is the server): what a test may script per
// document, instance, tag and service (AwsDoubleOptions), and what the double records of every call
// and every credential it issued.
//
// Plain erasable TypeScript, like aws-double.ts (the demo and the bench import it from .mjs scripts).

export interface InstanceScript {
  /** Time the script runs once started (ms). Default 100. */
  runMs?: number;
  /** Time from SendCommand until the agent starts it (ms). Default 20. */
  deliveryMs?: number;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** A fault instead of a normal run; it shows after deliveryMs + runMs. */
  fault?: 'Undeliverable' | 'DeliveryTimedOut' | 'ExecutionTimedOut';
  /** CancelCommand does not stop it (the process keeps running, as SSM warns may happen). */
  ignoresCancel?: boolean;
}

export interface DocumentScript {
  /** Script of every instance not listed in `instances`. */
  default?: InstanceScript;
  instances?: Record<string, InstanceScript>;
}

export interface AwsDoubleOptions {
  /** Per document name. Documents not listed run `defaultScript`. */
  documents?: Record<string, DocumentScript>;
  defaultScript?: InstanceScript;
  /** "Key=Value" → instance ids, e.g. { 'Site=main': ['i-…', …] }. */
  tags?: Record<string, string[]>;
  /** SSM operations that answer AccessDeniedException (a role whose policy lacks them). */
  ssmDenied?: string[];
  /** Every Nth call to a service answers with its throttling error (counted per service). */
  throttleEvery?: { ssm?: number; cloudfront?: number; sts?: number };
  /** For this long after SendCommand the command is not visible yet: GetCommandInvocation throws
   * InvocationDoesNotExist, ListCommandInvocations and ListCommands return empty lists. */
  invisibleForMs?: number;
  /** How long a cancelled invocation takes to show Cancelled (ms). Default 30. */
  cancelDelayMs?: number;
  cloudfront?: {
    /** The first N CreateInvalidation calls answer Throttling (HTTP 400, as CloudFront does). */
    throttledCreates?: number;
    /** The next N CreateInvalidation calls (after the throttled ones) answer TooManyInvalidationsInProgress. */
    tooManyInvalidations?: number;
    /** The first N GetInvalidation calls answer Throttling. */
    throttledGets?: number;
    /** Called with the paths of every invalidation created (e.g. to evict a CDN double's cache). */
    onInvalidation?: (paths: string[]) => void;
    /** Time until an invalidation shows Completed (ms). Default 200. */
    completeAfterMs?: number;
    /** When set, other distribution ids answer NoSuchDistribution. */
    distributions?: string[];
  };
  oidc?: {
    /** The first N token requests answer HTTP `status` instead of a token. */
    failures?: number;
    /** Default 500. */
    status?: number;
  };
  sts?: {
    /** Answer AccessDenied (not authorized) to every AssumeRoleWithWebIdentity. */
    accessDenied?: boolean;
    /** The first N calls fail with a transient error (IDPCommunicationError, 400). */
    transientFailures?: number;
    /** Expected token audience; a different `aud` is AccessDenied. Default sts.amazonaws.com. */
    audience?: string;
    /** Lifetime in seconds (fractions allowed) of the 1st, 2nd, … credentials issued: the Expiration
     * STS answers, so a short one makes the SDK refresh mid-run (it does so within 300 s of it).
     * Credentials past the list live DurationSeconds. */
    lifetimesSeconds?: number[];
    /** Once this many credentials were issued, every further call is AccessDenied (a refresh refused). */
    deniedAfterIssued?: number;
  };
}

export interface RecordedCall {
  seq: number;
  /** Epoch ms on the double's clock (by default real time with sub-ms precision). */
  at: number;
  service: 'ssm' | 'cloudfront' | 'sts' | 'oidc';
  operation: string;
  /** The access key id of the SigV4 Authorization header, when signed. */
  accessKeyId?: string;
  input: Record<string, unknown>;
  status: number;
  errorCode?: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  roleArn: string;
  roleSessionName: string;
  durationSeconds: number;
  /** The Expiration STS answered (ISO 8601). */
  expiration: string;
}
