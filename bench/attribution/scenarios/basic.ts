/**
 * Basic scenarios: who wrote which line when agents and a human edit the same files, with whitespace
 * and reformatting edits, partial staging, several commits per session and several sessions per commit.
 */
import { BASE, Doc, HUMAN, numbered } from '../doc.js';
import type { Scenario } from '../harness.js';

const GREET = 'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n';

export const scenarios: Scenario[] = [
  {
    id: 'ai-only',
    group: 'basic',
    covers: 'an agent creates two files (Write) and extends one (Edit); one commit',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('src/greet.ts', Doc.of(a.o, GREET));
      a.write('src/main.ts', Doc.of(a.o, "import { greet } from './greet.js';\nconsole.log(greet('world'));\n"));
      a.change('src/greet.ts', (d, o) => d.append(o, '\nexport function bye(name: string): string {\n  return `bye ${name}`;\n}\n'));
      a.end();
      lab.check({ label: 'commit', sha: lab.commitAll('greeting') });
    },
  },
  {
    id: 'human-only',
    group: 'basic',
    covers: 'human commits: before any agent ran (untraced repo), and after an agent committed elsewhere (traced repo)',
    base: { 'README.md': '# project\n' },
    async run(lab) {
      lab.human('notes.txt', Doc.of(HUMAN, 'one\ntwo\n'));
      lab.humanEdit('README.md', (d, o) => d.append(o, '\nSome more text.\n'));
      lab.check({ label: 'untraced', sha: lab.commitAll('notes') });
      const a = lab.agent('A');
      a.start();
      a.write('ai.txt', Doc.of(a.o, 'agent line 1\nagent line 2\n'));
      a.end();
      lab.check({ label: 'agent', sha: lab.commitAll('agent file') });
      lab.humanEdit('notes.txt', (d, o) => d.replace('two', o, 'two, edited').append(o, 'three\n'));
      lab.humanEdit('README.md', (d, o) => d.insertAfter('# project', o, 'A line under the title.\n'));
      lab.human('human.txt', Doc.of(HUMAN, 'human file\n'));
      lab.check({ label: 'traced human commit', sha: lab.commitAll('human work') });
    },
  },
  {
    id: 'human-around-ai',
    group: 'basic',
    covers: 'a human edits before, between and after the agent, on the same lines (replacing and inserting inside AI blocks)',
    base: { 'app.txt': 'b1\nb2\nb3\nb4\nb5\n' },
    async run(lab) {
      lab.humanEdit('app.txt', (d, o) => d.replace('b2', o, 'H1'));
      const a = lab.agent('A');
      a.start();
      a.change('app.txt', (d, o) => d.replace('b4', o, 'A1\nA2\nA3'));
      // between the agent's edits: the human replaces A1 and adds a line after A3
      lab.humanEdit('app.txt', (d, o) => d.replace('A1', o, 'H3').insertAfter('A3', o, 'H2'));
      a.change('app.txt', (d, o) => d.insertAfter('b5', o, 'A4\nA5'));
      a.end();
      // after the session: a line inside the agent's block, A5 replaced
      lab.humanEdit('app.txt', (d, o) => d.insertAfter('A2', o, 'H5').replace('A5', o, 'H4'));
      lab.check({ label: 'commit', sha: lab.commitAll('app') });
    },
  },
  {
    id: 'whitespace-human',
    group: 'basic',
    covers: 'whitespace-only human edits (re-indent, trailing spaces) of AI and base lines between agent edits',
    base: { 'calc.js': 'export function add(a, b) {\n  return a + b;\n}\n' },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('calc.js', (d, o) => d.append(o, 'export function mul(a, b) {\n  const r = a * b;\n  return r;\n}\nexport function neg(a) {\n  return -a;\n}\n'));
      // the human re-indents two AI lines with tabs and adds trailing spaces to a base line
      lab.humanEdit('calc.js', (d, o) => d.replace('  const r = a * b;', o, '\tconst r = a * b;').replace('  return r;', o, '\treturn r;').replace('  return a + b;', o, '  return a + b;  '));
      a.change('calc.js', (d, o) => d.append(o, 'export function half(a) {\n  return a / 2;\n}\n'));
      a.end();
      // after the session: a whitespace-only change inside the last AI function
      lab.humanEdit('calc.js', (d, o) => d.replace('  return a / 2;', o, '    return a / 2;'));
      lab.check({ label: 'commit', sha: lab.commitAll('calc') });
    },
  },
  {
    id: 'reformat',
    group: 'basic',
    covers: 'the agent reformats a file with human and base lines (Write); the human then reformats some AI lines back',
    base: { 'style.js': 'function f(x){\nif(x){return 1}\nreturn 0\n}\nfunction g(y){ return y*2 }\n' },
    async run(lab) {
      lab.humanEdit('style.js', (d, o) => d.append(o, 'function h(z){return z+1}\nconst k=3\n'));
      const a = lab.agent('A');
      a.start();
      // a formatter-like rewrite: every line but the closing brace changes
      const formatted = lab
        .doc('style.js')
        .replace('function f(x){', a.o, 'function f(x) {')
        .replace('if(x){return 1}', a.o, '  if (x) {\n    return 1;\n  }')
        .replace('return 0', a.o, '  return 0;')
        .replace('function g(y){ return y*2 }', a.o, 'function g(y) {\n  return y * 2;\n}')
        .replace('function h(z){return z+1}', a.o, 'function h(z) {\n  return z + 1;\n}');
      a.write('style.js', formatted);
      a.end();
      // the human prefers the old spacing on two of the agent's lines; `const k=3` is still the human's
      lab.humanEdit('style.js', (d, o) => d.replace('  return y * 2;', o, '  return y*2;').replace('  return z + 1;', o, '  return z+1;'));
      lab.check({ label: 'commit', sha: lab.commitAll('format') });
    },
  },
  {
    id: 'partial-staging',
    group: 'basic',
    covers: 'git apply --cached of part of the diff (an agent hunk and a human hunk), the rest in a second commit',
    base: { 'part.txt': numbered('p', 24) },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('part.txt', (d, o) => d.replace('p2', o, 'A-top'));
      a.change('part.txt', (d, o) => d.insertAfter('p14', o, 'A-mid1\nA-mid2'));
      a.change('part.txt', (d, o) => d.replace('p20', o, 'A-bottom'));
      a.end();
      lab.humanEdit('part.txt', (d, o) => d.replace('p8', o, 'H-mid'));
      lab.human('other.txt', Doc.of(HUMAN, 'unstaged human file\n'));
      // hunks of `git diff -U1`: 0 A-top, 1 H-mid, 2 A-mid, 3 A-bottom; stage the agent's top and the human's
      lab.stageHunks('part.txt', [0, 1]);
      const staged = Doc.of(BASE, numbered('p', 24)).replace('p2', 'ai:A', 'A-top').replace('p8', HUMAN, 'H-mid');
      lab.check({ label: 'first part', sha: lab.commitStaged('first part', { 'part.txt': staged }) });
      lab.check({ label: 'the rest', sha: lab.commitAll('the rest') });
    },
  },
  {
    id: 'multi-commit-session',
    group: 'basic',
    covers: 'one session across three commits, a human-only commit in between, the same file edited in each',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('lib.ts', Doc.of(a.o, 'export const one = 1;\nexport const two = 2;\nexport const three = 3;\n'));
      lab.check({ label: 'c1', sha: lab.commitAll('lib') });
      lab.humanEdit('lib.ts', (d, o) => d.replace('export const two = 2;', o, 'export const two = 2 as const;').append(o, 'export const four = 4;\n'));
      lab.check({ label: 'c2 human', sha: lab.commitAll('human tweaks') });
      a.change('lib.ts', (d, o) => d.replace('export const two = 2 as const;', o, 'export const two = 2 as const; // checked').append(o, 'export const five = 5;\n'));
      a.write('use.ts', Doc.of(a.o, "import { five } from './lib.js';\nexport const ten = five * 2;\n"));
      lab.check({ label: 'c3', sha: lab.commitAll('more') });
      a.change('use.ts', (d, o) => d.append(o, 'export const twenty = ten * 2;\n'));
      lab.humanEdit('lib.ts', (d, o) => d.insertAfter('export const one = 1;', o, 'export const oneAndHalf = 1.5;'));
      a.end();
      lab.check({ label: 'c4', sha: lab.commitAll('last') });
    },
  },
  {
    id: 'sessions-same-file',
    group: 'basic',
    covers: 'two sessions interleaved on one file (one rewrites a line of the other), a human in between; one commit',
    base: { 'shared.txt': numbered('s', 8) },
    async run(lab) {
      const a = lab.agent('A');
      const b = lab.agent('B');
      a.start();
      b.start();
      a.change('shared.txt', (d, o) => d.insertAfter('s2', o, 'A1\nA2\nA3'));
      b.change('shared.txt', (d, o) => d.replace('s6', o, 'B1\nB2'));
      lab.humanEdit('shared.txt', (d, o) => d.insertAfter('s4', o, 'H1'));
      a.change('shared.txt', (d, o) => d.replace('B2', o, 'A4'));
      b.change('shared.txt', (d, o) => d.replace('A2', o, 'B3').append(o, 'B4'));
      a.end();
      b.end();
      lab.check({ label: 'commit', sha: lab.commitAll('together') });
    },
  },
  {
    id: 'sessions-different-files',
    group: 'basic',
    covers: 'two sessions on two files and a human on a third; then both sessions on both files in a second commit',
    async run(lab) {
      const a = lab.agent('A');
      const b = lab.agent('B');
      a.start();
      b.start();
      a.write('a.txt', Doc.of(a.o, 'a1\na2\n'));
      b.write('b.txt', Doc.of(b.o, 'b1\nb2\nb3\n'));
      lab.human('c.txt', Doc.of(HUMAN, 'c1\n'));
      lab.check({ label: 'c1', sha: lab.commitAll('three files') });
      b.change('a.txt', (d, o) => d.append(o, 'from b\n'));
      a.change('b.txt', (d, o) => d.replace('b2', o, 'from a'));
      lab.humanEdit('a.txt', (d, o) => d.insertAfter('a1', o, 'human in a'));
      a.end();
      b.end();
      lab.check({ label: 'c2', sha: lab.commitAll('crossed') });
    },
  },
];
