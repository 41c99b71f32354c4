/**
 * History rewrites, part 1: `git commit --amend` and `git rebase` (plain; `-i` with reorder, squash,
 * fixup and edit, driven by GIT_SEQUENCE_EDITOR="sed -i …"; a conflict the human resolves by changing
 * AI lines). Rewritten commits must keep every line's origin; the resolver's changed lines are human.
 */
import { Doc, HUMAN, numbered, type Origin } from '../doc.js';
import type { Lab, Scenario } from '../harness.js';

/** `git rebase -i <onto>` with the todo list edited by `sed -i <script>` and no message editor. */
function rebaseInteractive(lab: Lab, onto: string, sedScript: string): { status: number; stderr: string } {
  return lab.gitTry(['rebase', '-q', '-i', onto], { GIT_SEQUENCE_EDITOR: `sed -i ${sedScript}`, GIT_EDITOR: 'true' });
}

const ok = (r: { status: number; stderr: string }, what: string) => {
  if (r.status !== 0) throw new Error(`${what} failed: ${r.stderr}`);
};

export const scenarios: Scenario[] = [
  {
    id: 'amend-no-change',
    group: 'rewrite-amend-rebase',
    covers: 'git commit --amend --no-edit, then --amend -m (reword) with no new changes',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('ai.js', Doc.of(a.o, 'const a1 = 1;\nconst a2 = 2;\nconst a3 = 3;\n'));
      lab.human('human.txt', Doc.of(HUMAN, 'written by hand\n'));
      a.change('ai.js', (d, o) => d.append(o, 'export { a1, a2, a3 };\n'));
      lab.humanEdit('ai.js', (d, o) => d.insertAfter('const a1 = 1;', o, 'const h1 = 10;'));
      a.end();
      const c1 = lab.commitAll('work');
      lab.check({ label: 'original', sha: c1 });
      lab.git('commit', '-q', '--amend', '--no-edit');
      lab.check({ label: 'amend --no-edit', sha: lab.recordTree('HEAD', lab.tree(c1), {}) });
      lab.git('commit', '-q', '--amend', '-m', 'reworded');
      lab.check({ label: 'amend -m', sha: lab.recordTree('HEAD', lab.tree(c1), {}) });
    },
  },
  {
    id: 'amend-with-changes',
    group: 'rewrite-amend-rebase',
    covers: 'git commit --amend adding a second session\'s and the human\'s lines, then a human-only amend',
    base: { 'app.txt': numbered('line ', 6) },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('app.txt', (d, o) => d.replace('line 2', o, 'A one\nA two'));
      a.end();
      const c1 = lab.commitAll('first');
      lab.check({ label: 'original', sha: c1 });
      const b = lab.agent('B');
      b.start();
      b.change('app.txt', (d, o) => d.insertAfter('line 5', o, 'B one\nB two'));
      b.write('b.txt', Doc.of(b.o, 'new from B\n'));
      b.end();
      lab.humanEdit('app.txt', (d, o) => d.replace('A two', o, 'A two (fixed by hand)').append(o, 'human tail'));
      lab.git('add', '-A');
      lab.git('commit', '-q', '--amend', '--no-edit');
      const c2 = lab.recordTree('HEAD', lab.tree('HEAD~1'), { 'app.txt': lab.doc('app.txt'), 'b.txt': lab.doc('b.txt') });
      lab.check({ label: 'amend with A, B and human lines', sha: c2 });
      lab.humanEdit('b.txt', (d, o) => d.append(o, 'human line in b'));
      lab.git('add', '-A');
      lab.git('commit', '-q', '--amend', '--no-edit');
      lab.check({ label: 'human-only amend', sha: lab.recordTree('HEAD', lab.tree(c2), { 'b.txt': lab.doc('b.txt') }) });
    },
  },
  {
    id: 'rebase',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase of two AI/human commits onto a main that changed the same file elsewhere',
    base: { 'shared.txt': numbered('s', 20) },
    async run(lab) {
      const top = (d: Doc, o: Origin) => d.replace('s3', o, 'A top 1\nA top 2');
      const second = (d: Doc, o: Origin) => d.insertAfter('s10', o, 'A mid');
      const human2 = (d: Doc, o: Origin) => d.replace('s12', o, 'H mid');
      lab.git('checkout', '-q', '-b', 'feature');
      const a = lab.agent('A');
      a.start();
      a.change('shared.txt', top);
      a.write('one.txt', Doc.of(a.o, 'o1\no2\n'));
      lab.humanEdit('one.txt', (d, o) => d.insertAfter(0, o, 'h0'));
      const c1 = lab.commitAll('one');
      a.change('shared.txt', second);
      lab.humanEdit('shared.txt', human2);
      a.change('one.txt', (d, o) => d.append(o, 'o3'));
      const c2 = lab.commitAll('two');
      a.end();
      lab.check({ label: 'original 1', sha: c1 });
      lab.check({ label: 'original 2', sha: c2 });
      lab.checkout('main');
      const bottom = (d: Doc, o: Origin) => d.replace('s18', o, 'main bottom');
      lab.humanEdit('shared.txt', bottom);
      lab.human('main.txt', Doc.of(HUMAN, 'on main\n'));
      const m = lab.commitAll('main moves on');
      lab.checkout('feature');
      lab.git('rebase', '-q', 'main');
      const mt = lab.tree(m);
      const shared1 = top(mt.get('shared.txt')!, 'ai:A');
      const n1 = lab.recordTree('HEAD~1', mt, { 'shared.txt': shared1, 'one.txt': lab.tree(c1).get('one.txt')! });
      const n2 = lab.recordTree('HEAD', lab.tree(n1), { 'shared.txt': human2(second(shared1, 'ai:A'), HUMAN), 'one.txt': lab.tree(c2).get('one.txt')! });
      lab.check({ label: 'rebased 1', sha: n1 });
      lab.check({ label: 'rebased 2', sha: n2 });
    },
  },
  {
    id: 'rebase-i-reorder',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase -i reordering three commits (sessions A, human, B)',
    async run(lab) {
      const base = lab.head();
      const a = lab.agent('A');
      const b = lab.agent('B');
      a.start();
      a.write('f1.txt', Doc.of(a.o, 'f1 a\nf1 b\n'));
      lab.human('h1.txt', Doc.of(HUMAN, 'h1\n'));
      const c1 = lab.commitAll('c1');
      lab.human('f2.txt', Doc.of(HUMAN, 'f2 by hand\n'));
      const c2 = lab.commitAll('c2');
      b.start();
      b.write('f3.txt', Doc.of(b.o, 'f3 x\nf3 y\nf3 z\n'));
      a.write('f4.txt', Doc.of(a.o, 'f4\n'));
      lab.humanEdit('f3.txt', (d, o) => d.insertAfter('f3 x', o, 'f3 human'));
      const c3 = lab.commitAll('c3');
      a.end();
      b.end();
      // todo lines 1..3 = c1 c2 c3 → c3 c1 c2
      const r = rebaseInteractive(lab, base, `-e '1{h;d}' -e '2{H;d}' -e '3G'`);
      ok(r, 'rebase -i (reorder)');
      const t3 = lab.recordTree('HEAD~2', lab.tree(base), { 'f3.txt': lab.tree(c3).get('f3.txt')!, 'f4.txt': lab.tree(c3).get('f4.txt')! });
      const t1 = lab.recordTree('HEAD~1', lab.tree(t3), { 'f1.txt': lab.tree(c1).get('f1.txt')!, 'h1.txt': lab.tree(c1).get('h1.txt')! });
      const t2 = lab.recordTree('HEAD', lab.tree(t1), { 'f2.txt': lab.tree(c2).get('f2.txt')! });
      lab.check({ label: 'c3 first', sha: t3 });
      lab.check({ label: 'c1 second', sha: t1 });
      lab.check({ label: 'c2 third', sha: t2 });
    },
  },
  {
    id: 'rebase-i-squash',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase -i squashing a human+B commit into an A commit; one trailer naming both sessions',
    async run(lab) {
      const base = lab.head();
      const a = lab.agent('A');
      a.start();
      a.write('f.txt', Doc.of(a.o, 'A1\nA2\nA3\nA4\n'));
      lab.commitAll('c1');
      lab.humanEdit('f.txt', (d, o) => d.replace('A2', o, 'H2').append(o, 'H5'));
      const b = lab.agent('B');
      b.start();
      b.change('f.txt', (d, o) => d.insertAfter('A3', o, 'B1\nB2'));
      b.end();
      const c2 = lab.commitAll('c2');
      a.write('g.txt', Doc.of(a.o, 'g1\n'));
      a.end();
      const c3 = lab.commitAll('c3');
      lab.check({ label: 'original c2', sha: c2 });
      const r = rebaseInteractive(lab, base, `-e '2s/^pick/squash/'`);
      ok(r, 'rebase -i (squash)');
      const s = lab.recordTree('HEAD~1', lab.tree(base), { 'f.txt': lab.tree(c2).get('f.txt')! });
      lab.check({ label: 'squashed', sha: s });
      lab.check({ label: 'c3 after', sha: lab.recordTree('HEAD', lab.tree(s), { 'g.txt': lab.tree(c3).get('g.txt')! }) });
    },
  },
  {
    id: 'rebase-i-fixup',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase -i fixup of a commit where B added lines and the human changed an AI line',
    base: { 'lib.py': 'def base():\n    return 0\n' },
    async run(lab) {
      const base = lab.head();
      const a = lab.agent('A');
      a.start();
      a.change('lib.py', (d, o) => d.append(o, '\ndef area(r):\n    return 3.14 * r * r\n'));
      a.end();
      lab.commitAll('area');
      const b = lab.agent('B');
      b.start();
      b.change('lib.py', (d, o) => d.insertBefore('def area(r):', o, 'import math\n'));
      b.end();
      lab.humanEdit('lib.py', (d, o) => d.replace('    return 3.14 * r * r', o, '    return math.pi * r * r'));
      const c2 = lab.commitAll('fixup! area');
      const r = rebaseInteractive(lab, base, `-e '2s/^pick/fixup/'`);
      ok(r, 'rebase -i (fixup)');
      lab.check({ label: 'fixed up', sha: lab.recordTree('HEAD', lab.tree(base), { 'lib.py': lab.tree(c2).get('lib.py')! }) });
    },
  },
  {
    id: 'rebase-i-edit',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase -i edit: stop at an A commit, B and the human amend it, --continue replays the next',
    async run(lab) {
      const base = lab.head();
      const a = lab.agent('A');
      a.start();
      a.write('e.txt', Doc.of(a.o, 'E1\nE2\nE3\n'));
      const c1 = lab.commitAll('e');
      a.write('later.txt', Doc.of(a.o, 'later\n'));
      lab.humanEdit('e.txt', (d, o) => d.append(o, 'E human tail'));
      const c2 = lab.commitAll('later');
      a.end();
      const r = rebaseInteractive(lab, base, `-e '1s/^pick/edit/'`);
      ok(r, 'rebase -i (edit)');
      lab.expectWorkTree(c1);
      const b = lab.agent('B');
      b.start();
      b.change('e.txt', (d, o) => d.insertAfter('E1', o, 'B inserted'));
      b.end();
      lab.humanEdit('e.txt', (d, o) => d.replace('E1', o, 'E1 edited'));
      lab.git('add', '-A');
      lab.git('commit', '-q', '--amend', '--no-edit');
      const edited = lab.doc('e.txt');
      ok(lab.gitTry(['rebase', '--continue'], { GIT_EDITOR: 'true' }), 'rebase --continue');
      const n1 = lab.recordTree('HEAD~1', lab.tree(base), { 'e.txt': edited });
      const n2 = lab.recordTree('HEAD', lab.tree(n1), { 'e.txt': edited.append(HUMAN, 'E human tail\n'), 'later.txt': lab.tree(c2).get('later.txt')! });
      lab.check({ label: 'edited', sha: n1 });
      lab.check({ label: 'replayed', sha: n2 });
    },
  },
  {
    id: 'rebase-conflict',
    group: 'rewrite-amend-rebase',
    covers: 'git rebase stops on a conflict in AI lines; the human resolves it by changing some of them',
    base: { 'conf.txt': numbered('c', 10) },
    async run(lab) {
      lab.git('checkout', '-q', '-b', 'feature');
      const a = lab.agent('A');
      a.start();
      a.change('conf.txt', (d, o) => d.replace('c4', o, 'A1\nA2\nA3', 'c5'));
      a.change('conf.txt', (d, o) => d.insertAfter('c9', o, 'A far'));
      a.end();
      lab.commitAll('feature');
      lab.checkout('main');
      lab.humanEdit('conf.txt', (d, o) => d.replace('c5', o, 'M5'));
      const m = lab.commitAll('main edit');
      lab.checkout('feature');
      const r = lab.gitTry(['rebase', '-q', 'main']);
      if (r.status === 0) throw new Error('the rebase was expected to stop on a conflict');
      // the resolution: keeps A1 and A3, rewrites A2, keeps main's M5 after the block
      const resolved = lab
        .tree(m)
        .get('conf.txt')!
        .replace('c4', 'ai:A', 'A1\nA2\nA3')
        .replace('A2', HUMAN, 'A2 resolved by hand')
        .insertAfter('c9', 'ai:A', 'A far');
      lab.human('conf.txt', resolved);
      lab.git('add', 'conf.txt');
      ok(lab.gitTry(['rebase', '--continue'], { GIT_EDITOR: 'true' }), 'rebase --continue');
      lab.check({ label: 'resolved', sha: lab.recordTree('HEAD', lab.tree(m), { 'conf.txt': resolved }) });
    },
  },
];

