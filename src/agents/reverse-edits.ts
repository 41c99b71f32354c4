import path from 'node:path';
import { parsePatch, reverseUpdate, targetPath } from './codex/patch.js';
import type { StringEdit, TraceEvent } from './events.js';

/**
 * The file's content before `edits` were applied, rebuilt from its content after them: undone last to
 * first, each `new_string` put back to its `old_string`. Null when that cannot be told without a guess:
 * a `new_string` that is not in the text exactly once (an empty one included), unless it is the whole
 * text (a file written from nothing).
 */
export function reverseEdits(after: string, edits: readonly StringEdit[]): string | null {
  let text = after;
  for (let i = edits.length - 1; i >= 0; i--) {
    const { old_string: oldS, new_string: newS } = edits[i]!;
    if (newS === text) {
      text = oldS;
      continue;
    }
    if (newS === '') return null;
    const at = text.indexOf(newS);
    if (at === -1 || text.indexOf(newS, at + 1) !== -1) return null;
    text = text.slice(0, at) + oldS + text.slice(at + newS.length);
  }
  return text;
}

/** The `edits` of an afterFileEdit payload, or null when any is malformed. */
export function stringEdits(value: unknown): StringEdit[] | null {
  if (!Array.isArray(value)) return null;
  const out: StringEdit[] = [];
  for (const e of value) {
    if (!e || typeof e !== 'object') return null;
    const { old_string: o, new_string: n } = e as Record<string, unknown>;
    if (typeof o !== 'string' || typeof n !== 'string') return null;
    out.push({ old_string: o, new_string: n });
  }
  return out;
}

/**
 * The content of `file` before the edit `ev` reports (`ev.edit`), rebuilt from its content after: the
 * `beforeContent` of agents whose hooks carry what an edit did rather than the file before it. Null when
 * the event reports nothing usable, or undoing it would take a guess.
 */
export function rebuildBefore(after: string, ev: TraceEvent, file: string): string | null {
  const edit = ev.edit;
  if (!edit) return null;
  if (edit.kind === 'create') return '';
  if (edit.kind === 'replace') return reverseEdits(after, edit.edits);
  const resolve = (p: string) => (path.isAbsolute(p) || !edit.cwd ? p : path.join(edit.cwd, p));
  const op = parsePatch(edit.text)?.find((p) => resolve(targetPath(p)) === file);
  if (!op) return null;
  if (op.kind === 'add') return '';
  // a renamed file's content before is the old file's
  if (op.kind === 'update') return reverseUpdate(after, op.chunks);
  return null;
}

/** The absolute paths an apply_patch patch writes (added, updated, and rename targets), resolved against `cwd`. */
export function patchTargets(text: string, cwd: string | undefined): string[] {
  const ops = parsePatch(text) ?? [];
  return ops.filter((p) => p.kind !== 'delete').map((p) => targetPath(p)).map((p) => (path.isAbsolute(p) || !cwd ? p : path.join(cwd, p)));
}
