// The `wp` stand-in for the end-to-end tests of the WordPress documents: WP-CLI, WordPress and the plugins
// cannot be installed here, so an executable on PATH records each call (user, working directory, arguments)
// and answers like WP-CLI would. Writes it to a temp dir.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The `wp` stand-in: WP-CLI and the plugins cannot be installed here, so this executable records each call
 * (the user it ran as, its working directory and its arguments) and answers like WP-CLI would.
 * Behaviour: `hasRocket` makes `wp cli has-command "rocket clean"` succeed; `home` answers `option get home`;
 * `cacheType` answers `cache type` (default Redis); `fail` makes the flush commands exit 1.
 */
export function makeWpStandIn(
  options: { hasRocket?: boolean; home?: string; fail?: boolean; cacheType?: string } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'cpa-wp-'));
  chmodSync(dir, 0o755);
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  const wp = join(dir, 'wp');
  writeFileSync(
    wp,
    `#!/bin/bash
# wp stand-in for the end-to-end tests (not WP-CLI): records the call, answers like WP-CLI.
printf '%s\\t%s\\t%s\\n' "$(id -un)" "$PWD" "$*" >> ${log}
args=" $* "
case "$args" in
  *" cli has-command rocket clean "*) exit ${options.hasRocket ? 0 : 1} ;;
  *" option get home "*) ${options.home ? `echo ${options.home}; exit 0` : 'echo "Error: no database" >&2; exit 1'} ;;
  *" w3-total-cache flush all "*) ${options.fail ? 'echo "Error: W3 Total Cache is not active" >&2; exit 1' : 'echo "Success: Everything flushed successfully."; exit 0'} ;;
  *" cache type "*) echo ${options.cacheType ?? 'Redis'}; exit 0 ;;
  *" cache flush "*) ${options.fail ? 'echo "Error: Could not flush the cache." >&2; exit 1' : 'echo "Success: The cache was flushed."; exit 0'} ;;
  *" rocket clean --confirm "*) ${options.fail ? 'echo "Error: No cache files are cleared." >&2; exit 1' : 'echo "Success: WP Rocket cache cleared."; exit 0'} ;;
esac
echo "Error: the stand-in does not know: $*" >&2
exit 1
`,
    { mode: 0o755 },
  );
  return {
    dir,
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [user = '', cwd = '', args = ''] = line.split('\t');
          return { user, cwd, args };
        }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
