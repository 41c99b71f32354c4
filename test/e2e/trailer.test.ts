/**
 * The trailer through the commit hooks' hand-off: prepare-commit-msg writes it, commit-msg puts it
 * back when the message editor removed it, `--no-verify` keeps prepare-commit-msg's, and a commit of
 * only human changes while agent work waits elsewhere gets none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

describe('the Chainloop-Trace-Sessions trailer', () => {
  it('is put back by commit-msg when the editor removed it, and kept with --no-verify', () => {
    const t = pool.create();
    const s = t.session();
    s.start();
    s.write('a.js', 'a\n');
    t.git('add', 'a.js');
    t.sh('git commit -q -e -m "first"', { GIT_EDITOR: "sed -i '/^Chainloop-Trace-Sessions:/d'" });
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);

    s.write('b.js', 'b\n');
    t.git('add', 'b.js');
    t.git('commit', '-q', '--no-verify', '-m', 'second');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    s.end();
  });

  it('is not added to a commit of human lines while agent work waits in another file', () => {
    const t = pool.create({ files: { 'human.txt': 'h\n' } });
    const s = t.session();
    s.start();
    s.write('agent.js', 'waiting\n');
    t.write('human.txt', 'h\nmore\n');
    t.git('add', 'human.txt');
    t.git('commit', '-q', '-m', 'human only');
    expect(t.trailers()).toEqual([]);
    t.git('add', 'agent.js');
    t.git('commit', '-q', '-m', 'agent');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    s.end();
  });
});
