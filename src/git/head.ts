import fs from 'node:fs';
import path from 'node:path';
import { git } from './run.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * The commit HEAD points at in the work tree `top` ('' when HEAD is unborn), read from the git files
 * where they are plain (a loose or packed branch, a detached HEAD): a commit hook asks for it on every
 * commit and a git process costs more than the whole read. Anything else (reftable, odd layouts) asks git.
 */
export async function headCommit(top: string): Promise<string> {
  return readHeadFiles(top) ?? (await git(top, ['rev-parse', '--verify', '--quiet', 'HEAD'], { allowFailure: true })).trim();
}

function readHeadFiles(top: string): string | null {
  try {
    const dotGit = path.join(top, '.git');
    const wtDir = fs.statSync(dotGit).isDirectory() ? dotGit : path.resolve(top, /^gitdir: (.*)$/m.exec(fs.readFileSync(dotGit, 'utf8'))![1]!.trim());
    const commonFile = path.join(wtDir, 'commondir');
    const commonDir = fs.existsSync(commonFile) ? path.resolve(wtDir, fs.readFileSync(commonFile, 'utf8').trim()) : wtDir;
    const head = fs.readFileSync(path.join(wtDir, 'HEAD'), 'utf8').trim();
    if (SHA.test(head)) return head;
    const ref = /^ref: (refs\/heads\/\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    const loose = path.join(commonDir, ref);
    if (fs.existsSync(loose)) {
      const sha = fs.readFileSync(loose, 'utf8').trim();
      return SHA.test(sha) ? sha : null;
    }
    const packed = path.join(commonDir, 'packed-refs');
    if (!fs.existsSync(packed)) return null; // unborn, or refs git keeps elsewhere: git knows
    for (const line of fs.readFileSync(packed, 'utf8').split('\n')) {
      const [sha, name] = line.split(' ');
      if (name === ref && sha && SHA.test(sha)) return sha;
    }
    return null;
  } catch {
    return null;
  }
}
