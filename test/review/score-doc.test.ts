import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLAGS, LIMITS, RED_FLAGS, THRESHOLDS, WEIGHTS } from '../../src/review/score/criteria.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const doc = fs.readFileSync(path.join(root, 'docs/score.md'), 'utf8');

/** The rows of the first Markdown table after `## heading`, as cell arrays (header and rule dropped). */
function table(heading: string): string[][] {
  const start = doc.indexOf(`## ${heading}\n`);
  expect(start, `docs/score.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(first + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
}
const unquote = (s: string): string => s.replace(/^`|`$/g, '');

describe('docs/score.md and src/review/score agree', () => {
  it('on the criteria and their weights', () => {
    const weights = Object.fromEntries(table('Criteria and weights').map(([c, w]) => [unquote(c!), Number(w)]));
    expect(weights).toEqual(WEIGHTS);
    expect(Object.values(WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('on every sub-flag, its criterion and its effect', () => {
    const flags = Object.fromEntries(
      table('Sub-flags').map(([flag, criterion, effect]) => {
        const m = /^([=−-])\s*(\d+)$/.exec(effect!);
        expect(m, `effect "${effect}" of ${flag}`).not.toBeNull();
        return [unquote(flag!), { criterion, ...(m![1] === '=' ? { set: Number(m![2]) } : { minus: Number(m![2]) }) }];
      }),
    );
    expect(flags).toEqual(FLAGS);
  });

  it('on the limits', () => {
    const limits = Object.fromEntries(table('Limits').map(([k, v]) => [unquote(k!), Number(v)]));
    expect(limits).toEqual(LIMITS);
  });

  it('on the flag thresholds and the red sub-flags', () => {
    const rows = Object.fromEntries(table('Flags').map(([f, when]) => [f, when]));
    expect(rows.green).toBe(`score ≥ ${THRESHOLDS.green}`);
    expect(rows.yellow).toBe(`${THRESHOLDS.red} ≤ score < ${THRESHOLDS.green}`);
    expect(rows.red).toMatch(new RegExp(`^score < ${THRESHOLDS.red}\\b`));
    const red = /Red sub-flags \(red whatever the score\): (.*)\.$/m.exec(doc);
    expect(red![1]!.split(', ').map(unquote)).toEqual([...RED_FLAGS]);
  });
});
