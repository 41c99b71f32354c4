import { diffArrays } from 'diff';

const DIFF_TIMEOUT_MS = 2000;

/**
 * For every line of `next`, the index of the line of `prev` it is the same line as (an LCS match),
 * or -1 for a line that `next` added. Common prefix and suffix are matched without diffing.
 */
export function matchLines(prev: readonly string[], next: readonly string[]): Int32Array {
  const map = new Int32Array(next.length).fill(-1);
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) {
    map[start] = start;
    start++;
  }
  let endPrev = prev.length;
  let endNext = next.length;
  while (endPrev > start && endNext > start && prev[endPrev - 1] === next[endNext - 1]) {
    endPrev--;
    endNext--;
    map[endNext] = endPrev;
  }
  if (start === endPrev || start === endNext) return map;

  const changes = diffArrays(prev.slice(start, endPrev), next.slice(start, endNext), { timeout: DIFF_TIMEOUT_MS });
  if (!changes) return map; // too costly to diff: the middle counts as new
  let i = start;
  let j = start;
  for (const c of changes) {
    const n = c.count ?? c.value.length;
    if (c.added) j += n;
    else if (c.removed) i += n;
    else for (let k = 0; k < n; k++) map[j++] = i++;
  }
  return map;
}

/** Labels for `next`: each matched line keeps its label from `prev`, every other line gets `fill`. */
export function carryLabels<L>(prev: readonly string[], prevLabels: readonly L[], next: readonly string[], fill: L): L[] {
  const map = matchLines(prev, next);
  const out = new Array<L>(next.length);
  for (let j = 0; j < next.length; j++) {
    const i = map[j]!;
    out[j] = i >= 0 ? prevLabels[i]! : fill;
  }
  return out;
}

/** Indexes of `prev` lines that no line of `next` matched: the lines a change removed. */
export function removedIndexes(prevLength: number, map: Int32Array): number[] {
  const kept = new Uint8Array(prevLength);
  for (const i of map) if (i >= 0) kept[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < prevLength; i++) if (!kept[i]) out.push(i);
  return out;
}
