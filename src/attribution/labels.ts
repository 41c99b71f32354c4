/** The origin of one line: `b` base (was committed before tracing saw it), `h` human, `a:<session>` agent. */
export type Label = string;

export const BASE: Label = 'b';
export const HUMAN: Label = 'h';
export const aiLabel = (session: string): Label => `a:${session}`;
export const isAi = (label: Label): boolean => label.startsWith('a:');
export const sessionOf = (label: Label): string | undefined => (isAi(label) ? label.slice(2) : undefined);

/** Run-length form used in the database: [[label, count], …]. */
export type EncodedLabels = [Label, number][];

export function encodeLabels(labels: readonly Label[]): string {
  const runs: EncodedLabels = [];
  for (const l of labels) {
    const last = runs[runs.length - 1];
    if (last && last[0] === l) last[1]++;
    else runs.push([l, 1]);
  }
  return JSON.stringify(runs);
}

export function decodeLabels(text: string): Label[] {
  const out: Label[] = [];
  for (const [l, n] of JSON.parse(text) as EncodedLabels) for (let i = 0; i < n; i++) out.push(l);
  return out;
}
