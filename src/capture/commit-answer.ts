// The commit hooks' question and its answer, in one place: which sessions the staged changes carry, the
// trailer added to the message file, and the answer to a hook waiting on its FIFO.
import fs from 'node:fs';
import path from 'node:path';
import type { CommitAttributor } from '../attribution/commit.js';
import { messageSources } from '../attribution/rewrites/pick-revert.js';
import { emptyTree } from '../git/diff.js';
import { headCommit } from '../git/head.js';
import { hookLog } from '../git/hook-log.js';
import { git } from '../git/run.js';
import { addSessionsTrailer, hasSessionsLine } from '../git/trailer.js';
import { repoStatePaths } from '../paths.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../protocol/types.js';
import type { GitSpoolEvent, SpoolEntry } from '../spool/spool.js';
import type { CommitStore } from '../store/commits.js';
import type { RepoCache } from './repo-cache.js';

/** What answering the commit hooks reads: recorded commits and provenance, and where a repository's git dir is. */
export interface CommitAnswerDeps {
  commits: CommitStore;
  attributor: CommitAttributor;
  repos: RepoCache;
}

/** What the commit hook knows of the commit being made. */
export interface CommitInProgress {
  /** The message file: a revert or `cherry-pick -x` message names where its lines come from. */
  messageFile?: string;
  /** `git commit --amend`: the commit replaces HEAD, so its changes are counted from HEAD's parent. */
  amend?: boolean;
}

/** Sessions whose agent lines (added or removed) are in the changes being committed. */
export async function sessionsInIndex(rec: CommitAnswerDeps, repo: string, indexFile?: string, commit: CommitInProgress = {}): Promise<string[]> {
  const head = await indexBase(repo, commit.amend);
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

/** What the index is committed against: HEAD, or HEAD's parent for an amend ('' before the first commit). */
export async function indexBase(repo: string, amend?: boolean): Promise<string> {
  return amend ? (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^'], { allowFailure: true })).trim() : await headCommit(repo);
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
  rec: CommitAnswerDeps, req: CommitMsgRequest, opts: { leaveSimpleTrailer?: boolean } = {},
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

/** The longest a commit waits for the daemon's answer by default (the shim's watchdog has the same). */
export const COMMIT_WAIT_S = 10;

/** The commit's bound in ms: TRACE_COMMIT_WAIT seconds (of the git process's environment), default 10. */
export function commitWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.TRACE_COMMIT_WAIT;
  return (v && /^\d+$/.test(v) ? Number(v) : COMMIT_WAIT_S) * 1000;
}

/** The git hooks that may leave a question in the spool, waiting on a FIFO for the answer. */
export const COMMIT_REQUEST_HOOKS: ReadonlySet<string> = new Set(['prepare-commit-msg', 'commit-msg']);

/**
 * Answers a commit hook that asked through the spool (it starts no curl: that alone costs more than
 * the rest of the hook). Its `arg key=value` lines: `msg` (the message file), `index` (GIT_INDEX_FILE),
 * `ppid` (the git process, whose command line says `--amend`) or `cmd` (that command line, where there
 * is no /proc), and `reply` (the hook's FIFO, in its repository's chainloop-trace folder). The answer
 * on the FIFO is `<spool key> ok` (the message names its sessions as it should), `none` (no session
 * to name), `trailer <ids>` (the hook adds that trailer to a message that has none of ours), or
 * `error` / `gone` when there is nothing to wait for.
 */
export async function answerCommitRequest(rec: CommitAnswerDeps, ev: GitSpoolEvent, entry: SpoolEntry): Promise<string> {
  const q = questionArgs(ev);
  const ours = q.reply && ev.gitdir && path.dirname(path.resolve(q.reply)) === repoStatePaths(ev.gitdir).dir;
  let answer = 'error';
  try {
    if (q.gitCommand === undefined) {
      answer = 'gone';
      return 'the git process has ended: not answered';
    }
    // a hook that gave up waiting withdrew its question: its commit went on without this answer
    if (!fs.existsSync(entry.file)) {
      answer = 'gone';
      return 'withdrawn by the hook: not answered';
    }
    const { named, trailer } = await answerCommitMsg(
      rec,
      { repo: ev.repo, messageFile: q.messageFile, indexFile: q.indexFile, gitCommand: q.gitCommand },
      { leaveSimpleTrailer: true },
    );
    answer = trailer ? `trailer ${trailer}` : named.length ? 'ok' : 'none';
    return named.length ? `trailer: ${named.join(', ')}` : 'no session';
  } finally {
    if (ours) replyOnFifo(q.reply, `${entry.key} ${answer}\n`);
  }
}

/**
 * A spool question's `arg key=value` lines; `gitCommand` is undefined when the git process named by
 * `ppid` has ended (nobody waits for the answer).
 */
export function questionArgs(ev: GitSpoolEvent): { reply: string; messageFile?: string; indexFile?: string; gitCommand?: string } {
  const arg = (k: string): string => ev.args.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1) ?? '';
  const out = { reply: arg('reply'), messageFile: arg('msg') || undefined, indexFile: arg('index') || undefined };
  let gitCommand: string | undefined = arg('cmd');
  const ppid = Number(arg('ppid'));
  if (!gitCommand && Number.isInteger(ppid) && ppid > 1 && fs.existsSync('/proc/self')) {
    try {
      gitCommand = fs.readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      gitCommand = undefined;
    }
  }
  return { ...out, gitCommand };
}

/** Writes one line to a FIFO whose reader is waiting; nothing (and no error) when none is. */
function replyOnFifo(file: string, line: string): void {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFIFO()) return;
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK); // ENXIO when no reader
    fs.writeSync(fd, line);
  } catch {
    /* the hook is gone or has given up */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
