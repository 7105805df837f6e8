// Real servers and real directories for the end-to-end tests of the SSM documents: an nginx with a
// fastcgi_cache in front of php-fpm on 127.0.0.1 (configs in a temp dir, no systemd), scratch directories
// under the documents' allow-listed roots (/var/cache/nginx, /var/www, /srv/www) and a canary tree outside
// them (the `wp` stand-in is in wp-stand-in.ts). Fails loudly — never skips — when a system package is missing.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const INSTALL_HINT =
  'run `.ci/install-system-packages` as root first (it installs nginx, php-fpm, sudo and wrk from Debian)';

export function findPhpFpm(): string | undefined {
  const sbin = existsSync('/usr/sbin') ? readdirSync('/usr/sbin') : [];
  const name = sbin
    .filter((f) => /^php-fpm[0-9.]*$/.test(f))
    .sort()
    .pop();
  return name ? join('/usr/sbin', name) : undefined;
}

/** Throws one error naming everything missing; the e2e suite calls it in beforeAll. */
export function requireSystem(): { nginx: string; phpFpm: string } {
  const missing: string[] = [];
  const nginx = ['/usr/sbin/nginx'].find(existsSync);
  const phpFpm = findPhpFpm();
  if (!nginx) missing.push('nginx');
  if (!phpFpm) missing.push('php-fpm');
  for (const tool of ['sudo', 'wrk'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
  if (missing.length) throw new Error(`The end-to-end tests need ${missing.join(', ')}: ${INSTALL_HINT}.`);
  if (process.getuid?.() !== 0)
    throw new Error(
      'The end-to-end tests run the SSM documents as SSM Agent does, as root: run them as root (CI does).',
    );
  return { nginx: nginx!, phpFpm: phpFpm! };
}

export const WWW_USER = 'www-data';
export const wwwIds = () => {
  const id = (flag: string) => Number(spawnSync('id', [flag, WWW_USER], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
};

/** A fresh directory (mode 0755) directly below `root`, created with its parents; owned by root unless `owner`. */
export function scratchDir(root: string, prefix: string, owner?: { uid: number; gid: number }): string {
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `${prefix}-`));
  chmodSync(dir, 0o755);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/**
 * Creates `files` files spread over a levels=1:2 layout below `dir`; returns the bytes written. With `owner`,
 * the level directories and files belong to it, as nginx's workers would have written them.
 */
export function fillCacheLayout(dir: string, files: number, owner?: { uid: number; gid: number }): number {
  let bytes = 0;
  const made = new Set<string>();
  for (let i = 0; i < files; i++) {
    const name = createHash('md5').update(`httpGET127.0.0.1/generated/${i}`).digest('hex');
    const sub = join(dir, name.slice(-1), name.slice(-3, -1));
    if (!made.has(sub)) {
      mkdirSync(sub, { recursive: true });
      made.add(sub);
      if (owner) for (const d of [join(sub, '..'), sub]) chownSync(d, owner.uid, owner.gid);
    }
    const body = `KEY: httpGET127.0.0.1/generated/${i}\n${'x'.repeat(100 + (i % 400))}`;
    writeFileSync(join(sub, name), body);
    bytes += Buffer.byteLength(body);
    if (owner) chownSync(join(sub, name), owner.uid, owner.gid);
  }
  return bytes;
}

/** Every path below `dir` (files and directories), sorted; [] for an empty directory. */
export function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** A canary tree outside every allow-listed root; `intact()` says whether it is still exactly as made. */
export function makeCanary(): { dir: string; intact: () => boolean; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cpa-canary-'));
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'keep.txt'), 'canary');
  writeFileSync(join(dir, 'sub', 'keep.txt'), 'canary');
  const snapshot = listTree(dir).join('\n');
  return {
    dir,
    intact: () => existsSync(dir) && listTree(dir).join('\n') === snapshot,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface FastCgiStack {
  base: string;
  cacheDir: string;
  dir: string;
  accessLog: string;
  get(path: string): Promise<{ status: number; cacheStatus: string | null; body: string }>;
  stop(): Promise<void>;
}

/**
 * Starts php-fpm (pool as www-data on a unix socket) and nginx (master as root, workers as www-data) with
 * `fastcgi_cache_path <cacheDir> levels=1:2` on 127.0.0.1, every file in a temp dir.
 */
export async function startFastCgiStack(cacheDir: string): Promise<FastCgiStack> {
  const { nginx, phpFpm } = requireSystem();
  const dir = mkdtempSync(join(tmpdir(), 'cpa-nginx-'));
  chmodSync(dir, 0o755);
  const www = join(dir, 'www');
  mkdirSync(www);
  writeFileSync(
    join(www, 'index.php'),
    [
      '<?php',
      // the generation time docs/verify.md shows how to add (nginx caches it with the page), and two
      // faults for the verify tests: /boom answers 500, /slow takes 3 s, /nocache forbids caching
      "header('X-Generated-At: ' . sprintf('%.3F', microtime(true)));",
      "if (str_starts_with($_SERVER['REQUEST_URI'], '/boom')) { http_response_code(500); echo 'fatal'; exit; }",
      "if (str_starts_with($_SERVER['REQUEST_URI'], '/slow')) sleep(3);",
      "if (str_starts_with($_SERVER['REQUEST_URI'], '/nocache')) header('Cache-Control: no-cache, must-revalidate, max-age=0');",
      "header('Content-Type: text/html');",
      `echo "<p>page ", htmlspecialchars($_SERVER['REQUEST_URI']), " rendered at ", microtime(true), "</p>\\n";`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const socket = join(dir, 'php-fpm.sock');
  writeFileSync(
    join(dir, 'php-fpm.conf'),
    [
      '[global]',
      `pid = ${dir}/php-fpm.pid`,
      `error_log = ${dir}/php-fpm.log`,
      'daemonize = no',
      '[www]',
      `user = ${WWW_USER}`,
      `group = ${WWW_USER}`,
      `listen = ${socket}`,
      `listen.owner = ${WWW_USER}`,
      `listen.group = ${WWW_USER}`,
      'listen.mode = 0660',
      'pm = static',
      'pm.max_children = 4',
      '',
    ].join('\n'),
  );
  const accessLog = join(dir, 'access.log');
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ dir, port, www, socket, cachePath: cacheDir }));
  const servers = serverProcesses(dir);
  const { start } = servers;
  start(phpFpm, ['--nodaemonize', '--fpm-config', join(dir, 'php-fpm.conf')]);
  start(nginx, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')]);
  const base = `http://127.0.0.1:${port}`;
  const stack: FastCgiStack = {
    base,
    cacheDir,
    dir,
    accessLog,
    async get(path) {
      const response = await fetch(base + path);
      return {
        status: response.status,
        cacheStatus: response.headers.get('x-cache-status'),
        body: await response.text(),
      };
    },
    stop: servers.stop,
  };
  for (let i = 0; i < 100; i++) {
    if (servers.anyExited()) break;
    try {
      // nginx answers /__ready itself; php-fpm is ready once its socket exists (it binds before serving)
      const r = await stack.get('/__ready');
      if (r.status === 200 && existsSync(socket)) return stack;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stack.stop();
  throw new Error(`nginx + php-fpm did not start on ${base}:\n${servers.logs.join('')}`);
}

/**
 * nginx's configuration for an end-to-end stack: on 127.0.0.1:`port`, every request to `www`/index.php
 * through php-fpm on `socket`, its files in `dir`; nginx answers /__ready itself. With `cachePath`, a
 * fastcgi_cache there (levels=1:2) and an X-Cache-Status header. The access log has status, cache status
 * ("-" without a cache) and URI.
 */
export function nginxConfig(o: {
  dir: string;
  port: number;
  www: string;
  socket: string;
  cachePath?: string;
}): string {
  const cache = o.cachePath
    ? {
        path: `\n  fastcgi_cache_path ${o.cachePath} levels=1:2 keys_zone=e2e:10m max_size=2g inactive=60m use_temp_path=off;`,
        location: `
      fastcgi_cache e2e;
      fastcgi_cache_key "$scheme$request_method$host$request_uri";
      fastcgi_cache_valid 200 60m;
      add_header X-Cache-Status $upstream_cache_status always;`,
      }
    : { path: '', location: '' };
  return `daemon off;
worker_processes 2;
user ${WWW_USER};
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format e2e '$status $upstream_cache_status $request_uri';
  access_log ${o.dir}/access.log e2e;
  client_body_temp_path ${o.dir}/client_body;
  fastcgi_temp_path ${o.dir}/fastcgi_temp;
  proxy_temp_path ${o.dir}/proxy_temp;
  uwsgi_temp_path ${o.dir}/uwsgi_temp;
  scgi_temp_path ${o.dir}/scgi_temp;${cache.path}
  server {
    listen 127.0.0.1:${o.port};
    location = /__ready { return 200 "ready\\n"; }
    location / {
      include /etc/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME ${o.www}/index.php;
      fastcgi_pass unix:${o.socket};${cache.location}
    }
  }
}
`;
}

/**
 * The server processes of an end-to-end stack: `start` spawns one, keeping its output for the error when
 * the stack does not come up; `stop` ends them (SIGTERM, at most 5 s each, last started first) and
 * removes `dir`.
 */
export function serverProcesses(dir: string) {
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  return {
    logs,
    start(cmd: string, args: string[]): ChildProcess {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (c: Buffer) => logs.push(c.toString()));
      child.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
      children.push(child);
      return child;
    },
    anyExited: () => children.some((c) => c.exitCode !== null),
    async stop(): Promise<void> {
      for (const child of [...children].reverse()) {
        if (child.exitCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(5000)]);
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
