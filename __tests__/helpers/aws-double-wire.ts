// The AWS double's wire details shared by its services (aws-double.ts and its -ssm, -cloudfront and
// -identity parts): the error a service answers with, XML escaping for the REST-XML and query
// protocols, and the random ids AWS hands out.
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

import { randomBytes } from 'node:crypto';

/** An AWS error answer: HTTP status and error code (`__type` for SSM, `<Code>` for the XML services). */
export class DoubleError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The unescaped text of the first `<tag>…</tag>` in `xml`. */
export const xmlTag = (xml: string, tag: string): string | undefined => {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? xmlUnescape(m[1]!) : undefined;
};

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** `prefix` and `length` random characters of AWS's key alphabet (A–Z, 2–7). */
export function randomKey(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}
