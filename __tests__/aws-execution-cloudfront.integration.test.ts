// The executor's CloudFront steps with the real AWS SDK client against the local AWS double
// (helpers/aws-execution.ts): one invalidation per step (its CallerReference names the step),
// TooManyInvalidationsInProgress and throttling retried with backoff and the requests counted, and
// waiting for completion within the step timeout.

import { describe, expect, it } from 'vitest';
import { MAIN, double, operations, run, useExecutionDouble } from './helpers/aws-execution.js';

useExecutionDouble();

describe('CloudFront steps against the AWS double', () => {
  it("two CloudFront steps on one distribution are two invalidations: the later one's CallerReference names its step", async () => {
    const { report } = await run({}, 'twice');
    expect(report.status).toBe('success');
    const creates = double.callsOf('CreateInvalidation');
    expect(creates.map((c) => String(c.input.CallerReference))).toEqual([
      expect.stringMatching(/^cache-purge\/\d+\/1\/twice\/E4EXAMPLE24680$/),
      expect.stringMatching(/^cache-purge\/\d+\/1\/twice\/E4EXAMPLE24680\/step-2$/),
    ]);
    expect(creates.map((c) => c.input.Paths)).toEqual([['/blog/index.html'], ['/shop/index.html']]);
    const ids = report.steps.map((s) => (s.kind === 'cloudfront' ? s.invalidationId : undefined));
    expect(new Set(ids).size).toBe(2);
  });

  it('retries TooManyInvalidationsInProgress with backoff, and waits for completion when asked', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { tooManyInvalidations: 2, completeAfterMs: 1_500 } },
      'main',
      { plan: { waitForInvalidation: true, paths: ['/blog/*', '/'] } },
    );
    expect(report.status).toBe('success');
    expect(operations().filter((o) => o.startsWith('CreateInvalidation'))).toEqual([
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation',
    ]);
    // the SDK sends TooManyInvalidationsInProgress once: each of our passes is one request
    expect(log).toContain(
      'CreateInvalidation on E3EXAMPLE67890: TooManyInvalidationsInProgress (1 request so far)',
    );
    expect(log).toContain(
      'CreateInvalidation on E3EXAMPLE67890: TooManyInvalidationsInProgress (2 requests so far)',
    );
    expect(log).toMatch(
      /Invalidation I\w+ of \/blog\/\* \/ on E3EXAMPLE67890: InProgress \(CreateInvalidation took 3 requests\)\./,
    );
    expect(report.steps[1]).toMatchObject({ invalidationStatus: 'Completed', paths: ['/blog/*', '/'] });
    const gets = double.callsOf('GetInvalidation').length;
    expect(gets).toBeGreaterThanOrEqual(1);
    expect(log).toContain(
      `completed (${gets === 1 ? '1 GetInvalidation request' : `${gets} GetInvalidation requests`}).`,
    );
  });

  it('counts the requests the SDK retried: throttling then TooManyInvalidationsInProgress, as many as the double saw', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { throttledCreates: 4, tooManyInvalidations: 1 } },
      'main',
    );
    expect(report.status).toBe('success');
    // the SDK's 3 requests end throttled; our next pass: 1 throttled, retried by the SDK into 1
    // TooMany, which it does not retry (an error after 2 requests); then the invalidation
    expect(operations().filter((o) => o.startsWith('CreateInvalidation'))).toEqual([
      ...Array<string>(4).fill('CreateInvalidation!Throttling'),
      'CreateInvalidation!TooManyInvalidationsInProgress',
      'CreateInvalidation',
    ]);
    const retries = log.split('\n').filter((l) => l.startsWith('CreateInvalidation on E3EXAMPLE67890:'));
    expect(retries).toEqual([
      expect.stringMatching(
        /^CreateInvalidation on E3EXAMPLE67890: Throttling \(3 requests so far\); retrying in (\d+ ms|\d+(\.\d)? s)\.$/,
      ),
      expect.stringMatching(/: TooManyInvalidationsInProgress \(5 requests so far\); retrying in /),
    ]);
    expect(double.callsOf('CreateInvalidation')).toHaveLength(6);
    expect(log).toContain('(CreateInvalidation took 6 requests).');
  });

  it('TooManyInvalidationsInProgress that outlasts the step timeout fails with the limit explained and the requests counted', async () => {
    const { report } = await run({ tags: MAIN, cloudfront: { tooManyInvalidations: 1_000 } }, 'main', {
      stepTimeoutSeconds: '2',
    });
    expect(report.steps[1]).toMatchObject({
      status: 'failed',
      error: { code: 'TooManyInvalidationsInProgress' },
    });
    const sent = double.callsOf('CreateInvalidation').length;
    expect(sent).toBeGreaterThan(2);
    expect(report.steps[1]!.error!.message).toMatch(
      new RegExp(
        `^CreateInvalidation on E3EXAMPLE67890 failed after ${sent} requests within step-timeout-seconds \\(2 s\\): `,
      ),
    );
    expect(report.steps[1]!.error!.message).toContain(
      "Other invalidations in progress on this distribution hold CloudFront's limits (3,000 file paths, and apart from them 15 wildcard paths, in progress at once)",
    );
  });

  it('throttling that outlasts the step timeout: every request the SDK retried is counted', async () => {
    const { report, log } = await run({ tags: MAIN, cloudfront: { throttledCreates: 1_000 } }, 'main', {
      stepTimeoutSeconds: '2',
    });
    expect(report.steps[1]).toMatchObject({ status: 'failed', error: { code: 'Throttling' } });
    const sent = double.callsOf('CreateInvalidation').length;
    // each pass of ours is the SDK's 3 requests
    expect(sent % 3).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(report.steps[1]!.error!.message).toContain(
      `CreateInvalidation on E3EXAMPLE67890 failed after ${sent} requests within step-timeout-seconds (2 s): Rate exceeded.`,
    );
    const lines = log.split('\n').filter((l) => l.includes('requests so far'));
    expect(lines.map((l) => /\((\d+) requests so far\)/.exec(l)![1])).toEqual(
      Array.from({ length: sent / 3 - 1 }, (_, i) => String(3 * (i + 1))),
    );
  });

  it('a throttled GetInvalidation poll is not re-sent by us; the requests counted are those the double saw', async () => {
    const { report, log } = await run(
      { tags: MAIN, cloudfront: { throttledGets: 3, completeAfterMs: 300 } },
      'main',
      { plan: { waitForInvalidation: true } },
    );
    expect(report.steps[1]).toMatchObject({ status: 'success', invalidationStatus: 'Completed' });
    // poll 1: the SDK's 3 requests, all throttled; poll 2 (not sooner): Completed
    expect(operations().filter((o) => o.startsWith('GetInvalidation'))).toEqual([
      ...Array<string>(3).fill('GetInvalidation!Throttling'),
      'GetInvalidation',
    ]);
    expect(log).toMatch(
      /GetInvalidation I\w+: Throttling \(3 requests so far\); asking again at the next poll\./,
    );
    expect(log).toMatch(/Invalidation I\w+ completed \(4 GetInvalidation requests\)\./);
  });

  it('an invalidation that does not complete within the step timeout is timed-out, not success', async () => {
    const { report } = await run({ tags: MAIN, cloudfront: { completeAfterMs: 60_000 } }, 'main', {
      stepTimeoutSeconds: '2',
      plan: { waitForInvalidation: true },
    });
    expect(report.steps[1]).toMatchObject({ status: 'timed-out', invalidationStatus: 'InProgress' });
  });
});
