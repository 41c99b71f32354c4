/** An inclusive, 1-based range of lines in one file's numbering. */
export interface LineRange {
  start: number;
  end: number;
}

/** Sorted, merged ranges covering exactly the given line numbers. */
export function toRanges(lines: Iterable<number>): LineRange[] {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const out: LineRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last.end + 1) last.end = n;
    else out.push({ start: n, end: n });
  }
  return out;
}
