// AWS's own formats for the identifiers a sites file or an input may carry, each with the sentence a
// user needs when a value does not match, and the numeric bounds AWS sets. Shared by the sites-file
// schema, the plan (the aws-region input) and the execution inputs (role-to-assume, role-session-name).

export interface Format {
  pattern: RegExp;
  /** What is allowed, phrased to follow "is not …; use". */
  allowed: string;
}

export const formats = {
  region: {
    pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
    allowed: 'an AWS region code such as us-east-1 or eu-central-1',
  },
  instanceId: {
    pattern: /^(i-([0-9a-f]{8}|[0-9a-f]{17})|mi-[0-9a-f]{17})$/,
    allowed:
      'an EC2 instance id (i- and 8 or 17 hex digits) or a managed instance id (mi- and 17 hex digits)',
  },
  /**
   * A tag key to target instances by (SendCommand's `tag:<key>`): at most 128 characters (EC2's limit
   * for a tag key), in the character set of SSM's Target key, which has no "+". Keys AWS creates, such
   * as aws:autoscaling:groupName, are fine: only creating tags refuses the "aws:" prefix.
   */
  tagKey: {
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=\-@]{1,128}$/u,
    allowed:
      'a tag key of 1–128 letters, digits, spaces and _ . : / = - @ (SSM cannot target keys with other characters, such as "+")',
  },
  tagValue: {
    pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u,
    allowed: '1–256 letters, digits, spaces and _ . : / = + - @',
  },
  documentName: {
    pattern: /^[a-zA-Z0-9_\-.:/]{3,128}$/,
    allowed: 'an SSM document name or ARN: 3–128 letters, digits and _ - . : / (e.g. CachePurge-FastCGI)',
  },
  documentVersion: {
    pattern: /^(\$LATEST|\$DEFAULT|[1-9][0-9]{0,7})$/,
    allowed: '$LATEST, $DEFAULT or a version number such as 3',
  },
  parameterName: {
    pattern: /^[A-Za-z0-9_]{1,128}$/,
    allowed: 'a document parameter name: letters, digits and _',
  },
  maxConcurrency: {
    pattern: /^([1-9][0-9]{0,6}|[1-9][0-9]?%|100%)$/,
    allowed: 'a number of instances (e.g. 10) or a percentage from 1% to 100%',
  },
  maxErrors: {
    pattern: /^([0-9]|[1-9][0-9]{1,6}|[0-9]%|[1-9][0-9]%|100%)$/,
    allowed: 'a number of errors (e.g. 0) or a percentage from 0% to 100%',
  },
  distributionId: {
    pattern: /^E[A-Z0-9]{9,19}$/,
    allowed:
      'a CloudFront distribution id: E followed by 9–19 capital letters and digits (e.g. E2EXAMPLE12345)',
  },
  /** An IAM role ARN (any partition; a role path is allowed), as role-to-assume takes it. */
  roleArn: {
    pattern: /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/,
    allowed:
      'arn:aws:iam::<12-digit account id>:role/<role name>, e.g. arn:aws:iam::123456789012:role/cache-purge',
  },
  /** STS's RoleSessionName. */
  roleSessionName: {
    pattern: /^[\w+=,.@-]{2,64}$/,
    allowed: '2–64 letters, digits and + = , . @ _ -',
  },
  /**
   * A stack's NamePrefix (infra/cache-purge.yml): what SSM allows in a document name, 1–32 characters
   * (so the role names it also prefixes stay within IAM's 64), not starting with a prefix SSM reserves
   * for AWS (aws, amazon, amzn, in any case). The template's AllowedPattern is this pattern's source
   * without the anchors (a test compares them).
   */
  documentNamePrefix: {
    pattern: /^(?![Aa][Ww][Ss]|[Aa][Mm][Aa][Zz][Oo][Nn]|[Aa][Mm][Zz][Nn])[A-Za-z0-9_.-]{1,32}$/,
    allowed: '1–32 letters, digits and _ . -, not starting with AWS, Amazon or AMZN (SSM reserves those)',
  },
  siteKey: {
    pattern: /^[a-z0-9][a-z0-9_-]{0,62}$/,
    allowed: '1–63 lower-case letters, digits, - and _, starting with a letter or digit',
  },
} satisfies Record<string, Format>;

/** AssumeRoleWithWebIdentity's DurationSeconds bounds (the role's maximum session may be lower). */
export const ROLE_DURATION_RANGE = { min: 900, max: 43_200 } as const;
/** SendCommand's delivery timeout bounds (TimeoutSeconds). */
export const DELIVERY_TIMEOUT_RANGE = { min: 30, max: 2_592_000 } as const;
/** SendCommand accepts at most 50 instance ids; Targets take at most 5 tag keys with 5 values each. */
export const MAX_INSTANCE_IDS = 50;
export const MAX_TAG_KEYS = 5;
export const MAX_TAG_VALUES = 5;
