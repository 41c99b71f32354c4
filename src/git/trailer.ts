import { parseTrailerValue, TRAILER_KEY } from '../attribution/commit.js';
import { git } from './run.js';

/**
 * Names `sessions` in the message file's Chainloop-Trace-Sessions trailer, keeping the ids already
 * there first: one trailer, comma-separated, never duplicated however often it runs (amend, re-run).
 */
export async function addSessionsTrailer(repo: string, messageFile: string, sessions: string[]): Promise<string[]> {
  const parsed = await git(repo, ['interpret-trailers', '--parse', messageFile]);
  const existing: string[] = [];
  for (const line of parsed.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m && m[1]!.trim().toLowerCase() === TRAILER_KEY.toLowerCase()) existing.push(...parseTrailerValue(m[2]!));
  }
  const all = [...new Set([...existing, ...sessions])];
  if (all.length === existing.length && existing.length > 0) return all;
  await git(repo, ['interpret-trailers', '--in-place', '--if-exists', 'replace', '--if-missing', 'add', '--trailer', `${TRAILER_KEY}: ${all.join(', ')}`, messageFile]);
  return all;
}
