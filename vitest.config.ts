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
          // real seconds), not computing: two files at once even on a 2-core machine (the default is
          // cores − 1, so one at a time there). Three were no faster on a busy 2-core machine and put
          // the tests that time a 2 s deadline at more risk. Hooks that import a bundle get 30 s too.
          maxWorkers: 2,
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
