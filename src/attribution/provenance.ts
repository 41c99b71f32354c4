import { aiLabel, BASE, HUMAN, isAi, type Label } from './labels.js';
import { carryLabels, matchLines, removedIndexes } from './match.js';

/** A line an agent removed, remembered until a commit removes it. */
export interface RemovedLine {
  text: string;
  session: string;
}

/** An agent's line that left the file without an agent removing it (stash, checkout, a human's cut). */
export interface DormantLine {
  text: string;
  label: Label;
}

/** What ai-trace last knew of a file: its lines, each line's origin, and the agent's removals. */
export interface FileProvenance {
  lines: string[];
  labels: Label[];
  removed: RemovedLine[];
  /** Agent lines that went away; the same text coming back (stash pop, paste) gets its label back. */
  dormant?: DormantLine[];
}

const MAX_DORMANT = 1000;

const MAX_REMOVED = 1000;

/**
 * A file first seen by tracing: lines already committed keep their recorded labels (`committedLabels`,
 * one per committed line; base when unknown), anything else a human wrote.
 */
export function firstSight(committed: readonly string[] | null, current: readonly string[], committedLabels?: readonly Label[]): FileProvenance {
  const labels = committed ? carryLabels(committed, committedLabels ?? committed.map(() => BASE), current, HUMAN) : current.map(() => HUMAN);
  return { lines: [...current], labels, removed: [] };
}

/**
 * Folds in whatever happened to the file since last seen: every new line is a human's, except an
 * agent line coming back (a stash pop, a checkout back, a cut and paste), which keeps its label.
 */
export function observe(prov: FileProvenance, current: readonly string[]): FileProvenance {
  const map = matchLines(prov.lines, current);
  const dormant = [...(prov.dormant ?? [])];
  for (const i of removedIndexes(prov.lines.length, map)) {
    if (isAi(prov.labels[i]!)) dormant.push({ text: prov.lines[i]!, label: prov.labels[i]! });
  }
  const labels = new Array<Label>(current.length);
  for (let j = 0; j < current.length; j++) {
    if (map[j]! >= 0) labels[j] = prov.labels[map[j]!]!;
    else {
      const k = dormant.findIndex((d) => d.text === current[j]);
      labels[j] = k >= 0 ? dormant.splice(k, 1)[0]!.label : HUMAN;
    }
  }
  if (dormant.length > MAX_DORMANT) dormant.splice(0, dormant.length - MAX_DORMANT);
  return { lines: [...current], labels, removed: prov.removed, dormant };
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
  return { lines: [...after], labels, removed, dormant: prov.dormant };
}
