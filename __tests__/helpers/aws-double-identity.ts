// The AWS double's identity services (aws-double.ts routes `/oidc/token` and STS query calls here):
// the GitHub Actions OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN) and STS
// AssumeRoleWithWebIdentity, which accepts only tokens that endpoint issued, checks their audience and
// issues credentials with scripted lifetimes — plus the scripted faults (token endpoint errors,
// transient STS failures, AccessDenied, a refused refresh).
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

import { randomBytes, randomUUID } from 'node:crypto';
import type { AwsDoubleOptions, IssuedCredentials } from './aws-double-options.ts';
import { DoubleError, base64url, randomKey, xmlEscape } from './aws-double-wire.ts';

export class IdentityDouble {
  readonly issuedCredentials: IssuedCredentials[] = [];
  /** The bearer token the OIDC endpoint expects (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken = randomUUID();
  readonly issuedIdTokens: string[] = [];
  private stsCalls = 0;
  /** Credentials issued since the last reset (the lifetimes and deniedAfterIssued count these). */
  private issued = 0;
  private oidcCalls = 0;
  private readonly options: () => AwsDoubleOptions;

  constructor(options: () => AwsDoubleOptions) {
    this.options = options;
  }

  /** Forgets the call counters (issued tokens and credentials stay valid). */
  resetCounters(): void {
    this.stsCalls = 0;
    this.issued = 0;
    this.oidcCalls = 0;
  }

  /** The OIDC endpoint: a token for `audience` when `authorization` is the request token. */
  issueIdToken(audience: string, authorization: string | undefined): string {
    if (authorization !== `Bearer ${this.requestToken}`) {
      throw new DoubleError(401, 'Unauthorized', 'bad ACTIONS_ID_TOKEN_REQUEST_TOKEN');
    }
    this.oidcCalls++;
    if (this.oidcCalls <= (this.options().oidc?.failures ?? 0)) {
      const status = this.options().oidc?.status ?? 500;
      throw new DoubleError(status, `HTTP${status}`, 'Internal server error while issuing the token');
    }
    const token = [
      base64url({ alg: 'RS256', typ: 'JWT' }),
      base64url({
        iss: 'https://token.actions.githubusercontent.com',
        aud: audience,
        sub: 'repo:example/site:ref:refs/heads/main',
        exp: Math.floor(Date.now() / 1000) + 300,
      }),
      randomBytes(32).toString('base64url'),
    ].join('.');
    this.issuedIdTokens.push(token);
    return token;
  }

  /** Answers AssumeRoleWithWebIdentity (STS query protocol, XML answer), or throws a DoubleError. */
  assumeRole(action: string, form: URLSearchParams): string {
    if (action !== 'AssumeRoleWithWebIdentity') {
      throw new DoubleError(400, 'InvalidAction', `the double does not speak ${action}`);
    }
    this.stsCalls++;
    const options = this.options().sts ?? {};
    if (this.stsCalls <= (options.transientFailures ?? 0)) {
      throw new DoubleError(400, 'IDPCommunicationError', 'The identity provider could not be reached.');
    }
    const token = form.get('WebIdentityToken') ?? '';
    if (!this.issuedIdTokens.includes(token)) {
      throw new DoubleError(
        400,
        'InvalidIdentityToken',
        'The web identity token was not issued by the OIDC endpoint.',
      );
    }
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { aud: string };
    const roleArn = form.get('RoleArn') ?? '';
    const refused = options.deniedAfterIssued !== undefined && this.issued >= options.deniedAfterIssued;
    if (options.accessDenied || refused || claims.aud !== (options.audience ?? 'sts.amazonaws.com')) {
      throw new DoubleError(403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
    }
    const durationSeconds = Number(form.get('DurationSeconds') ?? 3600);
    const lifetime = options.lifetimesSeconds?.[this.issued] ?? durationSeconds;
    const credentials: IssuedCredentials = {
      accessKeyId: randomKey('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(60).toString('base64'),
      roleArn,
      roleSessionName: form.get('RoleSessionName') ?? '',
      durationSeconds,
      expiration: new Date(Date.now() + lifetime * 1000).toISOString(),
    };
    this.issuedCredentials.push(credentials);
    this.issued++;
    const expiration = credentials.expiration;
    return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>repo:example/site:ref:refs/heads/main</SubjectFromWebIdentityToken><Audience>${xmlEscape(claims.aud)}</Audience><AssumedRoleUser><Arn>${xmlEscape(roleArn.replace(':role/', ':assumed-role/'))}/${xmlEscape(credentials.roleSessionName)}</Arn><AssumedRoleId>AROA${randomKey('', 17)}:${xmlEscape(credentials.roleSessionName)}</AssumedRoleId></AssumedRoleUser><Credentials><SessionToken>${credentials.sessionToken}</SessionToken><SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey><Expiration>${expiration}</Expiration><AccessKeyId>${credentials.accessKeyId}</AccessKeyId></Credentials><Provider>token.actions.githubusercontent.com</Provider></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`;
  }
}
