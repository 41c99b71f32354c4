import { isAi, sessionOf } from '../attribution/labels.js';
import { matchLines, removedIndexes } from '../attribution/match.js';
import type { FileProvenance } from '../attribution/provenance.js';

/** AI lines one provenance step added and removed, per session whose lines they are. */
export type ChurnStep = Map<string, { written: number; removed: number }>;

/**
 * What one change of a file's provenance (an agent's edit, or a human's edit seen before the next one)
 * did to agent lines: lines newly labelled as a session's are written, lines of a session that left the
 * file are removed. Lines that moved keep their label and count as neither.
 */
export function churnStep(before: Pick<FileProvenance, 'lines' | 'labels'> | undefined, after: Pick<FileProvenance, 'lines' | 'labels'>): ChurnStep {
  const out: ChurnStep = new Map();
  const bump = (label: string, key: 'written' | 'removed') => {
    const s = sessionOf(label)!;
    const e = out.get(s) ?? { written: 0, removed: 0 };
    e[key]++;
    out.set(s, e);
  };
  if (!before) {
    for (const l of after.labels) if (isAi(l)) bump(l, 'written');
    return out;
  }
  const map = matchLines(before.lines, after.lines);
  for (let j = 0; j < after.lines.length; j++) {
    const l = after.labels[j]!;
    if (isAi(l) && (map[j]! < 0 || before.labels[map[j]!] !== l)) bump(l, 'written');
  }
  for (const i of removedIndexes(before.lines.length, map)) if (isAi(before.labels[i]!)) bump(before.labels[i]!, 'removed');
  return out;
}
