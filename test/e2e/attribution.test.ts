/**
 * Line attribution end to end: scripted Claude Code sessions through the installed hooks, human edits
 * in between, real git commits through the installed git hooks, and the exact `trace show --json`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { changes, file, show, stageHunks } from '../helpers/attribution.js';
import { lines, r, RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

describe('trace show --json after a commit', () => {
  it('an AI-only file: every line the agent wrote, the session in the trailer', () => {
    const t = pool.create();
    const s = t.session();
    s.start();
    s.prompt('write a module');
    s.write('src/ai.js', 'export const a = 1;\nexport const b = 2;\nexport const c = 3;\n');
    s.stop();
    s.end();
    const sha = t.commitAll('AI module');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(show(t)).toEqual({
      commit: sha,
      sessions: [s.sessionId],
      code_changes: changes([
        file({ path: 'src/ai.js', status: 'created', lines_added: 3, attribution: 'ai', line_ranges: [r(1, 3)], ai_lines_added: 3, session_ids: [s.sessionId] }),
      ]),
    });
  });

  it('a human-only file committed without any session: no trailer, every line human', () => {
    const t = pool.create({ files: { 'README.md': '# x\n' } });
    t.write('notes.txt', 'one\ntwo\n');
    t.write('README.md', '# x\n\nmore\n');
    const sha = t.commitAll('notes');
    expect(t.trailers()).toEqual([]);
    expect(t.git('log', '-1', '--format=%B')).toBe('notes\n\n');
    expect(show(t)).toEqual({
      commit: sha,
      sessions: [],
      code_changes: changes([
        file({ path: 'README.md', lines_added: 2, human_line_ranges: [r(2, 3)], human_lines_added: 2 }),
        file({ path: 'notes.txt', status: 'created', lines_added: 2, human_line_ranges: [r(1, 2)], human_lines_added: 2 }),
      ]),
    });

    // once a session has been traced in the repository, a human-only commit still gets no trailer
    const s = t.session();
    s.start();
    s.write('ai.txt', 'ai\n');
    s.end();
    t.commitAll('agent');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    t.write('notes.txt', 'one\ntwo\nthree\n');
    const human = t.commitAll('more notes');
    expect(t.trailers()).toEqual([]);
    expect(show(t)).toEqual({
      commit: human,
      sessions: [],
      code_changes: changes([file({ path: 'notes.txt', lines_added: 1, human_line_ranges: [r(3)], human_lines_added: 1 })]),
    });
  });

  it('a file a human edited before, between and after the agent: human lines next to and replacing AI lines', () => {
    const t = pool.create({ files: { 'app.txt': 'b1\nb2\nb3\nb4\nb5\n' } });
    // before the session: the human replaces b2
    t.write('app.txt', 'b1\nH1\nb3\nb4\nb5\n');
    const s = t.session();
    s.start();
    s.prompt('work on app.txt');
    s.edit('app.txt', 'b4', 'A1\nA2\nA3');
    // between the agent's edits: the human replaces A1 and adds a line right after A3
    t.write('app.txt', 'b1\nH1\nb3\nH3\nA2\nA3\nH2\nb5\n');
    s.edit('app.txt', 'b5', 'b5\nA4\nA5');
    s.stop();
    s.end();
    // after the session: the human puts a line inside the agent's block and replaces A5
    expect(t.read('app.txt')).toBe('b1\nH1\nb3\nH3\nA2\nA3\nH2\nb5\nA4\nA5\n');
    t.write('app.txt', 'b1\nH1\nb3\nH3\nA2\nH5\nA3\nH2\nb5\nA4\nH4\n');
    const sha = t.commitAll('app');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    // 1 b1, 2 H1, 3 b3, 4 H3, 5 A2, 6 H5, 7 A3, 8 H2, 9 b5, 10 A4, 11 H4; removed: b2 (human), b4 (agent)
    expect(show(t)).toEqual({
      commit: sha,
      sessions: [s.sessionId],
      code_changes: changes([
        file({
          path: 'app.txt',
          lines_added: 8,
          lines_removed: 2,
          attribution: 'ai',
          line_ranges: [r(5), r(7), r(10)],
          human_line_ranges: [r(2), r(4), r(6), r(8), r(11)],
          ai_lines_added: 3,
          ai_lines_removed: 1,
          human_lines_added: 5,
          human_lines_removed: 1,
          session_ids: [s.sessionId],
        }),
      ]),
    });
  });

  it('partial staging: the committed blob counts, not the work tree; the next commit gets the rest', () => {
    const t = pool.create({ files: { 'part.txt': lines('p', 20) } });
    const s = t.session();
    s.start();
    s.edit('part.txt', 'p2\n', 'A-top\n');
    s.edit('part.txt', 'p18\n', 'A-bottom\n');
    s.stop();
    s.end();
    t.write('part.txt', t.read('part.txt').replace('p10\n', 'H-mid\n'));
    t.write('other.txt', 'unstaged human file\n');
    // stage the agent's top hunk and the human's middle hunk only
    stageHunks(t, 'part.txt', [0, 1]);
    const first = t.commit('first part');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(t.git('show', 'HEAD:part.txt')).not.toContain('A-bottom');
    expect(show(t)).toEqual({
      commit: first,
      sessions: [s.sessionId],
      code_changes: changes([
        file({
          path: 'part.txt', lines_added: 2, lines_removed: 2, attribution: 'ai',
          line_ranges: [r(2)], human_line_ranges: [r(10)],
          ai_lines_added: 1, ai_lines_removed: 1, human_lines_added: 1, human_lines_removed: 1, session_ids: [s.sessionId],
        }),
      ]),
    });

    const second = t.commitAll('the rest');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(show(t)).toEqual({
      commit: second,
      sessions: [s.sessionId],
      code_changes: changes([
        file({ path: 'other.txt', status: 'created', lines_added: 1, human_line_ranges: [r(1)], human_lines_added: 1 }),
        file({
          path: 'part.txt', lines_added: 1, lines_removed: 1, attribution: 'ai',
          line_ranges: [r(18)], ai_lines_added: 1, ai_lines_removed: 1, session_ids: [s.sessionId],
        }),
      ]),
    });
    // the first commit's attribution did not change
    expect(show(t, first).code_changes.files[0]).toMatchObject({ line_ranges: [r(2)], human_line_ranges: [r(10)] });
  });
});
