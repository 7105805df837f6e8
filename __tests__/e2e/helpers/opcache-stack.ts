// A real php-fpm with OPcache on and `opcache.validate_timestamps=0` (PHP never looks at changed files again)
// behind nginx on 127.0.0.1, every file in a temp dir, no systemd: the server CachePurge-OPcache reloads in
// the end-to-end tests. The page prints the version a PHP file it includes returns; `setVersion` rewrites
// that file, which the workers keep serving from OPcache until php-fpm reloads. `/slow` takes 1.5 s.
// php-fpm sets `process_control_timeout`, as docs/ssm-documents.md tells users to.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, nginxConfig, requireSystem, serverProcesses, WWW_USER } from './system.js';

export interface OpcacheStack {
  base: string;
  dir: string;
  /** php-fpm's pid file (its `pid` setting), as PhpFpmPidFile names it. */
  pidFile: string;
  accessLog: string;
  phpFpmLog: string;
  /** The master's process id, read from the pid file. */
  masterPid(): number;
  setVersion(version: string): void;
  get(path: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** php-fpm's configuration for the OPcache tests: `dir` holds its pid file, log and socket. */
export function phpFpmConfig(dir: string, processControlTimeout = '10s'): string {
  return [
    '[global]',
    `pid = ${dir}/php-fpm.pid`,
    `error_log = ${dir}/php-fpm.log`,
    `process_control_timeout = ${processControlTimeout}`,
    '[www]',
    `user = ${WWW_USER}`,
    `group = ${WWW_USER}`,
    `listen = ${dir}/php-fpm.sock`,
    `listen.owner = ${WWW_USER}`,
    `listen.group = ${WWW_USER}`,
    'listen.mode = 0660',
    'pm = static',
    'pm.max_children = 4',
    'php_admin_value[opcache.enable] = 1',
    'php_admin_value[opcache.validate_timestamps] = 0',
    // cache a file however recently it was written (the default skips files younger than 2 s)
    'php_admin_value[opcache.file_update_protection] = 0',
    '',
  ].join('\n');
}

export async function startOpcacheStack(): Promise<OpcacheStack> {
  const { nginx, phpFpm } = requireSystem();
  const dir = mkdtempSync(join(tmpdir(), 'cpa-opcache-'));
  chmodSync(dir, 0o755);
  const www = join(dir, 'www');
  mkdirSync(www);
  const versionFile = join(www, 'version.php');
  const setVersion = (version: string) => writeFileSync(versionFile, `<?php return '${version}';\n`);
  setVersion('v1');
  writeFileSync(
    join(www, 'index.php'),
    [
      '<?php',
      "if (str_starts_with($_SERVER['REQUEST_URI'], '/slow')) usleep(1500000);",
      "header('Content-Type: text/plain');",
      "echo 'version ', require __DIR__ . '/version.php', \"\\n\";",
      '',
    ].join('\n'),
  );
  const port = await freePort();
  writeFileSync(join(dir, 'php-fpm.conf'), phpFpmConfig(dir));
  const accessLog = join(dir, 'access.log');
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ dir, port, www, socket: join(dir, 'php-fpm.sock') }));
  const servers = serverProcesses(dir);
  const { start } = servers;
  // an absolute config path: a reload re-executes php-fpm with the same arguments
  start(phpFpm, ['--nodaemonize', '--fpm-config', join(dir, 'php-fpm.conf')]);
  start(nginx, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf')]);
  const base = `http://127.0.0.1:${port}`;
  const pidFile = join(dir, 'php-fpm.pid');
  const stack: OpcacheStack = {
    base,
    dir,
    pidFile,
    accessLog,
    phpFpmLog: join(dir, 'php-fpm.log'),
    masterPid: () => Number(readFileSync(pidFile, 'utf8').trim()),
    setVersion,
    async get(path) {
      const response = await fetch(base + path);
      return { status: response.status, body: await response.text() };
    },
    stop: servers.stop,
  };
  for (let i = 0; i < 100; i++) {
    if (servers.anyExited()) break;
    try {
      if (existsSync(pidFile) && (await stack.get('/')).status === 200) return stack;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stack.stop();
  throw new Error(`nginx + php-fpm did not start on ${base}:\n${servers.logs.join('')}`);
}
