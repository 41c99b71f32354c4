import { aiLabel, BASE, HUMAN, type Label } from './labels.js';
import { carryLabels, matchLines, removedIndexes } from './match.js';

/** A line an agent removed, remembered until a commit removes it. */
export interface RemovedLine {
  text: string;
  session: string;
}

/** What ai-trace last knew of a file: its lines, each line's origin, and the agent's removals. */
export interface FileProvenance {
  lines: string[];
  labels: Label[];
  removed: RemovedLine[];
}

const MAX_REMOVED = 5000;

/** A file first seen by tracing: lines already committed are base, anything else a human wrote. */
export function firstSight(committed: readonly string[] | null, current: readonly string[]): FileProvenance {
  const labels = committed ? carryLabels(committed, committed.map(() => BASE), current, HUMAN) : current.map(() => HUMAN);
  return { lines: [...current], labels, removed: [] };
}

/** Folds in whatever happened to the file since last seen: every changed line is a human's. */
export function observe(prov: FileProvenance, current: readonly string[]): FileProvenance {
  return { lines: [...current], labels: carryLabels(prov.lines, prov.labels, current, HUMAN), removed: prov.removed };
}

/** An agent edit turned `before` (already observed) into `after`. */
export function agentEdit(prov: FileProvenance, after: readonly string[], session: string): FileProvenance {
  const map = matchLines(prov.lines, after);
  const label = aiLabel(session);
  const labels = new Array<Label>(after.length);
  for (let j = 0; j < after.length; j++) labels[j] = map[j]! >= 0 ? prov.labels[map[j]!]! : label;
  const removed = [...prov.removed];
  for (const i of removedIndexes(prov.lines.length, map)) removed.push({ text: prov.lines[i]!, session });
  if (removed.length > MAX_REMOVED) removed.splice(0, removed.length - MAX_REMOVED);
  return { lines: [...after], labels, removed };
}
