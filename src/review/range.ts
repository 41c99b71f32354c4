import { parseTrailerValue, TRAILER_KEY } from '../attribution/commit.js';
import { TraceError } from '../errors.js';
import { git } from '../git/run.js';

/** One commit of the reviewed range, with the sessions its message names. */
export interface RangeCommit {
  sha: string;
  subject: string;
  authorEmail: string;
  /** Session ids from every `Chainloop-Trace-Sessions:` line of the message (a squash keeps them in its body). */
  sessions: string[];
}

/** A resolved range: full ids of both ends, as the user wrote it, and its commits oldest first. */
export interface ReviewRange {
  spec: string;
  base: string;
  head: string;
  commits: RangeCommit[];
}

const TRAILER_LINE = new RegExp(`^\\s*(?:[*-]\\s+)?${TRAILER_KEY}:[ \\t]*(.*)$`, 'gim');

/** Session ids named anywhere in a commit message. */
export function sessionsInMessage(message: string): string[] {
  const ids: string[] = [];
  for (const m of message.matchAll(TRAILER_LINE)) ids.push(...parseTrailerValue(m[1] ?? ''));
  return [...new Set(ids)];
}

/**
 * The default base: the merge-base of HEAD with the remote's default branch (`<remote>/HEAD`, else
 * `<remote>/main` or `<remote>/master`, else local main/master).
 */
export async function defaultBase(repo: string, remote: string): Promise<string> {
  const symbolic = (await git(repo, ['symbolic-ref', '-q', `refs/remotes/${remote}/HEAD`], { allowFailure: true })).trim();
  const candidates = [symbolic, `refs/remotes/${remote}/main`, `refs/remotes/${remote}/master`, 'refs/heads/main', 'refs/heads/master'].filter(Boolean);
  for (const ref of candidates) {
    const ok = (await git(repo, ['rev-parse', '--verify', '-q', `${ref}^{commit}`], { allowFailure: true })).trim();
    if (!ok) continue;
    const base = (await git(repo, ['merge-base', ref, 'HEAD'], { allowFailure: true })).trim();
    if (base) return base;
  }
  throw new TraceError('NOT_FOUND', `cannot find ${remote}'s default branch to compare HEAD with: pass the range, e.g. trace pr origin/main..HEAD`);
}

/** Resolves `<base>..<head>` (or `<base>` meaning `<base>..HEAD`, or nothing: the default base) and lists its commits. */
export async function resolveRange(repo: string, spec: string | undefined, remote: string): Promise<ReviewRange> {
  let baseRev: string;
  let headRev = 'HEAD';
  if (spec === undefined) baseRev = await defaultBase(repo, remote);
  else if (spec.includes('...')) throw new TraceError('USAGE', `use a two-dot range (<base>..<head>), not ${spec}`);
  else if (spec.includes('..')) {
    const [b, h] = spec.split('..');
    baseRev = b || 'HEAD';
    headRev = h || 'HEAD';
  } else baseRev = spec;
  const base = await revParse(repo, baseRev);
  const head = await revParse(repo, headRev);
  const log = await git(repo, ['log', '--reverse', '--format=%H%x00%ae%x00%s%x00%B%x1e', `${base}..${head}`]);
  const commits: RangeCommit[] = [];
  for (const rec of log.split('\x1e')) {
    const [sha, authorEmail, subject, body] = rec.replace(/^\n/, '').split('\0');
    if (!sha || body === undefined) continue;
    commits.push({ sha, authorEmail: authorEmail ?? '', subject: subject ?? '', sessions: sessionsInMessage(body) });
  }
  return { spec: spec ?? `${base.slice(0, 12)}..HEAD`, base, head, commits };
}

async function revParse(repo: string, rev: string): Promise<string> {
  const sha = (await git(repo, ['rev-parse', '--verify', '-q', `${rev}^{commit}`], { allowFailure: true })).trim();
  if (!sha) throw new TraceError('NOT_FOUND', `${rev} is not a commit here: fetch it (git fetch) or check the range`);
  return sha;
}
