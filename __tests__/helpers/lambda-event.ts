// Lambda function URL events (payload format 2.0) for the relay's Lambda adapter tests: a signed Slack
// request as AWS hands it to the function, headers lower-cased, the body plain or base64.

import { slackHeaders } from './slack.ts';

/** A Lambda function URL event (payload format 2.0) as AWS builds it: lower-case headers. */
export function functionUrlEvent(
  body: string,
  options: { base64?: boolean; headers?: Record<string, string>; method?: string } = {},
) {
  const headers = options.headers ?? slackHeaders(body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    requestContext: {
      http: { method: options.method ?? 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9' },
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}
