/**
 * The environments the test world runs processes in (tests, `npm run bench`, `npm run bench:attribution`):
 * nothing of the developer's git config, trace state or agent session leaks in.
 */
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** The repository under test (holds bin/, dist/, shims/), from test/helpers/ or its compiled dist/test/helpers/. */
export const ROOT = packageRoot;
export const TRACE_BIN = path.join(ROOT, 'bin', 'trace.js');

/** Variables a caller (a git hook, an agent session, a traced shell) may have set that must not leak in. */
const LEAKY = /^(GIT_|CLAUDE|TRACE($|_)|XDG_STATE_HOME$|XDG_CONFIG_HOME$)/;

/** The caller's environment less what a git hook, an agent session or a traced shell may have set. */
export function callerEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !LEAKY.test(k)));
}

/** Where a world's processes live: HOME, TRACE_HOME and (optionally) TMPDIR. */
export interface WorldDirs {
  home: string;
  traceHome: string;
  tmp?: string;
}

/**
 * A minimal environment (PATH and what is set here): no git config but the repository's own, git's
 * identity fixed, HOME, TRACE_HOME and TMPDIR the world's.
 */
export function isolatedEnv(dirs: WorldDirs, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dirs.home,
    TRACE_HOME: dirs.traceHome,
    ...(dirs.tmp ? { TMPDIR: dirs.tmp } : {}),
    LANG: 'C',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Human',
    GIT_AUTHOR_EMAIL: 'human@example.com',
    GIT_COMMITTER_NAME: 'Test Human',
    GIT_COMMITTER_EMAIL: 'human@example.com',
    ...extra,
  };
}
