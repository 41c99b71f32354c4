/**
 * Issue 11, never wrong by timing: two commits of one session made within the same second (and, once,
 * with the child dated a second before its parent, as a skewed clock would) and pushed together give
 * the session material the right line counts every time: commits are ordered by ancestry, not dates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';
import { addBareRemote, allDelivered, bundleJson, statementOf, waitForPushes } from '../push/helpers.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

describe('commits of one session within one second, pushed together', () => {
  it('give the right counts every time (five rounds)', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    addBareRemote(t);
    const rounds: { parent: string; child: string }[] = [
      ...Array.from({ length: 4 }, () => ({ parent: '1700000000 +0000', child: '1700000000 +0000' })),
      { parent: '1700000001 +0000', child: '1700000000 +0000' },
    ];
    for (const [i, dates] of rounds.entries()) {
      const s = t.session();
      s.start();
      s.write(`r${i}/a.txt`, 'a1\na2\na3\n');
      t.git('add', '-A');
      // committer and author dates: git sorts by the committer's
      t.sh(`git commit -q -m "round ${i}: a"`, { GIT_COMMITTER_DATE: dates.parent, GIT_AUTHOR_DATE: dates.parent });
      const first = t.head();
      s.write(`r${i}/b.txt`, 'b1\nb2\n');
      s.edit(`r${i}/a.txt`, 'a3\n', 'a3\na4\n');
      s.stop();
      t.git('add', '-A');
      t.sh(`git commit -q -m "round ${i}: b"`, { GIT_COMMITTER_DATE: dates.child, GIT_AUTHOR_DATE: dates.child });
      const child = t.head();
      expect(t.trailers(child).join()).toContain(s.sessionId);
      t.git('push', '-q', 'origin', 'main');
      await waitForPushes(t, allDelivered(i + 1), 30_000);
      const { statement } = statementOf(bundleJson(t, child));
      expect(statement.subject.map((x) => x.digest.gitCommit).sort()).toEqual([first, child].sort());
      const material = statement.predicate.materials.find((m) => (m.data.session as { id: string }).id === s.sessionId)!;
      const cc = material.data.code_changes as { ai_lines_added: number; lines_added: number; files_created: number; files: { path: string; ai_lines_added: number }[] };
      expect({ round: i, ai: cc.ai_lines_added, all: cc.lines_added, created: cc.files_created }).toEqual({ round: i, ai: 6, all: 6, created: 2 });
      expect(cc.files.map((f) => [f.path, f.ai_lines_added]).sort()).toEqual([[`r${i}/a.txt`, 4], [`r${i}/b.txt`, 2]]);
    }
  }, 300_000); // five rounds of session, two commits, push and delivery on a shared 2-core machine
});
