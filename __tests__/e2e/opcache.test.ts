// CachePurge-OPcache against a real php-fpm (OPcache on, validate_timestamps=0) behind nginx: a changed PHP
// file is served stale until the document reloads php-fpm, and new right after it, while wrk (bounded:
// 2 threads, 16 connections, 6 s) and a 1.5 s request in flight see no failed request. Then what it refuses
// (php-fpm left as it was), and the no-parameter form, which reloads every root-started php-fpm master:
// that one runs in a process namespace of its own (unshare), so the only master it can see is the test's.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDocument, runDocument } from '../helpers/ssm-document-runner.js';
import { phpFpmConfig, startOpcacheStack, type OpcacheStack } from './helpers/opcache-stack.js';
import { requireSystem, wwwIds } from './helpers/system.js';

const opcache = loadDocument('CachePurge-OPcache');
let stack: OpcacheStack;
/** The php-fpm workers (children) of a master. */
const workersOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
const reloads = () => (readFileSync(stack.phpFpmLog, 'utf8').match(/NOTICE: reloading/g) ?? []).length;

beforeAll(async () => {
  requireSystem();
  stack = await startOpcacheStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('CachePurge-OPcache with a real php-fpm', () => {
  it('serves the changed PHP file only after the reload, and no request fails during it (wrk + a request in flight)', async () => {
    expect((await stack.get('/')).body).toBe('version v1\n');
    stack.setVersion('v2');
    // validate_timestamps=0: OPcache keeps the old code
    for (let i = 0; i < 8; i++) expect((await stack.get('/')).body).toBe('version v1\n');

    const wrk = spawn('wrk', ['-t2', '-c16', '-d6s', '--timeout', '5s', stack.base], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let wrkOut = '';
    wrk.stdout.on('data', (c: Buffer) => (wrkOut += c.toString()));
    wrk.stderr.on('data', (c: Buffer) => (wrkOut += c.toString()));
    const wrkDone = new Promise<number | null>((resolve) => wrk.on('close', resolve));
    await sleep(1_500);
    let slowDone = false;
    const slow = stack.get('/slow').finally(() => (slowDone = true)); // in flight when the reload starts
    await sleep(300);
    const master = stack.masterPid();
    const workersBefore = workersOf(master);
    const run = await runDocument(opcache, { PhpFpmPidFile: stack.pidFile });
    // the document returns once the reload is over: the request in flight was finished by its worker, and
    // every worker from before is gone
    expect(slowDone).toBe(true);
    expect(workersOf(master).filter((pid) => workersBefore.includes(pid))).toEqual([]);
    expect(workersOf(master)).toHaveLength(4);
    const afterRun = await stack.get('/');
    expect(await slow).toEqual({ status: 200, body: 'version v1\n' });
    expect(await wrkDone).toBe(0);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Reloading php-fpm master ${master} (uid 0): SIGUSR2`);
    expect(run.result).toMatchObject({
      method: 'php-fpm-reload',
      reloaded: [`pid:${master}`],
      counted: false,
    });
    expect(afterRun).toEqual({ status: 200, body: 'version v2\n' });
    expect(stack.masterPid()).toBe(master);

    const requests = Number(/(\d+) requests in/.exec(wrkOut)?.[1]);
    expect(requests, wrkOut).toBeGreaterThan(1_000);
    expect(wrkOut).not.toMatch(/Non-2xx or 3xx responses/);
    expect(wrkOut).not.toMatch(/Socket errors/);
    const statuses = readFileSync(stack.accessLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[0]));
    expect(statuses.length).toBeGreaterThan(requests);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('a legacy agent reloads it the same way', async () => {
    stack.setVersion('v3');
    expect((await stack.get('/')).body).toBe('version v2\n');
    const run = await runDocument(opcache, { PhpFpmPidFile: stack.pidFile }, { agent: 'legacy' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await stack.get('/')).body).toBe('version v3\n');
  });

  describe('refuses, leaving php-fpm as it was', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cpa-pidfiles-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const cases: [string, () => Record<string, string>, RegExp][] = [
      [
        'a pid file that is a symbolic link',
        () => {
          symlinkSync(stack.pidFile, join(scratch, 'link.pid'));
          return { PhpFpmPidFile: join(scratch, 'link.pid') };
        },
        /PhpFpmPidFile .*link\.pid is a symbolic link/,
      ],
      [
        'a pid file another user wrote, naming the root master',
        () => {
          copyFileSync(stack.pidFile, join(scratch, 'www.pid'));
          chownSync(join(scratch, 'www.pid'), wwwIds().uid, wwwIds().gid);
          return { PhpFpmPidFile: join(scratch, 'www.pid') };
        },
        /belongs to uid \d+, but php-fpm master \d+ runs as uid 0; a pid file another user wrote is not trusted/,
      ],
      [
        'a pid file naming a process that is not php-fpm (a stale one)',
        () => {
          writeFileSync(join(scratch, 'stale.pid'), `${process.pid}\n`);
          return { PhpFpmPidFile: join(scratch, 'stale.pid') };
        },
        /process \d+ of PhpFpmPidFile .* is not a running php-fpm master process; is the pid file stale\?/,
      ],
      [
        'a pid file naming a php-fpm worker, not the master',
        () => {
          const children = readFileSync(
            `/proc/${stack.masterPid()}/task/${stack.masterPid()}/children`,
            'utf8',
          );
          writeFileSync(join(scratch, 'worker.pid'), `${children.trim().split(' ')[0]}\n`);
          return { PhpFpmPidFile: join(scratch, 'worker.pid') };
        },
        /is not a running php-fpm master process/,
      ],
      [
        'a pid file holding no process id',
        () => {
          writeFileSync(join(scratch, 'junk.pid'), '1; reboot\n');
          return { PhpFpmPidFile: join(scratch, 'junk.pid') };
        },
        /holds no process id/,
      ],
      [
        'both parameters',
        () => ({ PhpFpmService: 'php8.2-fpm', PhpFpmPidFile: stack.pidFile }),
        /PhpFpmService and PhpFpmPidFile are both set; give one of them/,
      ],
      [
        'a systemd unit where systemd does not run the instance',
        () => ({ PhpFpmService: 'php8.2-fpm' }),
        /PhpFpmService is php8\.2-fpm, but systemd does not run this instance .*; give PhpFpmPidFile instead/,
      ],
    ];
    it.each(cases)('%s', async (_label, parameters, message) => {
      const before = reloads();
      const run = await runDocument(opcache, parameters());
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
      expect(run.result).toBeUndefined();
      await sleep(200);
      expect(reloads()).toBe(before);
    });

    it('a hostile value the service would refuse, sent unchecked, is refused by the script too', async () => {
      const before = reloads();
      for (const value of [`${stack.pidFile}\nrm -rf /`, '$(touch /tmp/cpa-pwned).pid', '/run/../x.pid']) {
        const run = await runDocument(opcache, { PhpFpmPidFile: value }, { serviceChecks: false });
        expect(run.code, value).toBe(2);
        expect(run.stderr).toMatch(/PhpFpmPidFile .* is not allowed/);
      }
      expect(reloads()).toBe(before);
      expect(existsSync('/tmp/cpa-pwned')).toBe(false);
    });
  });
});

describe('CachePurge-OPcache with no parameter, in a process namespace of its own', () => {
  const { phpFpm } = requireSystem();
  /** Runs the document as PID 1's child in a new PID namespace where `setup` ran first. */
  const inNamespace = (setup: string) => [
    'unshare',
    '--pid',
    '--fork',
    '--mount-proc',
    '--',
    'bash',
    '-c',
    `${setup}\nexec "$@"`,
    '_',
  ];

  it('reloads the one php-fpm master root started there, and notes a missing process_control_timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpa-opcache-ns-'));
    try {
      writeFileSync(join(dir, 'php-fpm.conf'), phpFpmConfig(dir, '0'));
      const setup = [
        `${phpFpm} --daemonize --fpm-config ${dir}/php-fpm.conf`,
        `for i in $(seq 100); do [ -s ${dir}/php-fpm.pid ] && break; sleep 0.1; done`,
      ].join('\n');
      const run = await runDocument(opcache, {}, { wrap: inNamespace(setup) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const master = readFileSync(join(dir, 'php-fpm.pid'), 'utf8').trim();
      // this php-fpm daemonizes, so its reload forks a new master: the result names that one
      expect(run.stdout).toContain(`php-fpm forked a new master when it reloaded: ${master}`);
      expect(run.result).toMatchObject({ method: 'php-fpm-reload', reloaded: [`pid:${master}`] });
      expect(run.stdout).toContain(
        `Note: ${dir}/php-fpm.conf does not set process_control_timeout, so php-fpm ends the requests in flight when it reloads`,
      );
      expect(readFileSync(join(dir, 'php-fpm.log'), 'utf8')).toMatch(/NOTICE: reloading/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when no php-fpm runs', async () => {
    const run = await runDocument(opcache, {}, { wrap: inNamespace('true') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no php-fpm master process started by root runs on this instance/);
  });
});
