// A systemd host for CachePurge-FastCGI's reclaim, faked for the end-to-end tests: a `systemd-run`
// stand-in that records its arguments and starts the command as systemd starts a unit, and the command
// that runs the document in a private mount namespace whose /run says systemd runs the host.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A `systemd-run` in a new directory `name` below `root` (put it first on PATH): runs `before`, then
 * the command as systemd starts a unit — from /, a clean environment, a new session, none of the
 * caller's descriptors. `args()` reads the arguments it was given.
 */
export function systemdRunStandIn(root: string, name: string, before = '') {
  const bin = join(root, name);
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'systemd-run'),
    `#!/bin/bash
printf '%s\\0' "$@" >${bin}/args
${before}
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
cd /
setsid env -i "$@" </dev/null >/dev/null 2>&1 &
echo "Running as unit: stand-in"
`,
    { mode: 0o755 },
  );
  return { pathPrefix: [bin], args: () => readFileSync(join(bin, 'args'), 'utf8').split('\0') };
}

/** Runs the document in a private mount namespace with a tmpfs /run holding /run/systemd/system. */
export const PRIVATE_SYSTEMD_RUN = [
  'unshare',
  '--mount',
  '--propagation',
  'private',
  '--',
  'sh',
  '-c',
  'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec "$@"',
  'sh',
];
