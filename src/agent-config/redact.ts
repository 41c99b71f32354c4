import { redactSecrets, scanSecrets, type SecretMatch } from '../secrets/scan.js';

/**
 * A line holding this marker (or a line holding only it in a comment, for the line after) keeps the values on
 * it: the user vouches they are no secret (an example key, a public test token).
 */
export const ALLOW_MARKER = 'ai-trace:allow-secret';

/** A text with its secrets replaced, and what was replaced (rule ids, never the values). */
export interface Redacted {
  text: string;
  redacted: { rule: string; line: number }[];
  allowed: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Lines (0-based) the allow marker covers: its own, and the next one when the marker's line says nothing else. */
function allowedLines(lines: string[]): Set<number> {
  const out = new Set<number>();
  lines.forEach((l, i) => {
    if (!l.includes(ALLOW_MARKER)) return;
    out.add(i);
    const rest = l.replace(ALLOW_MARKER, '').replace(/[\s#/*<>!-]|-->/g, '');
    if (rest === '') out.add(i + 1);
  });
  return out;
}

/** Replaces every secret secretlint's recommended rules find in `text`, except on lines the allow marker covers. */
export async function redactText(text: string): Promise<Redacted> {
  const matches = await scanSecrets(text);
  if (matches.length === 0) return { text, redacted: [], allowed: 0 };
  const starts = lineStarts(text);
  const allow = allowedLines(text.split('\n'));
  const keep: SecretMatch[] = [];
  let allowed = 0;
  for (const m of matches) {
    if (allow.has(lineOf(starts, m.start))) allowed++;
    else keep.push(m);
  }
  return {
    text: redactSecrets(text, keep),
    redacted: keep.map((m) => ({ rule: m.rule.replace(/^@secretlint\/secretlint-rule-/, ''), line: lineOf(starts, m.start) + 1 })),
    allowed,
  };
}

/** Every string in a JSON value with its secrets redacted (the parsed permissions, MCP servers, subagents). */
export async function redactStrings<T>(value: T): Promise<T> {
  if (typeof value === 'string') return (await redactText(value)).text as T;
  if (Array.isArray(value)) return (await Promise.all(value.map((v) => redactStrings(v)))) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await redactStrings(v);
    return out as T;
  }
  return value;
}
