import { describe, expect, it } from 'vitest';
import { emptySignals, type SessionSignals } from '../../src/attest/session-signals.js';
import { validateSignalsData } from '../../src/attest/verify.js';
import { scoreMarkdown, scorePullRequest, scoreSession, type ScoreInput } from '../../src/review/score/index.js';

const signals = (over: Partial<SessionSignals>): SessionSignals => {
  const s = { ...emptySignals('s'), ...over };
  expect(validateSignalsData(s)).toEqual([]);
  return s;
};
const run = (tool_call: number, outcome: 'passed' | 'failed', after_last_edit: boolean, kind: 'test' | 'build' = 'test') => ({ runner: kind === 'test' ? 'vitest' : 'tsc', kind, tool_call, outcome, after_last_edit });

/** A careful session: a human touched up the agent's code, tests passed after the last edit. */
const green: ScoreInput = {
  code_changes: {
    ai_lines_added: 30,
    files: [
      { path: 'src/parser.ts', lines_added: 30, lines_removed: 2, line_ranges: [{ start: 1, end: 22 }] },
      { path: 'test/parser.test.ts', lines_added: 10, lines_removed: 0, line_ranges: [{ start: 1, end: 8 }] },
    ],
  },
  signals: signals({ tool_calls: { total: 6, failed: 0 }, last_edit_tool_call: 3, test_runs: [run(2, 'failed', false), run(5, 'passed', true)], churn: { ai_lines_written: 32, ai_lines_removed_before_commit: 2, files: [] } }),
  violations: [],
};

/** No human edit, a dependency file changed, tests only before the last edit, a couple of failures. */
const yellow: ScoreInput = {
  code_changes: {
    ai_lines_added: 44,
    files: [
      { path: 'package.json', lines_added: 2, lines_removed: 1, line_ranges: [{ start: 12, end: 13 }] },
      { path: 'src/cache.ts', lines_added: 42, lines_removed: 0, line_ranges: [{ start: 1, end: 42 }] },
    ],
  },
  signals: signals({
    tool_calls: { total: 9, failed: 2 },
    last_edit_tool_call: 7,
    test_runs: [run(4, 'passed', false)],
    failed_tool_calls: [{ tool: 'Bash', tool_call: 3, interrupted: false }, { tool: 'Bash', tool_call: 5, interrupted: false }],
    sensitive_paths: [{ path: 'package.json', category: 'dependencies' }],
    churn: { ai_lines_written: 50, ai_lines_removed_before_commit: 6, files: [] },
  }),
  violations: [],
  humanCommits: 1,
};

/** Auth code nobody reviewed, no test at all, a secret in a tool output, a force push, a policy violation. */
const red: ScoreInput = {
  code_changes: {
    ai_lines_added: 52,
    files: [
      { path: 'src/auth/token.ts', lines_added: 40, lines_removed: 3, line_ranges: [{ start: 1, end: 40 }] },
      { path: 'src/server.ts', lines_added: 12, lines_removed: 0, line_ranges: [{ start: 5, end: 16 }] },
    ],
  },
  signals: signals({
    tool_calls: { total: 12, failed: 1 },
    interrupts: 1,
    last_edit_tool_call: 10,
    secrets: [{ rule: '@secretlint/secretlint-rule-github', message_id: 'GITHUB_TOKEN', where: 'tool_output', count: 1, tool_call: 2, tool: 'Read', file: '.env' }],
    dangerous_commands: [{ rule: 'force-push', count: 1, tool_call: 11, tool: 'Bash' }],
    failed_tool_calls: [{ tool: 'Edit', tool_call: 6, interrupted: true }],
    churn: { ai_lines_written: 120, ai_lines_removed_before_commit: 68, files: [{ path: 'src/auth/token.ts', ai_lines_written: 100, ai_lines_removed_before_commit: 60 }, { path: 'src/server.ts', ai_lines_written: 20, ai_lines_removed_before_commit: 8 }] },
    sensitive_paths: [{ path: 'src/auth/token.ts', category: 'auth-crypto' }],
  }),
  violations: [{ policy: 'approved-models', message: 'model gpt-x is not approved' }],
};

