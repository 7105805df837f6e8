// CachePurge-FastCGI while wrk (bounded: 2 threads, 16 connections, 8 s) hits nginx on 127.0.0.1 over 300
// URLs: the cache is purged five times mid-load, every purge succeeds, and nginx answers no 5xx — not
// during the load (wrk's count and nginx's access log) and not after (a full pass over the URLs).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDocument, runDocument, type DocumentRun } from '../helpers/ssm-document-runner.js';
import {
  fillCacheLayout,
  requireSystem,
  scratchDir,
  startFastCgiStack,
  type FastCgiStack,
  wwwIds,
} from './helpers/system.js';

const URLS = 300;

describe('CachePurge-FastCGI under load', () => {
  let stack: FastCgiStack;
  let cacheDir: string;

  beforeAll(async () => {
    requireSystem();
    cacheDir = scratchDir('/var/cache/nginx', 'cpa-e2e-load');
    stack = await startFastCgiStack(cacheDir);
  });
  afterAll(async () => {
    await stack?.stop();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('purges five times during a wrk run with zero 5xx during and after', async () => {
    for (let i = 1; i <= URLS; i++) expect((await stack.get(`/p/${i}`)).status).toBe(200);
    fillCacheLayout(cacheDir, 2_000, wwwIds()); // stale entries nginx does not know about, to make each purge longer
    const script = join(stack.dir, 'urls.lua');
    writeFileSync(
      script,
      `request = function() return wrk.format(nil, "/p/" .. math.random(1, ${URLS})) end\n`,
    );
    const wrk = spawn('wrk', ['-t2', '-c16', '-d8s', '--timeout', '5s', '-s', script, stack.base], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let wrkOut = '';
    wrk.stdout.on('data', (c: Buffer) => (wrkOut += c.toString()));
    wrk.stderr.on('data', (c: Buffer) => (wrkOut += c.toString()));
    const wrkDone = new Promise<number | null>((resolve) => wrk.on('close', resolve));

    const purges: DocumentRun[] = [];
    await sleep(1_500);
    for (let i = 0; i < 5; i++) {
      purges.push(await runDocument(loadDocument('CachePurge-FastCGI'), { CachePath: cacheDir }));
      await sleep(700);
    }
    expect(await wrkDone).toBe(0);

    for (const purge of purges) {
      expect(purge.stderr).toBe('');
      expect(purge.code).toBe(0);
      expect(purge.result).toMatchObject({ method: 'find-delete', complete: true });
    }
    expect(purges[0]!.result!.files).toBeGreaterThanOrEqual(2_000);
    const requests = Number(/(\d+) requests in/.exec(wrkOut)?.[1]);
    expect(requests, wrkOut).toBeGreaterThan(1_000);
    expect(wrkOut).not.toMatch(/Non-2xx or 3xx responses/);
    // No socket errors either: a dropped connection is worse than a 5xx. (Deleting nginx's level
    // directories mid-load used to cost a response now and then; the document keeps them.)
    expect(wrkOut).not.toMatch(/Socket errors/);

    for (let i = 1; i <= URLS; i++) expect((await stack.get(`/p/${i}`)).status).toBe(200);
    const log = readFileSync(stack.accessLog, 'utf8').trim().split('\n');
    const statuses = log.map((line) => Number(line.split(' ')[0]));
    expect(statuses.length).toBeGreaterThan(requests);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // the purges really hit cached entries mid-load: nginx had to go back to php-fpm for some URLs again
    expect(log.filter((l) => / MISS \/p\//.test(l)).length).toBeGreaterThan(URLS);
  });
});
