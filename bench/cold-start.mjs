// Cold start of the bundled action: wall time and peak memory of `node dist/index.js` doing a full
// dry run of the example `portal` site, against bare `node -e 0`, over several runs. Runs the child
// exactly as the runner does (INPUT_* variables, GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Reports the child's peak resident memory on exit; loaded into both sides so the cost is equal.
const peakProbe = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nPEAK_RSS_KB='+process.resourceUsage().maxRSS+'\\n'))`;

function once(args, env, cwd) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', peakProbe, ...args], { env, cwd, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peak = Number(/PEAK_RSS_KB=(\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  return { ms, peak, status: child.status, stdout: child.stdout, stderr: child.stderr };
}

export function coldStart({ runs = 15 } = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'cache-purge-bench-'));
  try {
    mkdirSync(join(workspace, '.github'));
    copyFileSync(join(root, 'examples/cache-purge.yml'), join(workspace, '.github/cache-purge.yml'));
    const output = join(workspace, 'output');
    const summary = join(workspace, 'summary');
    const env = {
      PATH: process.env.PATH,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      INPUT_SITE: 'portal',
      'INPUT_DRY-RUN': 'true',
    };
    const action = [];
    const bare = [];
    for (let i = 0; i < runs + 2; i++) {
      writeFileSync(output, '');
      writeFileSync(summary, '');
      const a = once([join(root, 'dist/index.js')], env, workspace);
      if (a.status !== 0 || !readFileSync(output, 'utf8').includes('planned')) {
        throw new Error(`dry run failed (exit ${a.status}):\n${a.stdout}\n${a.stderr}`);
      }
      const b = once(['-e', '0'], env, workspace);
      if (i >= 2) {
        // the first two of each are warm-up
        action.push(a);
        bare.push(b);
      }
    }
    const actionMs = median(action.map((r) => r.ms));
    const bareMs = median(bare.map((r) => r.ms));
    const actionPeak = median(action.map((r) => r.peak));
    const barePeak = median(bare.map((r) => r.peak));
    return {
      runs,
      rows: [
        ['node -e 0 (bare)', bareMs.toFixed(1), '1.00×', barePeak.toFixed(1), ''],
        [
          'node dist/index.js, dry run of portal',
          actionMs.toFixed(1),
          `${(actionMs / bareMs).toFixed(2)}×`,
          actionPeak.toFixed(1),
          '≤ 3.5× bare, ≤ 74 MiB',
        ],
      ],
      ratio: actionMs / bareMs,
      peakMiB: actionPeak,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