describe('the session score', () => {
  it('scores a verified, human-reviewed session green with nothing to look at', () => {
    expect(scoreSession(green)).toEqual({
      score: 100,
      flag: 'green',
      criteria: [
        { name: 'verification', score: 100, flags: ['tests-passed-after-last-edit'] },
        { name: 'human_involvement', score: 100, flags: ['human-edited'] },
        { name: 'scope', score: 100, flags: [] },
        { name: 'churn_and_failures', score: 100, flags: [] },
        { name: 'policies', score: 100, flags: [] },
      ],
      items: [],
    });
  });

  it('scores an unverified session that touched a manifest yellow, with the files to look at', () => {
    expect(scoreSession(yellow)).toEqual({
      // 30·0.30 + 20·0.60 + 20·0.85 + 15·0.90 + 15·1 = 9 + 12 + 17 + 13.5 + 15 = 66.5 → 67
      score: 67,
      flag: 'yellow',
      criteria: [
        { name: 'verification', score: 30, flags: ['no-test-after-last-edit'] },
        { name: 'human_involvement', score: 60, flags: ['human-commits-in-range'] },
        { name: 'scope', score: 85, flags: ['sensitive:dependencies'] },
        { name: 'churn_and_failures', score: 90, flags: ['failed-tool-calls'] },
        { name: 'policies', score: 100, flags: [] },
      ],
      items: [
        '`package.json`: dependency manifest or lockfile changed by the agent (2 AI lines)',
        '`src/cache.ts`: 42 AI lines, no human edit, no test run after the last edit',
        '`package.json`: 2 AI lines, no human edit, no test run after the last edit',
        '2 failed tool calls (Bash ×2)',
      ],
    });
  });

  it('scores a session with a secret, a force push, auth code and a violation red, worst first', () => {
    expect(scoreSession(red)).toEqual({
      // 30·0 + 20·0.30 + 20·0.75 + 15·(100−40−10−20)/100 + 15·0 = 0 + 6 + 15 + 4.5 + 0 = 25.5 → 26
      score: 26,
      flag: 'red',
      criteria: [
        { name: 'verification', score: 0, flags: ['no-test-run'] },
        { name: 'human_involvement', score: 30, flags: ['no-human-edit'] },
        { name: 'scope', score: 75, flags: ['sensitive:auth-crypto'] },
        { name: 'churn_and_failures', score: 30, flags: ['high-churn', 'failed-tool-calls', 'interrupted'] },
        { name: 'policies', score: 0, flags: ['policy-violation', 'secret-in-session', 'dangerous-command'] },
      ],
      items: [
        'policy `approved-models`: model gpt-x is not approved',
        'secret found (github) in the output of Read (tool call 2), `.env`',
        'tool call 11 (Bash): force push',
        '`src/auth/token.ts`: auth or crypto code changed by the agent (40 AI lines)',
        '`src/auth/token.ts`: 40 AI lines, no human edit, no test run',
        '`src/server.ts`: 12 AI lines, no human edit, no test run',
        '`src/auth/token.ts`: 60 of 100 AI lines written were removed again before commit',
        '`src/server.ts`: 8 of 20 AI lines written were removed again before commit',
        '1 failed tool call (Edit)',
        'the user interrupted the agent once',
      ],
    });
  });

  it('flags red on tests that failed after the last edit even with a middling score', () => {
    const s = scoreSession({ ...green, signals: signals({ ...green.signals, test_runs: [run(5, 'failed', true)] }) });
    expect(s.flag).toBe('red');
    expect(s.criteria[0]).toEqual({ name: 'verification', score: 10, flags: ['failed-after-last-edit'] });
    expect(s.items[0]).toBe("tests (vitest, tool call 5) failed after the agent's last edit");
  });

  it('is deterministic: the same input, in any file order, gives the same score and items', () => {
    const shuffled = { ...red, code_changes: { ...red.code_changes!, files: [...red.code_changes!.files].reverse() } };
    expect(scoreSession(shuffled)).toEqual(scoreSession(red));
    expect(JSON.stringify(scoreSession(structuredClone(red)))).toBe(JSON.stringify(scoreSession(red)));
  });

  it('says when the record has no signals, rather than guessing', () => {
    const s = scoreSession({ ...green, signals: undefined });
    expect(s.criteria[0]).toEqual({ name: 'verification', score: 50, flags: ['signals-missing'] });
  });
});

describe('the pull request score', () => {
  it('weights sessions by AI lines and takes the worst flag', () => {
    const g = scoreSession(green);
    const y = scoreSession(yellow);
    expect(scorePullRequest([{ ...g, aiLines: 30 }, { ...y, aiLines: 44 }])).toEqual({ score: Math.round((100 * 30 + 67 * 44) / 74), flag: 'yellow' });
    expect(scorePullRequest([{ ...g, aiLines: 30 }, { ...scoreSession(red), aiLines: 52 }]).flag).toBe('red');
    expect(scorePullRequest([])).toEqual({ score: 100, flag: 'green' });
  });
});

describe('the score breakdown in Markdown', () => {
  it('lists criteria with flags and the items', () => {
    const md = scoreMarkdown(scoreSession(yellow));
    expect(md).toContain('**Score 67/100** 🟡 yellow');
    expect(md).toContain('| verification | 30 | `no-test-after-last-edit` |');
    expect(md).toContain('- `src/cache.ts`: 42 AI lines, no human edit, no test run after the last edit');
  });
});
