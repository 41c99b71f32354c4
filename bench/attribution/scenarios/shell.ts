/**
 * Shell-made changes: files the agent changes through its Bash tool (`sed -i`, a formatter, a code
 * generator, `mv`, `rm`, `git checkout -- file`) belong to its session, line by line, while a human
 * editing another file between the agent's steps stays human.
 */
import { BASE, Doc, numbered } from '../doc.js';
import type { Scenario } from '../harness.js';

const CONFIG = 'name = demo\ntimeout = 30\nretries = 3\nverbose = false\n';

export const scenarios: Scenario[] = [
  {
    id: 'shell-sed',
    group: 'shell',
    shell: true,
    covers: 'agent `sed -i` on a base file and on its own/human lines; a human edits another file in between',
    base: { 'config.ini': CONFIG, 'notes.md': '# notes\n' },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('code.js', Doc.of(a.o, 'const foo = 1;\nconst fooBar = foo + 1;\n'));
      lab.humanEdit('code.js', (d, o) => d.append(o, 'console.log(foo);\n'));
      await a.bash("sed -i 's/^timeout = 30$/timeout = 60/' config.ini", {
        'config.ini': lab.doc('config.ini').replace('timeout = 30', a.o, 'timeout = 60'),
      });
      lab.humanEdit('notes.md', (d, o) => d.append(o, 'the timeout changed\n'));
      await a.bash("sed -i 's/foo/qux/g' code.js", {
        'code.js': lab.doc('code.js').map(a.o, (t) => t.replace(/foo/g, 'qux')),
      });
      lab.humanEdit('notes.md', (d, o) => d.append(o, 'and foo is now qux\n'));
      a.end();
      lab.check({ label: 'commit', sha: lab.commitAll('sed') });
    },
  },
  {
    id: 'shell-formatter',
    group: 'shell',
    shell: true,
    covers: 'a formatter rewriting two files via temp file + rename, and a code generator creating a file',
    base: { 'src/a.js': 'function a(){\nreturn 1\n}\n', 'src/b.js': 'function b(){\n  return 2\n}\n', 'README.md': '# readme\n' },
    async run(lab) {
      lab.humanEdit('src/a.js', (d, o) => d.append(o, 'function a2(){\nreturn 12\n}\n'));
      const a = lab.agent('A');
      a.start();
      a.change('src/b.js', (d, o) => d.append(o, 'function b2(){\n  return 22\n}\n'));
      const fmt = (t: string) => t.replace(/\)\{$/, ') {').replace(/^return /, '  return ').replace(/^(\s*return \d+)$/, '$1;');
      const cmd = "for f in src/a.js src/b.js; do sed -e 's/){$/) {/' -e 's/^return /  return /' -e 's/^\\( *return [0-9]*\\)$/\\1;/' \"$f\" > \"$f.tmp\" && mv \"$f.tmp\" \"$f\"; done";
      await a.bash(cmd, { 'src/a.js': lab.doc('src/a.js').map(a.o, fmt), 'src/b.js': lab.doc('src/b.js').map(a.o, fmt) });
      lab.humanEdit('README.md', (d, o) => d.append(o, 'formatted\n'));
      await a.bash("printf 'export const GENERATED = [\\n  1,\\n  2,\\n];\\n' > src/gen.js", {
        'src/gen.js': Doc.of(a.o, 'export const GENERATED = [\n  1,\n  2,\n];\n'),
      });
      a.end();
      lab.check({ label: 'commit', sha: lab.commitAll('format and generate') });
    },
  },
  {
    id: 'shell-mv-rm',
    group: 'shell',
    shell: true,
    covers: 'agent `mv` of a committed AI file and of an uncommitted one, `rm` of a base file; a human edits in between',
    base: { 'junk.txt': 'junk 1\njunk 2\n', 'notes.md': '# notes\n' },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('mod.txt', Doc.of(a.o, numbered('mod line ', 8)));
      lab.check({ label: 'c1', sha: lab.commitAll('mod') });
      a.write('draft.txt', Doc.of(a.o, 'draft 1\ndraft 2\n'));
      await a.bash('mv mod.txt moved.txt && mv draft.txt final.txt', { 'mod.txt': null, 'moved.txt': lab.doc('mod.txt'), 'draft.txt': null, 'final.txt': lab.doc('draft.txt') });
      lab.humanEdit('notes.md', (d, o) => d.append(o, 'moved things\n'));
      await a.bash('rm junk.txt', { 'junk.txt': null });
      a.change('moved.txt', (d, o) => d.insertAfter('mod line 4', o, 'A after move'));
      lab.humanEdit('notes.md', (d, o) => d.append(o, 'removed junk\n'));
      a.end();
      lab.check({ label: 'c2', sha: lab.commitAll('move'), removedBy: { 'junk.txt': ['A'] } });
    },
  },
  {
    id: 'shell-checkout',
    group: 'shell',
    shell: true,
    covers: 'agent `git checkout -- file` discarding its own and a human\'s edits, then editing again; a human edits another file',
    base: { 'f.txt': numbered('f', 8), 'g.txt': numbered('g', 4) },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('f.txt', (d, o) => d.replace('f2', o, 'A discarded 1\nA discarded 2'));
      lab.humanEdit('f.txt', (d, o) => d.replace('f6', o, 'H discarded'));
      lab.humanEdit('g.txt', (d, o) => d.append(o, 'g human 1'));
      await a.bash('git checkout -- f.txt', { 'f.txt': Doc.of(BASE, numbered('f', 8)) });
      lab.humanEdit('g.txt', (d, o) => d.append(o, 'g human 2'));
      a.change('f.txt', (d, o) => d.replace('f4', o, 'A kept'));
      lab.humanEdit('f.txt', (d, o) => d.append(o, 'H kept'));
      a.end();
      lab.check({ label: 'commit', sha: lab.commitAll('checkout') });
    },
  },
];

