import fs from 'node:fs';
import { git } from './run.js';

/** The trailer naming a commit's sessions (Chainloop's name, so policies keep working). */
export const TRAILER_KEY = 'Chainloop-Trace-Sessions';

/** Session ids in a trailer value: comma- or space-separated, each once. */
export function parseTrailerValue(value: string): string[] {
  return [...new Set(value.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean))];
}

const OUR_LINE = new RegExp(`^${TRAILER_KEY}:[ \\t]*(.*)$`, 'i');

/**
 * Names `sessions` in the message file's Chainloop-Trace-Sessions trailer, keeping the ids already
 * there first: one trailer, comma-separated, never duplicated however often it runs (amend, re-run).
 * Messages git put together from several commits (a squash, `rebase -i` fixup) may carry our line
 * more than once, also in the body: those are merged into the one trailer.
 */
export async function addSessionsTrailer(repo: string, messageFile: string, sessions: string[]): Promise<string[]> {
  const lines = fs.readFileSync(messageFile, 'utf8').split('\n');
  const existing: string[] = [];
  const kept: string[] = [];
  let ours = 0;
  for (const line of lines) {
    const m = OUR_LINE.exec(line);
    if (m) {
      existing.push(...parseTrailerValue(m[1]!));
      ours++;
    } else kept.push(line);
  }
  const all = [...new Set([...existing, ...sessions])];
  if (all.length === 0) return all;
  if (ours === 1 && all.length === existing.length && (await inTrailerBlock(repo, messageFile))) return all;
  if (ours > 0) fs.writeFileSync(messageFile, kept.filter((l, i) => l !== '' || kept[i - 1] !== '').join('\n'));
  await git(repo, [...trailerArgs(all), messageFile]);
  return all;
}

/** The `git interpret-trailers` arguments that name `ids` in a message's trailer (also run by the shim). */
export function trailerArgs(ids: string[]): string[] {
  return ['interpret-trailers', '--in-place', '--if-exists', 'replace', '--if-missing', 'add', '--trailer', `${TRAILER_KEY}: ${ids.join(', ')}`];
}

/** True when some line of the message file is a Chainloop-Trace-Sessions line (in the trailer or not). */
export function hasSessionsLine(messageFile: string): boolean {
  try {
    return fs.readFileSync(messageFile, 'utf8').split('\n').some((l) => OUR_LINE.test(l));
  } catch {
    return false;
  }
}

/** True when the message's trailer block (its last paragraph, as git parses it) has our trailer. */
async function inTrailerBlock(repo: string, messageFile: string): Promise<boolean> {
  const parsed = await git(repo, ['interpret-trailers', '--parse', messageFile]);
  return parsed.split('\n').some((l) => OUR_LINE.test(l));
}
