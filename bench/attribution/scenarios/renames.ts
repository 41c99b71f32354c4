/**
 * Renames: lines keep their labels when a file moves — a human `git mv` of a committed AI file (with
 * and without edits), a human `mv` of an AI file not yet committed, an agent-driven `git mv` + edit.
 */
import { Doc, numbered } from '../doc.js';
import type { Scenario } from '../harness.js';

const UTIL = 'export function clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n}\nexport function lerp(a, b, t) {\n  return a + (b - a) * t;\n}\nexport const EPS = 1e-9;\n';

export const scenarios: Scenario[] = [
  {
    id: 'rename-human-git-mv',
    group: 'renames',
    covers: 'human `git mv` of a committed AI file with a one-line edit, then the agent edits it at its new path',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('lib/util.js', Doc.of(a.o, UTIL));
      lab.check({ label: 'created', sha: lab.commitAll('util') });
      lab.git('mv', 'lib/util.js', 'lib/math.js');
      lab.expectWork('lib/util.js', null);
      lab.expectWork('lib/math.js', lab.tree('HEAD').get('lib/util.js')!);
      lab.humanEdit('lib/math.js', (d, o) => d.replace('export const EPS = 1e-9;', o, 'export const EPS = 1e-12;'));
      lab.check({ label: 'renamed by hand', sha: lab.commitAll('rename') });
      a.change('lib/math.js', (d, o) => d.insertAfter('export const EPS = 1e-12;', o, 'export const TAU = 2 * Math.PI;'));
      a.end();
      lab.check({ label: 'edited after the rename', sha: lab.commitAll('tau') });
    },
  },
  {
    id: 'rename-uncommitted',
    group: 'renames',
    covers: 'a human renames (`mv`) and edits an AI file before its first commit; a pure `git mv` of an AI+human file',
    base: { 'keep.txt': numbered('k', 3) },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('draft.js', Doc.of(a.o, UTIL));
      a.end();
      lab.sh('mv draft.js final.js');
      lab.expectWork('draft.js', null);
      lab.expectWork('final.js', Doc.of(a.o, UTIL));
      lab.humanEdit('final.js', (d, o) => d.append(o, '// reviewed\n'));
      lab.check({ label: 'first commit at the new name', sha: lab.commitAll('final') });
      lab.git('mv', 'final.js', 'moved.js');
      lab.expectWork('final.js', null);
      lab.expectWork('moved.js', lab.tree('HEAD').get('final.js')!);
      lab.check({ label: 'pure rename', sha: lab.commitAll('move') });
      lab.humanEdit('moved.js', (d, o) => d.insertAfter(0, o, '// header\n'));
      lab.check({ label: 'human edit after the rename', sha: lab.commitAll('header') });
    },
  },
  {
    id: 'rename-agent-mv',
    group: 'renames',
    shell: true,
    covers: 'the agent `git mv`s a committed human+AI file through Bash and edits it at the new path; the human edits it too',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('old/name.py', Doc.of(a.o, 'def f():\n    return 1\n\n\ndef g():\n    return 2\n'));
      lab.humanEdit('old/name.py', (d, o) => d.append(o, '\n\ndef h():\n    return 3\n'));
      lab.check({ label: 'created', sha: lab.commitAll('name') });
      await a.bash('mkdir -p new && git mv old/name.py new/name.py', { 'old/name.py': null, 'new/name.py': lab.doc('old/name.py') });
      a.change('new/name.py', (d, o) => d.replace('    return 2', o, '    return 2 * f()'));
      lab.humanEdit('new/name.py', (d, o) => d.replace('    return 3', o, '    return 3 * g()'));
      a.end();
      lab.check({ label: 'moved and edited', sha: lab.commitAll('move') });
    },
  },
];

