// The stack's roots as the documents check them again on the instance (#15): the checks stack_roots
// makes before it looks at the filesystem refuse exactly what the stack's ROOT_RULE refuses, and a
// refused root stops the document (exit 2) naming the setting. The filesystem part (real paths, links)
// is in __tests__/e2e/stack-roots.test.ts.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { loadDocument } from './helpers/ssm-document-runner.js';
import { ROOT_RULE } from '../src/shared/stack-roots.js';

const script = loadDocument('CachePurge-FastCGI').mainSteps[0]!.inputs.runCommand.join('\n');
/** The text of a "# --- shared: TITLE" block of the script, up to its end marker. */
function sharedBlock(title: string): string {
  const start = script.indexOf(`# --- shared: ${title}`);
  expect(start, title).toBeGreaterThan(-1);
  return script.slice(start, script.indexOf(`# --- end shared: ${title}`));
}

describe('the stack roots, checked again on the instance', () => {
  const block = sharedBlock('stack roots');
  const candidates = [
    '/var/cache/nginx',
    '/opt/bitnami/wordpress',
    '/home',
    '/var/run/nginx-cache',
    '/dev/shm/nginx-cache',
    '/devices',
    '/etcetera',
    '/rootfs',
    '/a/b/c/d/e/f',
    '/',
    '/dev',
    '/dev/shm',
    '/dev/sda1',
    '/etc',
    '/etc/nginx',
    '/proc/1',
    '/sys/fs',
    '/usr/share/nginx',
    '/boot/x',
    '/bin',
    '/sbin/x',
    '/lib',
    '/lib64/x',
    '/root',
    '/root/site',
    'var/www',
    '/var/www/',
    '/var/./www',
    '/var/../etc',
    '/a.b',
    '/a/b/c/d/e/f/g',
    '/var/www /etc',
    '/var/$(id)',
  ];
  it('a root is refused on the instance exactly when the stack would refuse it (ROOT_RULE)', () => {
    // the checks stack_roots makes before it looks at the filesystem: the format and system_directory
    const verdicts = spawnSync(
      'bash',
      [
        '-c',
        `${block}\nfor r in "$@"; do if [[ $r =~ ^(/[A-Za-z0-9_][A-Za-z0-9_-]{0,99}){1,6}$ ]] && ! system_directory "$r"; then echo ok; else echo refused; fi; done`,
        'x',
        ...candidates,
      ],
      { encoding: 'utf8' },
    )
      .stdout.trim()
      .split('\n');
    expect(verdicts).toEqual(candidates.map((root) => (ROOT_RULE.test(root) ? 'ok' : 'refused')));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(9);
  });
  it('stack_roots refuses a root the stack would refuse, naming the setting (exit 2)', () => {
    const run = spawnSync(
      'bash',
      [
        '-c',
        `DOCUMENT=CachePurge-FastCGI\n${sharedBlock('parameter checks')}\n${block}\nstack_roots CacheRoots /var/cache/nginx /etc/nginx`,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "CachePurge-FastCGI: refused: this document's CacheRoots holds /etc/nginx, which is not a root the stack accepts",
    );
  });
});
