/**
 * Attribution through history rewrites: amend (with and without changes), rebase onto a new base,
 * squash; the post-rewrite hook carries every line's origin to the new commits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { changes, file, show } from '../helpers/attribution.js';
import { r, RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

describe('trace show --json after a history rewrite', () => {
  it('amend without changes keeps labels; amend with changes adds the new session once, in one trailer', () => {
    const t = pool.create();
    const s1 = t.session();
    s1.start();
    s1.write('ai.js', 'A1\nA2\nA3\n');
    s1.end();
    t.write('human.txt', 'h\n');
    const c1 = t.commitAll('work');
    const before = show(t);
    expect(before.code_changes.files.map((f) => [f.path, f.line_ranges, f.human_line_ranges])).toEqual([
      ['ai.js', [r(1, 3)], []],
      ['human.txt', [], [r(1)]],
    ]);

    // a later date makes a new commit even within the same second (same tree, message and date give the same sha)
    t.git('commit', '-q', '--amend', '--no-edit', '--date=2030-01-01T00:00:00Z');
    const c2 = t.head();
    expect(c2).not.toBe(c1);
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s1.sessionId}`]);
    expect(show(t)).toEqual({ ...before, commit: c2 });

    // a second session and the human add to the amended commit
    const s2 = t.session();
    s2.start();
    s2.edit('ai.js', 'A3\n', 'A3\nB1\n');
    s2.end();
    t.write('ai.js', t.read('ai.js') + 'H1\n');
    t.git('add', '-A');
    t.git('commit', '-q', '--amend', '--no-edit');
    const c3 = t.head();
    const both = [s1.sessionId, s2.sessionId];
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${both.join(', ')}`]);
    expect(show(t)).toEqual({
      commit: c3,
      sessions: [...both].sort(),
      code_changes: changes([
        file({
          path: 'ai.js', status: 'created', lines_added: 5, attribution: 'ai', line_ranges: [r(1, 4)], human_line_ranges: [r(5)],
          ai_lines_added: 4, human_lines_added: 1, session_ids: [...both].sort(),
        }),
        file({ path: 'human.txt', status: 'created', lines_added: 1, human_line_ranges: [r(1)], human_lines_added: 1 }),
      ]),
    });

    // and once more without changes: nothing moves, the trailer is not duplicated
    const again = show(t);
    t.git('commit', '-q', '--amend', '--no-edit');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${both.join(', ')}`]);
    expect(show(t)).toEqual({ ...again, commit: t.head() });
  });

  it('a rebase of two commits onto a new base keeps their labels (post-rewrite)', () => {
    const t = pool.create({ files: { 'base.txt': 'base\n' } });
    t.git('checkout', '-q', '-b', 'feature');
    const s = t.session();
    s.start();
    s.write('one.txt', 'o1\no2\n');
    t.write('one.txt', 'h0\n' + t.read('one.txt'));
    const c1 = t.commitAll('one');
    s.edit('one.txt', 'o2\n', 'o2\no3\n');
    s.write('two.txt', 't1\n');
    t.write('two.txt', 't1\nh1\n');
    const c2 = t.commitAll('two');
    s.end();
    const old1 = show(t, c1);
    const old2 = show(t, c2);
    expect(old1.code_changes.files).toEqual([
      file({ path: 'one.txt', status: 'created', lines_added: 3, attribution: 'ai', line_ranges: [r(2, 3)], human_line_ranges: [r(1)], ai_lines_added: 2, human_lines_added: 1, session_ids: [s.sessionId] }),
    ]);
    expect(old2.code_changes.files).toEqual([
      file({ path: 'one.txt', lines_added: 1, attribution: 'ai', line_ranges: [r(4)], ai_lines_added: 1, session_ids: [s.sessionId] }),
      file({ path: 'two.txt', status: 'created', lines_added: 2, attribution: 'ai', line_ranges: [r(1)], human_line_ranges: [r(2)], ai_lines_added: 1, human_lines_added: 1, session_ids: [s.sessionId] }),
    ]);

    t.git('checkout', '-q', 'main');
    t.write('main.txt', 'on main\n');
    t.commitAll('main moves on');
    t.git('checkout', '-q', 'feature');
    t.git('rebase', '-q', 'main');
    const n1 = t.git('rev-parse', 'HEAD~1').trim();
    const n2 = t.head();
    expect([n1, n2]).not.toContain(c1);
    expect([n1, n2]).not.toContain(c2);
    expect(t.trailers('HEAD~1')).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(t.trailers('HEAD')).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(show(t, 'HEAD~1')).toEqual({ ...old1, commit: n1 });
    expect(show(t, 'HEAD')).toEqual({ ...old2, commit: n2 });
  });

  it('squashing a commit into an earlier one keeps the lines of both sessions', () => {
    const t = pool.create({ files: { 'base.txt': 'base\n' } });
    const s1 = t.session();
    s1.start();
    s1.write('f.txt', 'A1\nA2\nA3\n');
    s1.end();
    t.commitAll('first');
    // a later session adds to the file the first one wrote
    const s2 = t.session();
    s2.start();
    s2.edit('f.txt', 'A3\n', 'A3\nB1\n');
    s2.end();
    t.write('f.txt', t.read('f.txt') + 'H1\n');
    t.commitAll('second');
    expect(show(t).code_changes.files[0]).toMatchObject({ line_ranges: [r(4)], human_line_ranges: [r(5)], session_ids: [s2.sessionId] });

    t.sh(`GIT_SEQUENCE_EDITOR="sed -i '2s/^pick/fixup/'" git rebase -q -i HEAD~2`);
    expect(t.git('log', '--format=%s', 'HEAD~1..HEAD')).toBe('first\n');
    const both = [s1.sessionId, s2.sessionId].sort();
    expect(show(t)).toEqual({
      commit: t.head(),
      sessions: both,
      code_changes: changes([
        file({
          path: 'f.txt', status: 'created', lines_added: 5, attribution: 'ai', line_ranges: [r(1, 4)], human_line_ranges: [r(5)],
          ai_lines_added: 4, human_lines_added: 1, session_ids: both,
        }),
      ]),
    });
  });
});
