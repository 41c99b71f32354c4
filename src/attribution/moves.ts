import fs from 'node:fs';
import path from 'node:path';
import type { ProvenanceStore } from '../store/provenance.js';
import { isAi } from './labels.js';
import { matchLines } from './match.js';
import type { FileProvenance } from './provenance.js';

/** Share of a new file's lines a gone file must hold for the new file to count as it, moved. */
const MOVE_MIN_SHARED = 0.5;

/**
 * The provenance of a file with agent lines that is gone from the work tree and that most of `content`
 * comes from: `content` at `rel` is that file moved (a `mv` of a file not committed yet, which git's
 * rename detection cannot see). Its lines, or its dormant lines once it was seen gone, with their labels.
 */
export function movedFrom(store: ProvenanceStore, top: string, rel: string, content: readonly string[]): { rel: string; prov: FileProvenance } | undefined {
  let best: { rel: string; prov: FileProvenance } | undefined;
  let bestShared = 0;
  for (const p of store.paths(top)) {
    if (p === rel || fs.existsSync(path.join(top, p))) continue;
    const prov = store.get(top, p);
    if (!prov) continue;
    const dormant = prov.dormant ?? [];
    const from: FileProvenance = prov.lines.length
      ? prov
      : { lines: dormant.map((d) => d.text), labels: dormant.map((d) => d.label), removed: [], dormant: [] };
    if (!from.labels.some(isAi)) continue;
    let shared = 0;
    for (const i of matchLines(from.lines, content)) if (i >= 0) shared++;
    if (shared > bestShared) {
      best = { rel: p, prov: from };
      bestShared = shared;
    }
  }
  return best && bestShared >= MOVE_MIN_SHARED * Math.max(content.length, 1) ? best : undefined;
}
