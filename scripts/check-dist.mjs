// `npm run check-dist`: rebuilds every bundle into a temp folder and fails, showing the difference,
// when the committed dist/ is not exactly a fresh build of src/.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fresh = join(mkdtempSync(join(tmpdir(), 'check-dist-')), 'dist');
try {
  bundle(fresh);
  const diff = spawnSync('git', ['diff', '--no-index', '--stat', '--exit-code', join(root, 'dist'), fresh], {
    encoding: 'utf8',
  });
  if (diff.status === 0) {
    console.log('dist/ is up to date with src/.');
  } else {
    console.error(
      'dist/ is stale: it differs from a fresh build of src/. Run `npm run build` and commit dist/.\n',
    );
    console.error(diff.stdout);
    const detail = spawnSync('git', ['diff', '--no-index', '--no-color', join(root, 'dist'), fresh], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    console.error(detail.stdout.slice(0, 4000));
    process.exitCode = 1;
  }
} finally {
  rmSync(dirname(fresh), { recursive: true, force: true });
}
