// The `verify` step of the sites file: the schema of its mapping (defaults, limits, and the input checks
// whose messages name the field and the fix) and the typed VerifyStepConfig it turns into. Pure. The
// sites-file parser plugs `verifyStepSchema` in as the step kind `{ verify: { … } }`.

import { z } from 'zod';
import { quoteCut } from '../../shared/text.js';

export const VERIFY_DEFAULTS = {
  limit: 50,
  warm: true,
  concurrency: 4,
  cacheHeader: 'X-FastCGI-Cache',
  generatedAtHeader: 'X-Generated-At',
  timeoutSeconds: 300,
  requestTimeoutSeconds: 10,
} as const;

export const VERIFY_LIMITS = {
  maxConcurrency: 16,
  /** The sitemap protocol's own cap on URLs per sitemap file. */
  maxLimit: 50_000,
  maxUrls: 1_000,
  maxTimeoutSeconds: 3_600,
  maxRequestTimeoutSeconds: 120,
} as const;

export interface VerifyStepConfig {
  kind: 'verify';
  name: string;
  urls: string[];
  sitemap?: string;
  limit: number;
  warm: boolean;
  concurrency: number;
  cacheHeader: string;
  generatedAtHeader: string;
  timeoutSeconds: number;
  requestTimeoutSeconds: number;
}

/** An HTTP header name as RFC 9110 allows it (a "token"). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why `value` cannot be requested as a visitor would, or undefined when it can. */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${quoteCut(value, 80)} is not a URL; write it in full, e.g. https://www.example.com/shop/`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `${quoteCut(value, 80)} uses ${url.protocol.slice(0, -1)}; only http and https URLs can be verified`;
  }
  if (url.username !== '' || url.password !== '') {
    return `${quoteCut(`${url.protocol}//…@${url.host}${url.pathname}`, 80)} has credentials in it; remove the "user:password@" part — a visitor sends none, and the sites file is no place for secrets`;
  }
  return undefined;
}

const visitorUrl = z.string().superRefine((value, ctx) => {
  const problem = urlProblem(value.trim());
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const headerName = (example: string) =>
  z.string().regex(HEADER_NAME, {
    error: (issue) =>
      `${quoteCut(String(issue.input), 60)} is not an HTTP header name (letters, digits and - only, no colon or spaces), e.g. ${example}`,
  });

const wholeNumber = (what: string, min: number, max: number, why: string) =>
  z
    .number()
    .int({ error: `must be a whole number of ${what}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max} (${why})` });

export const verifyStepSchema = z
  .strictObject({
    urls: z
      .array(visitorUrl)
      .max(VERIFY_LIMITS.maxUrls, {
        error: `lists more than ${VERIFY_LIMITS.maxUrls} URLs; list the key pages and give the rest through "sitemap"`,
      })
      .optional()
      .describe('Pages to request as a visitor: full http(s) URLs, no credentials.'),
    sitemap: visitorUrl
      .optional()
      .describe(
        'A sitemap or sitemap index (.xml or .xml.gz) whose URLs are warmed too; indexes are followed.',
      ),
    limit: wholeNumber('URLs', 1, VERIFY_LIMITS.maxLimit, 'the most one sitemap file may list')
      .optional()
      .describe(`Most URLs taken from the sitemap (default ${VERIFY_DEFAULTS.limit}).`),
    warm: z
      .boolean()
      .optional()
      .describe('Request each URL that missed a cache again and expect it cached (default true).'),
    concurrency: wholeNumber('requests', 1, VERIFY_LIMITS.maxConcurrency, 'so the origin is not overwhelmed')
      .optional()
      .describe(`Requests in flight at once (default ${VERIFY_DEFAULTS.concurrency}, at most 16).`),
    'cache-header': headerName(VERIFY_DEFAULTS.cacheHeader)
      .optional()
      .describe("The header the origin sets from nginx's $upstream_cache_status (default X-FastCGI-Cache)."),
    'generated-at-header': headerName(VERIFY_DEFAULTS.generatedAtHeader)
      .optional()
      .describe('The header PHP adds with the time it generated the page (default X-Generated-At).'),
    'timeout-seconds': wholeNumber('seconds', 1, VERIFY_LIMITS.maxTimeoutSeconds, 'one hour')
      .optional()
      .describe(
        `Time for the whole step, waiting and warming included (default ${VERIFY_DEFAULTS.timeoutSeconds}).`,
      ),
    'request-timeout-seconds': wholeNumber(
      'seconds',
      1,
      VERIFY_LIMITS.maxRequestTimeoutSeconds,
      'two minutes',
    )
      .optional()
      .describe(`Time one request may take to answer (default ${VERIFY_DEFAULTS.requestTimeoutSeconds}).`),
  })
  .superRefine((step, ctx) => {
    if ((step.urls?.length ?? 0) === 0 && step.sitemap === undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'has nothing to request; give "urls" (e.g. urls: [\'https://www.example.com/\']) or "sitemap", or both',
        params: { missingKeys: ['urls', 'sitemap'] },
      });
    }
    if (step.limit !== undefined && step.sitemap === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['limit'],
        message: 'limits the URLs taken from a sitemap, but no "sitemap" is given; add one or remove "limit"',
      });
    }
  })
  .describe(
    'Requests pages as a visitor after the purge, proves no layer serves a stale copy, warms the cache.',
  );

export type RawVerifyStep = z.infer<typeof verifyStepSchema>;

/** The typed step: defaults filled in, URLs trimmed and de-duplicated in order. */
export function toVerifyStep(raw: RawVerifyStep, name = 'Verify'): VerifyStepConfig {
  return {
    kind: 'verify',
    name,
    urls: [...new Set((raw.urls ?? []).map((url) => new URL(url.trim()).href))],
    ...(raw.sitemap !== undefined && { sitemap: new URL(raw.sitemap.trim()).href }),
    limit: raw.limit ?? VERIFY_DEFAULTS.limit,
    warm: raw.warm ?? VERIFY_DEFAULTS.warm,
    concurrency: raw.concurrency ?? VERIFY_DEFAULTS.concurrency,
    cacheHeader: raw['cache-header'] ?? VERIFY_DEFAULTS.cacheHeader,
    generatedAtHeader: raw['generated-at-header'] ?? VERIFY_DEFAULTS.generatedAtHeader,
    timeoutSeconds: raw['timeout-seconds'] ?? VERIFY_DEFAULTS.timeoutSeconds,
    requestTimeoutSeconds: raw['request-timeout-seconds'] ?? VERIFY_DEFAULTS.requestTimeoutSeconds,
  };
}

/** One-line YAML examples of each key, for the sites-file parser's messages. */
export const VERIFY_EXAMPLES: Record<string, string> = {
  verify: "`verify: { urls: ['https://www.example.com/'] }`",
  urls: "`urls: ['https://www.example.com/', 'https://www.example.com/shop/']`",
  sitemap: '`sitemap: https://www.example.com/wp-sitemap.xml`',
  limit: '`limit: 200`',
  warm: '`warm: true`',
  concurrency: '`concurrency: 4`',
  'cache-header': '`cache-header: X-FastCGI-Cache`',
  'generated-at-header': '`generated-at-header: X-Generated-At`',
  'timeout-seconds': '`timeout-seconds: 300`',
  'request-timeout-seconds': '`request-timeout-seconds: 10`',
};
