import type { LabelSource } from '../code-changes.js';
import type { FileProvenance } from '../provenance.js';

/**
 * Stash, checkout and reset take an agent's lines out of the work tree and may bring them back
 * (`stash pop`, checking the branch out again, a reset followed by a new commit). Lines that left a
 * file are kept dormant in its provenance map (`provenance.ts`), and a commit that holds them again
 * takes their labels from here; a reset followed by a new commit is matched against recorded versions
 * (`CommitAttributor.historySources`).
 */

/** The file's dormant lines as a label source for a commit: lines that left the file and came back. */
export function dormantSource(prov: FileProvenance | undefined): LabelSource | undefined {
  if (!prov?.dormant?.length) return undefined;
  return { lines: prov.dormant.map((x) => x.text), labels: prov.dormant.map((x) => x.label) };
}

/** The dormant lines still out of the work tree once a commit holding `committed` (a set of lines) is made. */
export function stillDormant(prov: FileProvenance, committed: ReadonlySet<string>): FileProvenance['dormant'] & object {
  return (prov.dormant ?? []).filter((x) => !committed.has(x.text));
}
