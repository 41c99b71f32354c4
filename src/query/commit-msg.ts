import fs from 'node:fs';
import path from 'node:path';
import { messageSources } from '../capture/picks.js';
import type { Recorder } from '../capture/recorder.js';
import { emptyTree } from '../git/diff.js';
import { headCommit } from '../git/head.js';
import { hookLog } from '../git/hook-log.js';
import { git } from '../git/run.js';
import { addSessionsTrailer, hasSessionsLine } from '../git/trailer.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../protocol/types.js';

/** What the commit hook knows of the commit being made. */
export interface CommitInProgress {
  /** The message file: a revert or `cherry-pick -x` message names where its lines come from. */
  messageFile?: string;
  /** `git commit --amend`: the commit replaces HEAD, so its changes are counted from HEAD's parent. */
  amend?: boolean;
}

/** Sessions whose agent lines (added or removed) are in the changes being committed. */
export async function sessionsInIndex(rec: Recorder, repo: string, indexFile?: string, commit: CommitInProgress = {}): Promise<string[]> {
  const head = commit.amend
    ? (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^'], { allowFailure: true })).trim()
    : await headCommit(repo);
  let message = '';
  try {
    if (commit.messageFile) message = fs.readFileSync(commit.messageFile, 'utf8');
  } catch {
    /* no message yet */
  }
  const extra = message ? messageSources(rec, repo, message) : undefined;
  const r = await rec.attributor.attributeDiff(repo, head || (await emptyTree(repo)), { index: true, indexFile }, { extra });
  return r.sessions;
}

/**
 * Whether the hook runs for `git commit --amend`, from the command line of the git process the shim
 * runs under (a message given anew with -m/-F drops the old trailer; HEAD's lines must be counted).
 */
export function isAmend(gitCommand?: string): boolean {
  return (gitCommand ?? '').trim().split(/\s+/).includes('--amend');
}

/**
 * The commit hooks' question, asked over the socket or through the spool: the sessions in what is being
 * committed; with a message file, also named in its trailer (also when no session is new: a squashed
 * message may repeat the trailer, which is merged). Relative paths are the work tree's, as git gives them.
 * `named` is what the trailer names. With `leaveSimpleTrailer`, a message without any line of ours is
 * left as it is and `trailer` says what the caller adds with `git interpret-trailers` (the shim starts
 * git faster than the daemon does).
 */
export async function answerCommitMsg(
  rec: Recorder, req: CommitMsgRequest, opts: { leaveSimpleTrailer?: boolean } = {},
): Promise<CommitMsgResponse & { named: string[]; trailer?: string }> {
  const { repo } = req;
  const indexFile = req.indexFile ? path.resolve(repo, req.indexFile) : undefined;
  const messageFile = req.messageFile ? path.resolve(repo, req.messageFile) : undefined;
  const sessions = await sessionsInIndex(rec, repo, indexFile, { messageFile, amend: isAmend(req.gitCommand) });
  if (!messageFile) return { sessions, named: [] };
  const log = async (ids: string[]) => hookLog(repo, `git commit-msg trailer ${ids.join(',')}`, await rec.repos.gitDir(repo));
  if (opts.leaveSimpleTrailer && sessions.length && sessions.every((s) => /^[\w.:@+-]+$/.test(s)) && !hasSessionsLine(messageFile)) {
    await log(sessions);
    return { sessions, named: sessions, trailer: sessions.join(', ') };
  }
  const named = await addSessionsTrailer(repo, messageFile, sessions);
  if (named.length) await log(named);
  return { sessions, named };
}
