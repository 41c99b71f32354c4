import { randomUUID } from 'node:crypto';
import { connect, type DaemonClient } from '../client/client.js';
import { TraceError } from '../errors.js';
import type { RunPayload } from '../agents/generic/adapter.js';
import { markAiPending } from '../capture/markers.js';
import { gitDirs, repoTop } from '../git/run.js';
import { tracePaths } from '../paths.js';
import { endLikeChild, runChild, type ChildExit } from '../run/child.js';
import { writeRunEvent } from '../run/spool-event.js';
import type { Command } from './context.js';
import { usage } from './usage.js';

const FORM = 'trace run [--agent NAME] -- <command> [args…]';
const AGENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `--agent NAME` and the command after `--` (or after the first word that is not an option). */
export function parseRunArgs(args: string[]): { agent: string; argv: string[] } {
  let agent = 'generic';
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '--agent' || a.startsWith('--agent=')) {
      const v = a === '--agent' ? args[++i] : a.slice('--agent='.length);
      if (!v || !AGENT_NAME.test(v)) throw new TraceError('USAGE', `--agent wants a name of lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(v ?? '')}); ${FORM}`);
      agent = v;
      continue;
    }
    if (a.startsWith('-')) throw usage(FORM);
    break;
  }
  const argv = args.slice(i);
  if (argv.length === 0 || !argv[0]) throw usage(FORM);
  return { agent, argv };
}

/**
 * `trace run`: one generic session around any command. The daemon watches the work tree from before the
 * command starts (files already dirty stay the human's) until it ends; every change in between is the
 * session's, commits made meanwhile or later name it; the command's status (or signal) is passed through.
 * Tracing never stands in the command's way: without a repository or a daemon it runs untraced, with a warning.
 */
export const run: Command = async (args, ctx) => {
  const { agent, argv } = parseRunArgs(args);
  const env: NodeJS.ProcessEnv = { ...ctx.env };
  const warn = (msg: string): void => ctx.stderr(`trace run: ${msg}\n`);
  let session: { client: DaemonClient; id: string; base: Omit<RunPayload, 'hook_event_name' | 'timestamp'> } | null = null;
  const paths = tracePaths(ctx.env);
  if (ctx.env.TRACE !== '0') {
    const top = await repoTop(ctx.cwd);
    if (!top) warn('not in a git work tree: the command runs untraced');
    else {
      try {
        const client = await connect(paths, { start: true });
        if (!client) throw new Error('no daemon');
        const id = randomUUID();
        const base = { session_id: id, agent_name: agent, cwd: ctx.cwd };
        writeRunEvent(paths, { ...base, hook_event_name: 'RunStart', timestamp: new Date().toISOString() });
        // the daemon has applied it once the drain returns: the work tree is watched before the command starts
        await client.call('POST', '/v1/drain');
        session = { client, id, base };
        // commits made while the command runs ask the daemon, which hands them what the command changed so far
        markAiPending((await gitDirs(top))?.commonDir ?? null);
        env.TRACE_SESSION_ID = id;
      } catch (err) {
        warn(`the daemon is unavailable (${(err as Error).message}): the command runs untraced`);
      }
    }
  }
  let exit: ChildExit;
  try {
    exit = await runChild(argv, { cwd: ctx.cwd, env });
  } catch (err) {
    exit = { code: (err as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT' ? 127 : 126, signal: null };
    warn((err as Error).message);
  }
  if (session) {
    try {
      writeRunEvent(paths, { ...session.base, hook_event_name: 'RunEnd', timestamp: new Date().toISOString(), exit_code: exit.code, signal: exit.signal });
      await session.client.call('POST', '/v1/drain');
    } catch (err) {
      warn(`session ${session.id}: the end was not recorded yet (${(err as Error).message}); the daemon applies it when it runs`);
    } finally {
      await session.client.close();
    }
  }
  return endLikeChild(exit);
};
