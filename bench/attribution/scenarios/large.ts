/**
 * A 5,000-line file with scattered edits: two sessions and a human, interleaved, some human edits
 * replacing AI lines or landing inside AI blocks; two commits. Edits are placed by a seeded PRNG.
 */
import type { Doc, Origin } from '../doc.js';
import type { Agent, Lab, Scenario } from '../harness.js';

const SECTIONS = 500;

/** 500 ten-line functions: 5,000 lines of code-like text with the usual repeated `}` and blank lines. */
function bigFile(): string {
  const out: string[] = [];
  for (let i = 1; i <= SECTIONS; i++) {
    out.push(
      `// section ${i}`,
      `export function fn${i}(x) {`,
      `  const v${i} = x * ${i};`,
      `  if (v${i} > LIMIT_${i % 17}) {`,
      `    return clamp(v${i}, ${i});`,
      '  }',
      `  return v${i} + ${i};`,
      '}',
      `// end of fn${i}`,
      '',
    );
  }
  return out.join('\n') + '\n';
}

/** mulberry32: a small seeded PRNG so the scenario is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks sections no edit has used yet. */
class Sections {
  private used = new Set<number>();
  constructor(private readonly rnd: () => number) {}
  next(): number {
    for (;;) {
      const s = 1 + Math.floor(this.rnd() * SECTIONS);
      if (!this.used.has(s)) {
        this.used.add(s);
        return s;
      }
    }
  }
}

/** One scattered edit of section `s` by `who`: an insertion after the const line, or a replacement of the return. */
function editSection(d: Doc, s: number, o: Origin, tag: string, kind: number): Doc {
  if (kind === 0) {
    const n = 1 + (s % 4);
    const block = Array.from({ length: n }, (_, k) => `  const ${tag}_${s}_${k} = v${s} + ${k}; // ${tag}`).join('\n');
    return d.insertAfter(`  const v${s} = x * ${s};`, o, block);
  }
  if (kind === 1) return d.replace(`    return clamp(v${s}, ${s});`, o, `    const c${tag}${s} = clamp(v${s}, ${s}); // ${tag}\n    return c${tag}${s};`);
  return d.replace(`  return v${s} + ${s};`, o, `  return v${s} + ${s} + 1; // ${tag}`);
}

async function round(lab: Lab, agent: Agent, sections: Sections, rnd: () => number, agentEdits: number, humanEvery: number, tag: string, aiLines: string[]): Promise<void> {
  for (let i = 0; i < agentEdits; i++) {
    const s = sections.next();
    agent.change('big.js', (d, o) => editSection(d, s, o, tag, Math.floor(rnd() * 3)));
    for (const l of lab.doc('big.js').lines) if (l.origin === agent.o && l.text.endsWith(`// ${tag}`) && !aiLines.includes(l.text)) aiLines.push(l.text);
    if (i % humanEvery === humanEvery - 1) {
      const h = sections.next();
      lab.humanEdit('big.js', (d, o) => editSection(d, h, o, `H${tag}`, Math.floor(rnd() * 3)));
    }
  }
}

export const scenarios: Scenario[] = [
  {
    id: 'large-5000',
    group: 'large',
    covers: 'a 5,000-line file: ~40 scattered agent edits from two sessions, ~25 human ones (some rewriting AI lines or typing inside AI blocks); two commits',
    base: { 'big.js': bigFile() },
    async run(lab) {
      const rnd = prng(20260122);
      const sections = new Sections(rnd);
      const a = lab.agent('A');
      a.start();
      const aLines: string[] = [];
      await round(lab, a, sections, rnd, 25, 2, 'A', aLines);
      a.end();
      // after the session: the human rewrites five of the agent's lines and types inside three AI blocks
      for (let k = 0; k < 5; k++) {
        const text = aLines[Math.floor(rnd() * aLines.length)]!;
        if (lab.doc('big.js').lines.filter((l) => l.text === text && l.origin === a.o).length !== 1) continue;
        lab.humanEdit('big.js', (d, o) => d.replace(text, o, text.replace('// A', '// A, fixed by hand')));
      }
      for (let k = 0; k < 3; k++) {
        const text = aLines[Math.floor(rnd() * aLines.length)]!;
        if (lab.doc('big.js').lines.filter((l) => l.text === text).length !== 1) continue;
        lab.humanEdit('big.js', (d, o) => d.insertAfter(text, o, `  // human note ${k} inside an AI block`));
      }
      lab.check({ label: 'commit 1', sha: lab.commitAll('first round') });
      const b = lab.agent('B');
      b.start();
      await round(lab, b, sections, rnd, 15, 3, 'B', []);
      // B also rewrites two of A's committed lines
      for (const text of aLines.slice(0, 2)) {
        if (lab.doc('big.js').lines.filter((l) => l.text === text).length !== 1) continue;
        b.change('big.js', (d, o) => d.replace(text, o, text.replace('// A', '// A, revised by B')));
      }
      b.end();
      lab.check({ label: 'commit 2', sha: lab.commitAll('second round') });
    },
  },
];

