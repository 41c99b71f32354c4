/**
 * History rewrites, part 2: lines that come back from elsewhere in history — `git cherry-pick`,
 * `git revert`, `git merge --squash`, `git stash` / `stash pop` between AI edits, `git reset --soft`
 * followed by a new commit. A line keeps the origin of whoever wrote it; git moving it changes nothing.
 */
import { BASE, Doc, HUMAN, numbered, type Origin } from '../doc.js';
import type { Scenario } from '../harness.js';

export const scenarios: Scenario[] = [
  {
    id: 'cherry-pick',
    group: 'rewrite-pick',
    covers: 'git cherry-pick (and -x) of AI/human commits onto a main that changed the file 3 more times',
    base: { 'f.txt': numbered('f', 30) },
    async run(lab) {
      lab.git('checkout', '-q', '-b', 'topic');
      const a = lab.agent('A');
      a.start();
      const aEdit = (d: Doc, o: Origin) => d.replace('f5', o, 'A five\nA five b');
      const hEdit = (d: Doc, o: Origin) => d.insertAfter('f9', o, 'H after nine');
      a.change('f.txt', aEdit);
      lab.humanEdit('f.txt', hEdit);
      a.write('new.txt', Doc.of(a.o, 'brand new\nfrom A\n'));
      const p1 = lab.commitAll('topic 1');
      const bEdit = (d: Doc, o: Origin) => d.replace('f12', o, 'B twelve');
      const b = lab.agent('B');
      b.start();
      b.change('f.txt', bEdit);
      b.end();
      const p2 = lab.commitAll('topic 2');
      a.end();
      lab.checkout('main');
      // main moves on: three human commits to the same file, far from the picked lines
      for (const n of [20, 24, 28]) {
        lab.humanEdit('f.txt', (d, o) => d.replace(`f${n}`, o, `main ${n}`));
        lab.commitAll(`main ${n}`);
      }
      const before = lab.tree('HEAD');
      lab.git('cherry-pick', p1);
      const f1 = hEdit(aEdit(before.get('f.txt')!, 'ai:A'), HUMAN);
      const n1 = lab.recordTree('HEAD', before, { 'f.txt': f1, 'new.txt': lab.tree(p1).get('new.txt')! });
      lab.check({ label: 'picked 1', sha: n1 });
      lab.git('cherry-pick', '-x', p2);
      lab.check({ label: 'picked 2 (-x)', sha: lab.recordTree('HEAD', lab.tree(n1), { 'f.txt': bEdit(f1, 'ai:B') }) });
    },
  },
  {
    id: 'revert',
    group: 'rewrite-pick',
    covers: 'git revert of an older human commit that deleted AI lines (they come back as AI), then of the AI commit',
    base: { 'r.txt': 'b1\nb2\nb3\nb4\nb5\nb6\n' },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('r.txt', (d, o) => d.replace('b3', o, 'A1\nA2\nA3'));
      a.end();
      const c1 = lab.commitAll('agent');
      lab.humanEdit('r.txt', (d, o) => d.remove('A2').replace('b5', o, 'H5'));
      const c2 = lab.commitAll('human');
      // three more commits to the file, so the reverted commit is not among its latest versions
      for (const k of [1, 2, 3]) {
        lab.humanEdit('r.txt', (d, o) => d.insertAfter(0, o, `top ${k}`));
        lab.commitAll(`top ${k}`);
      }
      const cur = lab.tree('HEAD');
      lab.git('revert', '--no-edit', c2);
      const back = lab.recordTree('HEAD', cur, { 'r.txt': cur.get('r.txt')!.insertAfter('A1', 'ai:A', 'A2').replace('H5', BASE, 'b5') });
      lab.check({ label: 'revert of the human commit', sha: back });
      lab.git('revert', '--no-edit', c1);
      lab.check({ label: 'revert of the AI commit', sha: lab.recordTree('HEAD', lab.tree(back), { 'r.txt': lab.tree(back).get('r.txt')!.replace('A1', BASE, 'b3', 'A3') }) });
    },
  },
  {
    id: 'merge-squash',
    group: 'rewrite-pick',
    covers: 'git merge --squash of a branch with A, B and human commits, committed as one',
    base: { 'm.txt': numbered('m', 12) },
    async run(lab) {
      lab.git('checkout', '-q', '-b', 'topic');
      const a = lab.agent('A');
      a.start();
      a.change('m.txt', (d, o) => d.replace('m2', o, 'A two'));
      a.write('topic.txt', Doc.of(a.o, 'topic by A\n'));
      lab.commitAll('t1');
      lab.humanEdit('m.txt', (d, o) => d.insertAfter('m6', o, 'H six and a half'));
      const b = lab.agent('B');
      b.start();
      b.change('m.txt', (d, o) => d.replace('m10', o, 'B ten\nB ten b'));
      b.end();
      a.change('topic.txt', (d, o) => d.append(o, 'more by A\n'));
      a.end();
      const t2 = lab.commitAll('t2');
      lab.checkout('main');
      lab.human('main.txt', Doc.of(HUMAN, 'main only\n'));
      const m = lab.commitAll('main');
      lab.git('merge', '--squash', 'topic');
      lab.git('commit', '-q', '--no-edit');
      lab.check({ label: 'squash merge', sha: lab.recordTree('HEAD', lab.tree(m), { 'm.txt': lab.tree(t2).get('m.txt')!, 'topic.txt': lab.tree(t2).get('topic.txt')! }) });
    },
  },
  {
    id: 'stash',
    group: 'rewrite-pick',
    covers: 'git stash between AI edits, a human hotfix commit, stash pop, more AI edits',
    base: { 's.txt': numbered('s', 10), 'hot.txt': 'hot\n' },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.change('s.txt', (d, o) => d.replace('s3', o, 'A three'));
      lab.humanEdit('s.txt', (d, o) => d.insertAfter('s7', o, 'H seven'));
      a.write('new.txt', Doc.of(a.o, 'untracked by A\n'));
      lab.git('add', 'new.txt');
      const work = new Map(lab.work);
      lab.git('stash', '-q');
      lab.expectWorkTree('HEAD');
      lab.humanEdit('hot.txt', (d, o) => d.append(o, 'fix'));
      lab.check({ label: 'hotfix', sha: lab.commitAll('hotfix') });
      lab.git('stash', 'pop', '-q');
      lab.expectWork('s.txt', work.get('s.txt')!);
      lab.expectWork('new.txt', work.get('new.txt')!);
      a.change('s.txt', (d, o) => d.append(o, 'A tail'));
      a.end();
      lab.check({ label: 'after pop', sha: lab.commitAll('work') });
    },
  },
  {
    id: 'stash-edit-between',
    group: 'rewrite-pick',
    covers: 'AI edit, git stash, the agent edits and commits the same file, stash pop, commit',
    base: { 'w.txt': numbered('w', 12) },
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      const stashed = (d: Doc, o: Origin) => d.replace('w3', o, 'A stashed 1\nA stashed 2');
      a.change('w.txt', stashed);
      lab.git('stash', '-q');
      lab.expectWorkTree('HEAD');
      const committed = (d: Doc, o: Origin) => d.replace('w10', o, 'A committed');
      a.change('w.txt', committed);
      lab.check({ label: 'while stashed', sha: lab.commitAll('meanwhile') });
      lab.git('stash', 'pop', '-q');
      lab.expectWork('w.txt', stashed(committed(Doc.of(BASE, numbered('w', 12)), 'ai:A'), 'ai:A'));
      lab.humanEdit('w.txt', (d, o) => d.insertAfter('w6', o, 'H six'));
      a.end();
      lab.check({ label: 'after pop', sha: lab.commitAll('popped') });
    },
  },
  {
    id: 'reset-soft',
    group: 'rewrite-pick',
    covers: 'git reset --soft HEAD~2 then one new commit; then reset --soft HEAD~1 and recommit with a human change',
    async run(lab) {
      const a = lab.agent('A');
      a.start();
      a.write('x.txt', Doc.of(a.o, 'x1\nx2\nx3\n'));
      lab.human('y.txt', Doc.of(HUMAN, 'y1\n'));
      lab.commitAll('one');
      const b = lab.agent('B');
      b.start();
      b.change('x.txt', (d, o) => d.insertAfter('x1', o, 'B in x'));
      lab.humanEdit('x.txt', (d, o) => d.append(o, 'x human'));
      b.end();
      lab.commitAll('two');
      a.end();
      lab.git('reset', '-q', '--soft', 'HEAD~2');
      const c = lab.commitAll('one and two');
      lab.check({ label: 'recommitted', sha: c });
      lab.git('reset', '-q', '--soft', 'HEAD~1');
      lab.humanEdit('y.txt', (d, o) => d.append(o, 'y2'));
      lab.check({ label: 'recommitted with a human change', sha: lab.commitAll('again') });
    },
  },
];
