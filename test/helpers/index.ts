/**
 * The test world's entry for code that is not run by vitest: `npm run bench` (scripts/bench/*.mjs, plain
 * node) imports its compiled form, dist/test/helpers/index.js, built by `tsc -p bench/tsconfig.json` like
 * the attribution benchmark. Nothing reachable from here may import vitest.
 */
export { drain, daemonPid, processesOf, startDaemon, stopDaemons, alive } from './daemon.js';
export { callerEnv, isolatedEnv, ROOT, TRACE_BIN, type WorldDirs } from './env.js';
export { git, gitTry, runAsync, runTrace, sleep, sleepSync, until, waitUntilSync, type Run } from './proc.js';
export { RepoPool, TestRepo, type TestRepoOptions } from './repo.js';
