// The AWS double's CloudFront (aws-double.ts routes `/2020-05-31/distribution/…` here): REST-XML
// CreateInvalidation (idempotent per CallerReference, InvalidationBatchAlreadyExists for other paths)
// and GetInvalidation (InProgress until `completeAfterMs`), with the scripted faults: the first N
// creates or gets throttled, TooManyInvalidationsInProgress, NoSuchDistribution.
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

import type { AwsDoubleOptions } from './aws-double-options.ts';
import { DoubleError, randomKey, xmlEscape, xmlTag, xmlUnescape } from './aws-double-wire.ts';

export interface CfInvalidation {
  id: string;
  distributionId: string;
  callerReference: string;
  paths: string[];
  createdAt: number;
}

/** The operation and input of a CloudFront request, read from its method, path and XML body. */
export function cloudFrontRequest(
  method: string | undefined,
  pathname: string,
  body: string,
): { operation: string; input: Record<string, unknown> } {
  const [, , , distributionId, , invalidationId] = pathname.split('/');
  const operation = method === 'POST' ? 'CreateInvalidation' : 'GetInvalidation';
  const input: Record<string, unknown> = {
    DistributionId: distributionId,
    ...(invalidationId && { Id: invalidationId }),
  };
  if (operation === 'CreateInvalidation') {
    input.CallerReference = xmlTag(body, 'CallerReference');
    input.Paths = [...body.matchAll(/<Path>([\s\S]*?)<\/Path>/g)].map((m) => xmlUnescape(m[1]!));
  }
  return { operation, input };
}

export class CloudFrontDouble {
  readonly invalidations = new Map<string, CfInvalidation>();
  private createCalls = 0;
  private getCalls = 0;
  private readonly options: () => AwsDoubleOptions;
  private readonly now: () => number;

  constructor(options: () => AwsDoubleOptions, now: () => number) {
    this.options = options;
    this.now = now;
  }

  /** Forgets the fault counters (the invalidations stay). */
  resetCounters(): void {
    this.createCalls = 0;
    this.getCalls = 0;
  }

  /** Answers CreateInvalidation or GetInvalidation, or throws a DoubleError. */
  handle(
    operation: string,
    input: Record<string, unknown>,
  ): { status: number; xml: string; location?: string } {
    const distributionId = String(input.DistributionId);
    const known = this.options().cloudfront?.distributions;
    if (known && !known.includes(distributionId)) {
      throw new DoubleError(404, 'NoSuchDistribution', 'The specified distribution does not exist.');
    }
    if (operation === 'CreateInvalidation') {
      this.createCalls++;
      const throttled = this.options().cloudfront?.throttledCreates ?? 0;
      if (this.createCalls <= throttled) {
        throw new DoubleError(400, 'Throttling', 'Rate exceeded');
      }
      if (this.createCalls - throttled <= (this.options().cloudfront?.tooManyInvalidations ?? 0)) {
        throw new DoubleError(
          400,
          'TooManyInvalidationsInProgress',
          'You have exceeded the maximum number of allowable InProgress Invalidation batch requests, or invalidation objects.',
        );
      }
      const callerReference = String(input.CallerReference ?? '');
      const paths = input.Paths as string[];
      const existing = [...this.invalidations.values()].find(
        (i) => i.distributionId === distributionId && i.callerReference === callerReference,
      );
      if (existing) {
        if (JSON.stringify(existing.paths) !== JSON.stringify(paths)) {
          throw new DoubleError(
            409,
            'InvalidationBatchAlreadyExists',
            'CallerReference reused with other paths',
          );
        }
        return { status: 201, xml: this.invalidationXml(existing), location: this.location(existing) };
      }
      const invalidation: CfInvalidation = {
        id: randomKey('I', 13),
        distributionId,
        callerReference,
        paths,
        createdAt: this.now(),
      };
      this.invalidations.set(invalidation.id, invalidation);
      this.options().cloudfront?.onInvalidation?.(paths);
      return { status: 201, xml: this.invalidationXml(invalidation), location: this.location(invalidation) };
    }
    this.getCalls++;
    if (this.getCalls <= (this.options().cloudfront?.throttledGets ?? 0)) {
      throw new DoubleError(400, 'Throttling', 'Rate exceeded');
    }
    const invalidation = this.invalidations.get(String(input.Id));
    if (!invalidation || invalidation.distributionId !== distributionId) {
      throw new DoubleError(404, 'NoSuchInvalidation', 'The specified invalidation does not exist.');
    }
    return { status: 200, xml: this.invalidationXml(invalidation) };
  }

  private location(i: CfInvalidation) {
    return `/2020-05-31/distribution/${i.distributionId}/invalidation/${i.id}`;
  }

  private invalidationXml(i: CfInvalidation): string {
    const done = this.now() >= i.createdAt + (this.options().cloudfront?.completeAfterMs ?? 200);
    const paths = i.paths.map((p) => `<Path>${xmlEscape(p)}</Path>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${i.id}</Id><Status>${done ? 'Completed' : 'InProgress'}</Status><CreateTime>${new Date(i.createdAt).toISOString()}</CreateTime><InvalidationBatch><Paths><Quantity>${i.paths.length}</Quantity><Items>${paths}</Items></Paths><CallerReference>${xmlEscape(i.callerReference)}</CallerReference></InvalidationBatch></Invalidation>`;
  }
}
