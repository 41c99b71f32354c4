import path from 'node:path';
import { connect } from '../client/client.js';
import { commitWaitMs } from '../capture/commit-answer.js';
import { writeShimSettings } from '../config/shim-settings.js';
import { hookLog } from '../git/hook-log.js';
import { locateRepo } from '../git/hooks-install.js';
import { tracePaths } from '../paths.js';
import type { CommitMsgResponse } from '../protocol/types.js';
import type { CliContext, Command } from './context.js';
import { prePush } from './pre-push.js';
import { usage } from './usage.js';

export { hookLog };

async function commitMsg(args: string[], ctx: CliContext): Promise<number> {
  const file = args[0];
  if (!file) throw usage('trace hook commit-msg <message-file>');
  const repo = ctx.cwd;
  const indexFile = ctx.env.GIT_INDEX_FILE ? path.resolve(repo, ctx.env.GIT_INDEX_FILE) : undefined;
  try {
    const client = await connect(tracePaths(ctx.env));
    try {
      const { sessions } = await client!.call<CommitMsgResponse>('POST', '/v1/hooks/commit-msg', {
        repo,
        indexFile,
        messageFile: path.resolve(repo, file),
        gitCommand: ctx.env.TRACE_GIT_COMMAND,
        waitMs: commitWaitMs(ctx.env),
      });
      if (!sessions.length) await hookLog(repo, 'git commit-msg no-sessions');
    } finally {
      await client?.close();
    }
  } catch (err) {
    await hookLog(repo, `git commit-msg error ${(err as Error).message.replace(/\s+/g, ' ')}`);
    // state that is not the user's own: say so where the user looks, the commit still goes through
    if ((err as { code?: string }).code === 'STATE_NOT_OWNED') ctx.stderr(`ai-trace: ${(err as Error).message} (this commit gets no trailer)\n`);
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
