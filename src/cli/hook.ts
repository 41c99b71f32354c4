import path from 'node:path';
import { connect } from '../client/client.js';
import { commitWaitMs } from '../capture/commit-answer.js';
import { writeShimSettings } from '../config/shim-settings.js';
import { hookLog } from '../git/hook-log.js';
import { locateRepo } from '../git/hooks-install.js';
import { tracePaths } from '../paths.js';
import type { CommitMsgResponse } from '../protocol/types.js';
import { spoolCounts } from '../query/status.js';
import type { CliContext, Command } from './context.js';
import { prePush } from './pre-push.js';
import { usage } from './usage.js';

export { hookLog };

/** How much longer than the commit's bound the hook waits for the daemon's reply (its own answer comes within the bound). */
const REPLY_GRACE_MS = 5_000;

async function commitMsg(args: string[], ctx: CliContext): Promise<number> {
  const file = args[0];
  if (!file) throw usage('trace hook commit-msg <message-file>');
  const repo = ctx.cwd;
  const indexFile = ctx.env.GIT_INDEX_FILE ? path.resolve(repo, ctx.env.GIT_INDEX_FILE) : undefined;
  const waitMs = commitWaitMs(ctx.env);
  const paths = tracePaths(ctx.env);
  const t0 = Date.now();
  let unanswered: number | undefined;
  try {
    const client = await connect(paths);
    try {
      const reply = await client!.call<CommitMsgResponse>(
        'POST',
        '/v1/hooks/commit-msg',
        { repo, indexFile, messageFile: path.resolve(repo, file), gitCommand: ctx.env.TRACE_GIT_COMMAND, waitMs },
        waitMs + REPLY_GRACE_MS,
      );
      unanswered = reply.unanswered;
      if (unanswered === undefined && !reply.sessions.length) await hookLog(repo, 'git commit-msg no-sessions');
    } finally {
      await client?.close();
    }
  } catch (err) {
    // a daemon that took the question but gave no reply within the bound (too busy to): as the daemon's own timeout
    if ((err as { code?: string }).code === 'DAEMON_UNAVAILABLE' && Date.now() - t0 >= waitMs) unanswered = spoolCounts(paths).waiting;
    else {
      await hookLog(repo, `git commit-msg error ${(err as Error).message.replace(/\s+/g, ' ')}`);
      // state that is not the user's own: say so where the user looks, the commit still goes through
      if ((err as { code?: string }).code === 'STATE_NOT_OWNED') ctx.stderr(`ai-trace: ${(err as Error).message} (this commit gets no trailer)\n`);
    }
  }
  if (unanswered !== undefined) {
    // worded as the shim's own wait; stdout tells the hook, whose post-commit has the commit recorded as unanswered
    await hookLog(repo, `git commit-msg no answer within ${waitMs / 1000} s (${unanswered} events queued): committed without the trailer, its sessions are attested at push`);
    ctx.stdout(`timeout:${unanswered}\n`);
  }
  return 0;
}

/** `trace hook settings`: the git hook found its settings file stale; written anew from the configs. Exit 1 when it could not be. */
async function settings(ctx: CliContext): Promise<number> {
  try {
    const repo = await locateRepo(ctx.cwd, ctx.env);
    writeShimSettings(repo.top, repo.commonDir, tracePaths(ctx.env).home);
    return 0;
  } catch (err) {
    await hookLog(ctx.cwd, `git settings error ${(err as Error).message.replace(/\s+/g, ' ')}`);
    return 1;
  }
}

/** `trace hook <git-hook> …`: what the managed git hooks call when there is work to do. Never fails git. */
export const hook: Command = async (args, ctx) => {
  const [name, ...rest] = args;
  switch (name) {
    case 'commit-msg':
      return commitMsg(rest, ctx);
    case 'pre-push':
      return prePush(rest, ctx);
    case 'settings':
      return settings(ctx);
    default:
      throw usage('trace hook commit-msg <file> | pre-push <remote> <url> | settings');
  }
};
