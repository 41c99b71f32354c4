import fs from 'node:fs';
import { messageSources } from '../capture/picks.js';
import type { Recorder } from '../capture/recorder.js';
import { emptyTree } from '../git/diff.js';
import { headCommit } from '../git/head.js';
import { git } from '../git/run.js';

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
