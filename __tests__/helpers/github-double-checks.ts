// What GitHub checks before it answers, as the GitHub double does it (for github-double.ts): the App
// JWT of an installation-token exchange (RS256, iss, iat, exp, at most 10 minutes) and a dispatch's
// inputs against the workflow's declared ones, with GitHub's own messages; plus the JSON answer shape.
//
// Plain erasable TypeScript with node: imports only, like github-double.ts.

import { createVerify, type KeyObject } from 'node:crypto';
import type { DoubleWorkflow, ScriptedResponse, TokenExchange } from './github-double-types.ts';

/** A JSON answer. */
export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ScriptedResponse => ({
  status,
  headers,
  body,
});
export const DOCS = 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event';

function base64urlJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Verifies an App JWT the way GitHub documents it: RS256, iss = App id, iat ≤ now + 60 s, exp - iat ≤ 10 min. */
export function verifyAppJwt(
  jwt: string,
  publicKey: KeyObject,
  appId: number,
  nowSeconds: number,
): { ok: true; claims: TokenExchange['claims'] } | { ok: false; message: string } {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: 'A JSON web token could not be decoded' };
  const [header, payload, signature] = parts as [string, string, string];
  let head: { alg?: unknown };
  let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    head = base64urlJson(header) as typeof head;
    claims = base64urlJson(payload) as typeof claims;
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (head.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(publicKey, Buffer.from(signature, 'base64url'))) {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (String(claims.iss) !== String(appId)) {
    return { ok: false, message: `'Issuer' claim ('iss') must be an Integer` };
  }
  if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + 60) {
    return {
      ok: false,
      message: `'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.`,
    };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) {
    return {
      ok: false,
      message: `'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.`,
    };
  }
  if (claims.exp - claims.iat > 660) {
    return { ok: false, message: `'Expiration time' claim ('exp') is too far in the future.` };
  }
  return { ok: true, claims: { iss: String(claims.iss), iat: claims.iat, exp: claims.exp } };
}

/** GitHub's message for the first problem with a dispatch's inputs, or undefined when they are good. */
export function checkInputs(workflow: DoubleWorkflow, inputs: unknown): string | undefined {
  if (inputs === undefined) inputs = {};
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return 'Invalid request.\n\nFor \'properties/inputs\', "not an object" is not an object.';
  }
  const given = inputs as Record<string, unknown>;
  const unexpected = Object.keys(given).filter((name) => !(name in workflow.inputs));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== 'string')
      return `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`;
  }
  if (JSON.stringify(given).length > 65535) return 'inputs are too large';
  for (const [name, input] of Object.entries(workflow.inputs)) {
    const value = given[name] as string | undefined;
    if (value === undefined || value === '') {
      if (input.required) return `Required input '${name}' not provided`;
      continue;
    }
    if (input.type === 'choice' && !(input.options ?? []).includes(value)) {
      return `Provided value '${value}' for input '${name}' not in the list of allowed values`;
    }
    if (input.type === 'boolean' && value !== 'true' && value !== 'false') {
      return `Provided value '${value}' for input '${name}' is not a boolean`;
    }
  }
  return undefined;
}
