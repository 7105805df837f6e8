// Bundles every entry point with ncc into the given folder (default dist/): the action
// (dist/index.js) and the relay's adapters (dist/relay/lambda.js, dist/relay/server.js). Each bundle
// carries its third-party licences. Used by `npm run build` and by check-dist (into a temp folder).

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** source → bundle path inside the output folder. */
export const entries = [
  { source: 'src/index.ts', bundle: 'index.js', licenses: 'licenses.txt' },
  { source: 'src/relay/lambda.ts', bundle: 'relay/lambda.js', licenses: 'relay/lambda.licenses.txt' },
  { source: 'src/relay/server.ts', bundle: 'relay/server.js', licenses: 'relay/server.licenses.txt' },
];

export function bundle(outDir) {
  const out = resolve(root, outDir);
  rmSync(out, { recursive: true, force: true });
  for (const entry of entries) {
    if (!existsSync(join(root, entry.source))) {
      throw new Error(
        `${entry.source} is missing: it is the source of ${entry.bundle} (scripts/bundle.mjs entries)`,
      );
    }
    const work = mkdtempSync(join(tmpdir(), 'ncc-'));
    try {
      execFileSync(
        process.execPath,
        [
          join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'),
          'build',
          entry.source,
          '-o',
          work,
          '--license',
          'licenses.txt',
          '--quiet',
        ],
        { cwd: root, stdio: 'inherit' },
      );
      const target = join(out, entry.bundle);
      const targetDir = dirname(target);
      mkdirSync(targetDir, { recursive: true });
      for (const file of readdirSync(work)) {
        const from = join(work, file);
        if (file === 'index.js') renameSync(from, target);
        else if (file === 'licenses.txt') renameSync(from, join(out, entry.licenses));
        else copyFileSync(from, join(targetDir, file)); // package.json ({"type":"module"}) and lazy chunks
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  dropSourceMapComments(out);
  return out;
}

/**
 * Dependencies' `//# sourceMappingURL=index.js.map` comments end up inside the bundles, pointing at
 * maps that are not shipped (test runners then log "Failed to load source map"). They are removed.
 */
function dropSourceMapComments(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) dropSourceMapComments(path);
    else if (entry.name.endsWith('.js')) {
      const code = readFileSync(path, 'utf8');
      const cleaned = code.replace(/^\/\/# sourceMappingURL=\S+\n?/gm, '');
      if (cleaned !== code) writeFileSync(path, cleaned);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = bundle(process.argv[2] ?? 'dist');
  console.log(`bundled into ${out}`);
}
