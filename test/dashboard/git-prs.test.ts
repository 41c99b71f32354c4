/**
 * PRs from git alone: GitHub merge commits, GitHub squash commits and GitLab merge commits, each with
 * the commits it brought in and the sessions their trailers name; the terminal view's width.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prsFromHistory } from '../../src/dashboard/git-prs.js';
import { renderTerminal, TERMINAL_WIDTH } from '../../src/dashboard/terminal.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trace-prs-'));
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
const commit = (file: string, message: string, date: string) => {
  fs.writeFileSync(path.join(dir, file), `${file} ${message}\n`);
  git('add', '-A');
  execFileSync('git', ['commit', '-q', '-m', message], { cwd: dir, env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } });
  return git('rev-parse', 'HEAD');
};

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prsFromHistory', () => {
  it('finds GitHub merges, squashes and GitLab merge requests with their commits and trailer sessions', async () => {
    git('init', '-q', '-b', 'main');
    commit('base.txt', 'base', '2026-11-01T10:00:00Z');
    git('checkout', '-q', '-b', 'feat');
    const f1 = commit('a.txt', 'feature one\n\nChainloop-Trace-Sessions: claude-code/s-111', '2026-11-02T10:00:00Z');
    const f2 = commit('b.txt', 'feature two', '2026-11-02T11:00:00Z');
    git('checkout', '-q', 'main');
    execFileSync('git', ['merge', '-q', '--no-ff', 'feat', '-m', 'Merge pull request #12 from acme/feat'], { cwd: dir, env: { ...env, GIT_COMMITTER_DATE: '2026-11-03T10:00:00Z' } });
    const m12 = git('rev-parse', 'HEAD');
    const sq = commit('c.txt', 'Speed up the parser (#13)\n\nChainloop-Trace-Sessions: claude-code/s-222, codex/s-333', '2026-11-04T10:00:00Z');
    git('checkout', '-q', '-b', 'mr');
    const g1 = commit('d.txt', 'gitlab work', '2026-11-05T10:00:00Z');
    git('checkout', '-q', 'main');
    execFileSync('git', ['merge', '-q', '--no-ff', 'mr', '-m', "Merge branch 'mr' into 'main'\n\nGitLab work\n\nSee merge request acme/app!7"], {
      cwd: dir,
      env: { ...env, GIT_COMMITTER_DATE: '2026-11-06T10:00:00Z' },
    });
    const m7 = git('rev-parse', 'HEAD');
    commit('e.txt', 'an ordinary commit mentioning #14 in passing', '2026-11-07T10:00:00Z');

    const prs = await prsFromHistory(dir, 'https://example.com/acme/app');
    const byId = new Map(prs.map((p) => [p.id, p]));
    expect([...byId.keys()].sort()).toEqual(['acme/app!7', 'https://example.com/acme/app#12', 'https://example.com/acme/app#13']);
    const p12 = byId.get('https://example.com/acme/app#12')!;
    expect(p12).toMatchObject({ number: 12, state: 'merged', at: '2026-11-03T10:00:00.000Z', sessions: ['claude-code/s-111'] });
    expect(p12.commits.sort()).toEqual([m12, f1, f2].sort());
    expect(byId.get('https://example.com/acme/app#13')).toMatchObject({ number: 13, commits: [sq], sessions: ['claude-code/s-222', 'codex/s-333'] });
    expect(byId.get('acme/app!7')).toMatchObject({ number: 7, at: '2026-11-06T10:00:00.000Z', sessions: [] });
    expect(byId.get('acme/app!7')!.commits.sort()).toEqual([m7, g1].sort());
  });
});

describe('renderTerminal', () => {
  it('fits 100 columns with long names and shows signed deltas', () => {
    const long = `${'x'.repeat(120)}@example.com`;
    const out = renderTerminal({
      period: { from: '2026-11-29T12:00:00.000Z', to: '2026-12-06T12:00:00.000Z', name: '7d' },
      total_sessions: { value: 1234, previous: 1300, delta: -66 },
      active_users: { value: 40, previous: 38, delta: 2 },
      ai_assisted_prs: { value: 30, total: 60, share: 0.5, merged: 25, previous: 20, delta: 10 },
      ai_authored_code: { ai_lines: 120_000, human_lines: 80_000, share: 0.6, previous_share: 0.55, delta: 0.05 },
      top_users: [{ user: long, sessions: 500 }],
      model_breakdown: [{ model: `claude-${'y'.repeat(100)}`, sessions: 1234, share: 1, estimated_cost_usd: 1234.5 }],
    });
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(TERMINAL_WIDTH);
    expect(out).toMatch(/Total sessions\s+1,234\s+previous 1,300\s+−66/);
    expect(out).toMatch(/AI-assisted PRs\s+30\s+█{10}░{10} 50\.0% of 60, 25 merged\s+\+10/);
    expect(out).toMatch(/AI-authored code\s+60\.0%.*\+5\.0 pts/);
    expect(out).toContain('…');
  });
});
