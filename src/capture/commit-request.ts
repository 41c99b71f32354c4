import fs from 'node:fs';
import path from 'node:path';
import { answerCommitMsg } from '../query/commit-msg.js';
import type { GitSpoolEvent, SpoolEntry } from '../spool/spool.js';
import type { Recorder } from './recorder.js';

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
export async function answerCommitRequest(rec: Recorder, ev: GitSpoolEvent, entry: SpoolEntry): Promise<string> {
  const arg = (k: string): string => ev.args.find((a) => a.startsWith(`${k}=`))?.slice(k.length + 1) ?? '';
  const reply = arg('reply');
  const ours = reply && ev.gitdir && path.dirname(path.resolve(reply)) === path.join(ev.gitdir, 'chainloop-trace');
  let answer = 'error';
  try {
    let gitCommand = arg('cmd');
    const ppid = Number(arg('ppid'));
    if (!gitCommand && Number.isInteger(ppid) && ppid > 1 && fs.existsSync('/proc/self')) {
      try {
        gitCommand = fs.readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        answer = 'gone';
        return 'the git process has ended: not answered';
      }
    }
    // a hook that gave up waiting withdrew its question: its commit went on without this answer
    if (!fs.existsSync(entry.file)) {
      answer = 'gone';
      return 'withdrawn by the hook: not answered';
    }
    const { named, trailer } = await answerCommitMsg(
      rec,
      { repo: ev.repo, messageFile: arg('msg') || undefined, indexFile: arg('index') || undefined, gitCommand },
      { leaveSimpleTrailer: true },
    );
    answer = trailer ? `trailer ${trailer}` : named.length ? 'ok' : 'none';
    return named.length ? `trailer: ${named.join(', ')}` : 'no session';
  } finally {
    if (ours) replyOnFifo(reply, `${entry.key} ${answer}\n`);
  }
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
