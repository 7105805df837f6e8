// Two suites: `unit` (npm test: everything that needs only Node) and `e2e` (npm run test:e2e: real
// nginx + php-fpm, installed by .ci/run).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/**/*.test.ts'],
          exclude: ['__tests__/e2e/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Much of the suite's time is spent waiting (bundles spawned, servers answering, deadlines of
          // real seconds, the AWS SDK's own retry backoff), not computing: three files at once even on
          // a 2-core machine (the default is cores − 1, so one at a time there). Measured on the 2-core
          // machine, busy with other work, three runs each: 2 workers 145/100/95 s, 3 workers
          // 94/80/81 s, every timed test passing; pool 'threads' was slower (190/161 s) and failed
          // in-process deadline tests. Hooks that import a bundle get 30 s too.
          maxWorkers: 3,
          // One module cache per worker instead of one per file: the suite imports the same modules in
          // ~95 files, and that import was a third of its CPU (2 cores). Measured on the 2-core machine:
          // isolated 88/90/92 s, not isolated 70/62/65 s (95 files, 1,330 tests, 3 workers, 4 workers
          // slower: 102/99 s isolated). A file must leave the worker as it found it: helpers/no-leaks.ts
          // fails one that leaves process.env, fake timers or the cwd changed.
          isolate: false,
          setupFiles: ['__tests__/helpers/no-leaks.ts'],
          // The committed bundles (dist/) are loaded by Node itself, as a runner or a Lambda loads them,
          // not transformed by Vite first (seconds of CPU for a 1 MB bundle, per test file).
          server: { deps: { external: [/\/dist\/.*\.js$/] } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
