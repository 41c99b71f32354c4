/**
 * The ground truth of a scenario: a file's lines, each with the origin it has BY CONSTRUCTION (who
 * typed that exact line at that place), kept positionally by the scenario's own edit operations —
 * never inferred by diffing, so it cannot share a bug with the product's line matching.
 */

/** Where a line came from: `base` (committed before tracing), `human`, or `ai:<session name>`. */
export type Origin = 'base' | 'human' | `ai:${string}`;

/** One line of a file and its true origin. */
export interface Line {
  readonly text: string;
  readonly origin: Origin;
}

export const BASE: Origin = 'base';
export const HUMAN: Origin = 'human';
export const ai = (session: string): Origin => `ai:${session}`;
export const isAiOrigin = (o: Origin): boolean => o.startsWith('ai:');
export const sessionName = (o: Origin): string | undefined => (o.startsWith('ai:') ? o.slice(3) : undefined);

/** Where an edit applies: a 1-based line number, or the text of a line that occurs exactly once. */
export type At = number | string;

/** An immutable file version with per-line origins; every edit returns a new Doc. */
export class Doc {
  private constructor(readonly lines: readonly Line[]) {}

  static empty(): Doc {
    return new Doc([]);
  }

  /** Lines of `text` (newline-terminated) all with one origin. */
  static of(origin: Origin, text: string): Doc {
    return new Doc(splitText(text).map((t) => ({ text: t, origin })));
  }

  static fromLines(lines: readonly Line[]): Doc {
    return new Doc([...lines]);
  }

  get length(): number {
    return this.lines.length;
  }

  /** The file content: every line newline-terminated. */
  text(): string {
    return this.lines.map((l) => l.text + '\n').join('');
  }

  /** 1-based number of the line `at` names. */
  lineNo(at: At): number {
    if (typeof at === 'number') {
      if (at < 1 || at > this.lines.length) throw new Error(`line ${at} is outside 1..${this.lines.length}`);
      return at;
    }
    const hits: number[] = [];
    this.lines.forEach((l, i) => l.text === at && hits.push(i + 1));
    if (hits.length !== 1) throw new Error(`line ${JSON.stringify(at)} occurs ${hits.length} times`);
    return hits[0]!;
  }

  /** Inserts `text`'s lines after line `at` (0 = at the top). */
  insertAfter(at: At | 0, origin: Origin, text: string): Doc {
    const n = at === 0 ? 0 : this.lineNo(at);
    return this.splice(n, 0, origin, text);
  }

  insertBefore(at: At, origin: Origin, text: string): Doc {
    return this.splice(this.lineNo(at) - 1, 0, origin, text);
  }

  /** Appends `text`'s lines at the end. */
  append(origin: Origin, text: string): Doc {
    return this.splice(this.lines.length, 0, origin, text);
  }

  /** Replaces lines `from..to` (inclusive; `to` defaults to `from`) with `text`'s lines. */
  replace(from: At, origin: Origin, text: string, to: At = from): Doc {
    const a = this.lineNo(from);
    const b = this.lineNo(to);
    if (b < a) throw new Error(`bad range ${a}..${b}`);
    return this.splice(a - 1, b - a + 1, origin, text);
  }

  /** Removes lines `from..to` (inclusive). */
  remove(from: At, to: At = from): Doc {
    const a = this.lineNo(from);
    const b = this.lineNo(to);
    return new Doc([...this.lines.slice(0, a - 1), ...this.lines.slice(b)]);
  }

  /** Rewrites every line through `fn`; a line whose text changes gets `origin` (a formatter's run). */
  map(origin: Origin, fn: (text: string, lineNo: number) => string): Doc {
    return new Doc(this.lines.map((l, i) => {
      const t = fn(l.text, i + 1);
      return t === l.text ? l : { text: t, origin };
    }));
  }

  /** The same text with every line's origin replaced (e.g. a file restored from a commit). */
  withOrigin(origin: Origin): Doc {
    return new Doc(this.lines.map((l) => ({ text: l.text, origin })));
  }

  /** Lines `from..to` as a Doc. */
  slice(from: At, to: At): Doc {
    return new Doc(this.lines.slice(this.lineNo(from) - 1, this.lineNo(to)));
  }

  concat(other: Doc): Doc {
    return new Doc([...this.lines, ...other.lines]);
  }

  private splice(index: number, remove: number, origin: Origin, text: string): Doc {
    const added = splitText(text).map((t) => ({ text: t, origin }));
    return new Doc([...this.lines.slice(0, index), ...added, ...this.lines.slice(index + remove)]);
  }
}

/** Lines of newline-terminated text; a missing final newline is tolerated. */
export function splitText(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `n` lines `prefix<from>` … as newline-terminated text. */
export function numbered(prefix: string, n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}\n`).join('');
}
