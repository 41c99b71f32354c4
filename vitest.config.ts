import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // end-to-end files mostly wait on child processes (git, the CLI, the daemon): one file per core,
    // not vitest's default of cores - 1 (a single worker on a 2-core machine)
    maxWorkers: Math.max(2, os.availableParallelism()),
    globalSetup: ['test/global-setup.ts'],
  },
});
