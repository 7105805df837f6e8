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
          // Most of the suite's time is spent waiting (bundles spawned, servers answering, deadlines of
          // real seconds), not computing: three files at once on a 2-core machine (the default would be
          // cores − 1, so one at a time). The hooks that import a bundle get the tests' time limit.
          maxWorkers: 3,
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
