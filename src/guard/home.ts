import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { TraceError } from '../errors.js';
import type { TracePaths } from '../paths.js';

/**
 * Refuses state the user does not own alone: TRACE_HOME, `spool/` (and its `new/`, `blobs/`) and
 * `run/` must, where they exist, be real folders (not symlinks) owned by this user and closed to group
 * and others. A folder another user made first in a shared place could otherwise redirect our writes
 * through their symlinks or collect our prompts. Folders that do not exist yet are created 0700 later.
 */
export function checkOwnState(paths: TracePaths): void {
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no POSIX owners
  for (const dir of [paths.home, paths.spool, paths.spoolNew, paths.spoolBlobs, paths.runDir]) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch {
      continue;
    }
    const where = dir === paths.home ? `TRACE_HOME (${dir})` : `${dir}`;
    if (st.isSymbolicLink()) {
      throw new TraceError('STATE_NOT_OWNED', `${where} is a symbolic link; ai-trace keeps its state only in a real folder of yours: remove the link, or set TRACE_HOME to a folder of your own`);
    }
    if (!st.isDirectory()) throw new TraceError('STATE_NOT_OWNED', `${where} is not a folder: remove it, or set TRACE_HOME to a folder of your own`);
    if (st.uid !== uid) {
      throw new TraceError(
        'STATE_NOT_OWNED',
        `${where} belongs to ${userName(st.uid)} (uid ${st.uid}), not to you (${userName(uid)}): ai-trace will not write there. Set TRACE_HOME to a folder of your own (e.g. unset it for ${defaultHome()})`,
      );
    }
    if ((st.mode & 0o077) !== 0) {
      throw new TraceError(
        'STATE_NOT_OWNED',
        `${where} is open to others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; owner ${userName(st.uid)}): run \`chmod 700 ${shellQuote(dir)}\``,
      );
    }
  }
}

function defaultHome(): string {
  return process.platform === 'darwin' ? '~/Library/Application Support/ai-trace' : '$XDG_STATE_HOME/ai-trace';
}

/** A uid's login name, from the password database when there is one. */
function userName(uid: number): string {
  if (uid === process.getuid?.()) {
    try {
      return os.userInfo().username;
    } catch {
      /* no passwd entry */
    }
  }
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(uid) && f[0]) return f[0];
    }
  } catch {
    /* no /etc/passwd (macOS keeps users in Directory Services) */
  }
  if (process.platform === 'darwin') {
    const r = spawnSync('id', ['-nu', String(uid)], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return `uid ${uid}`;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
