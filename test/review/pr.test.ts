/**
 * Issue 7, "Must show" (correlation, summary, verdict): scripted sessions through the installed hooks
 * in a real repository with a bare remote, pushed in two parts; `trace pr` on the range, on the same
 * range squashed into one commit (found by trailer), with a session no attestation holds (failure,
 * waived by skip-ai-session), and with a tampered bundle (reported, not used).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTranscript } from '../../src/demo/claude-driver.js';
import type { PrReport } from '../../src/review/report.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';
import { addBareRemote, allDelivered, ATTESTATIONS_REF, waitForPushes } from '../push/helpers.js';

const pool = new RepoPool();
let t: TestRepo;
let bare: string;
const ids = { a: 'aaaaaaaa-0000-4000-8000-000000000001', b: 'bbbbbbbb-0000-4000-8000-000000000002', c: 'cccccccc-0000-4000-8000-000000000003' };
let base: string;
let head: string;

function prJson(...args: string[]): { code: number; report: PrReport; stderr: string } {
  const r = t.trace('pr', ...args, '--json');
  let report: PrReport;
  try {
    report = JSON.parse(r.stdout) as PrReport;
  } catch {
    throw new Error(`trace pr exited ${r.code} without JSON: ${r.stderr}${r.stdout}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

function session(id: string, model: string, input: number, output: number) {
  const s = t.session(id);
  writeTranscript(s.transcriptPath, id, { model, version: '2.1.330', turns: [{ input, output, cacheRead: 0, cacheWrite: 0 }] });
  s.start();
  s.prompt('scripted');
  return s;
}

beforeAll(async () => {
  t = pool.create();
  bare = addBareRemote(t);
  base = t.head();
  t.git('checkout', '-q', '-b', 'feature');
  const a = session(ids.a, 'claude-sonnet-4-5-20250929', 1000, 2000);
  const b = session(ids.b, 'claude-opus-4-1-20250805', 100, 200);
  const c = session(ids.c, 'claude-haiku-4-5-20251001', 10000, 1000);
  // 1: A creates a.ts (4 lines); a human adds a fifth before committing
  a.write('src/a.ts', 'a1\na2\na3\na4\n');
  fs.appendFileSync(path.join(t.repo, 'src/a.ts'), 'human5\n');
  t.commitAll('a: add a.ts');
  // 2: B creates b.ts (3 lines)
  b.write('src/b.ts', 'b1\nb2\nb3\n');
  t.commitAll('b: add b.ts');
  // first part pushed: A and B will also appear in the second push
  t.git('push', '-q', '-u', 'origin', 'feature');
  await waitForPushes(t, allDelivered(1), 60_000);
  // 3: a human-only commit
  t.write('README.md', 'human notes\n');
  t.commitAll('docs: notes');
  // 4: A replaces a2 by two lines
  a.edit('src/a.ts', 'a2\n', 'a2x\na2y\n');
  t.commitAll('a: split a2');
  // 5: C creates c.ts (5 lines)
  c.write('src/c.ts', 'c1\nc2\nc3\nc4\nc5\n');
  t.commitAll('c: add c.ts');
  // 6: B rewrites b1
  b.edit('src/b.ts', 'b1\n', 'b1x\n');
  t.commitAll('b: b1x');
  for (const s of [a, b, c]) {
    s.stop();
    s.end();
  }
  t.git('push', '-q', 'origin', 'feature');
  await waitForPushes(t, allDelivered(2), 60_000);
  head = t.head();
}, 300_000);

afterAll(() => pool.cleanupAll());

/** Every session is scored (docs/score.md; exact figures pinned in score.test.ts), and so is the PR. */
function expectScores(report: PrReport): void {
  for (const s of report.sessions) {
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(100);
    expect(['green', 'yellow', 'red']).toContain(s.flag);
    expect(s.criteria!.map((c) => c.name)).toEqual(['verification', 'human_involvement', 'scope', 'churn_and_failures', 'policies']);
    expect(Array.isArray(s.items)).toBe(true);
  }
  expect(report.score).toBeGreaterThanOrEqual(0);
  expect(['green', 'yellow', 'red']).toContain(report.flag);
}

/** The rows every run over this work must give, whatever the commit ids. */
function expectRows(report: PrReport): void {
  const row = (id: string) => report.sessions.find((s) => s.id === id)!;
  expect(report.sessions.map((s) => s.id)).toEqual([ids.a, ids.b, ids.c]);
  expect(row(ids.a)).toMatchObject({
    agent: 'claude-code', agent_version: '2.1.330', model: 'claude-sonnet-4-5-20250929',
    files: 1, lines_added: 7, lines_removed: 1, ai_lines_added: 6, ai_lines_removed: 1, attribution_pct: 87.5,
    input_tokens: 1000, output_tokens: 2000, violations: [],
    files_detail: [{ path: 'src/a.ts', status: 'created', label: 'ai', lines_added: 7, lines_removed: 1 }],
  });
  expect(row(ids.a).estimated_cost_usd).toBeCloseTo(0.033, 6);
  expect(row(ids.b)).toMatchObject({
    model: 'claude-opus-4-1-20250805', files: 1, lines_added: 4, lines_removed: 1, ai_lines_added: 4, ai_lines_removed: 1, attribution_pct: 100,
    input_tokens: 100, output_tokens: 200,
    files_detail: [{ path: 'src/b.ts', status: 'created', label: 'ai', lines_added: 4, lines_removed: 1 }],
  });
  expect(row(ids.b).estimated_cost_usd).toBeCloseTo(0.0165, 6);
  expect(row(ids.c)).toMatchObject({
    model: 'claude-haiku-4-5-20251001', files: 1, lines_added: 5, lines_removed: 0, ai_lines_added: 5, ai_lines_removed: 0, attribution_pct: 100,
    input_tokens: 10000, output_tokens: 1000,
    files_detail: [{ path: 'src/c.ts', status: 'created', label: 'ai', lines_added: 5, lines_removed: 0 }],
  });
  expect(row(ids.c).estimated_cost_usd).toBeCloseTo(0.015, 6);
  for (const s of report.sessions) expect(s.duration_seconds).toBeGreaterThanOrEqual(0);
  expectScores(report);
  expect(report.totals).toMatchObject({
    sessions: 3, files: 3, lines_added: 16, lines_removed: 2, ai_lines_added: 15, ai_lines_removed: 2,
    attribution_pct: 94.4, input_tokens: 11100, output_tokens: 3200,
  });
  expect(report.totals.estimated_cost_usd).toBeCloseTo(0.0645, 6);
  expect(report.totals.duration_seconds).toBe(report.sessions.reduce((n, s) => n + s.duration_seconds, 0));
}

describe('trace pr', () => {
  it('five commits from three sessions (pushed in two parts) and a human commit: exact rows and totals', () => {
    const { code, report } = prJson(); // default range: merge-base with origin's default branch..HEAD
    expect(code).toBe(0);
    expect(report.verdict).toBe('success');
    expect(report.reasons).toEqual([]);
    expect(report.missing_sessions).toEqual([]);
    expect(report.range).toMatchObject({ base, head, commits: 6, ai_commits: 5 });
    expect(report.range.human_commits).toHaveLength(1);
    expectRows(report);
  });

  it('prints the summary as Markdown: rows, totals, a <details> block per session', () => {
    const r = t.trace('pr', `${base}..${head}`, '--link-base', 'https://github.com/acme/app');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<!-- ai-trace -->');
    expect(r.stdout).toMatch(/### ai-trace: ✅ success/);
    const a = prJson(`${base}..${head}`).report.sessions.find((s) => s.id === ids.a)!;
    expect(r.stdout).toContain(`| \`aaaaaaaa\` | claude-code 2.1.330 | claude-sonnet-4-5-20250929 | ${a.score} | 87.5% | 1 | +7 / −1 | 1,000 / 2,000 | $0.0330 |`);
    expect(r.stdout).toContain(`**Score ${a.score}/100**`);
    expect(r.stdout).toContain('| criterion | score | flags |');
    expect(r.stdout).toMatch(/\| \*\*Total\*\* \| \| \| \| \*\*94\.4%\*\* \| \*\*3\*\* \| \*\*\+16 \/ −2\*\* \| \*\*11,100 \/ 3,200\*\* \| \*\*\$0\.0645\*\* \|/);
    expect(r.stdout.match(/<details>/g)).toHaveLength(3);
    expect(r.stdout).toContain(`| created | ai | [src/a.ts](https://github.com/acme/app/blob/${head}/src/a.ts) | 7 | 1 |`);
  });

  it('finds all three sessions by trailer when the range is squashed into one commit', () => {
    const message = t.git('log', '--reverse', '--format=* %B', `${base}..${head}`);
    const squash = t.gitIn(t.repo, ['commit-tree', `${head}^{tree}`, '-p', base, '-F', '-'], `Feature (#1)\n\n${message}`).trim();
    const { code, report } = prJson(`${base}..${squash}`);
    expect(code).toBe(0);
    expect(report.range).toMatchObject({ commits: 1, ai_commits: 1, human_commits: [] });
    expectRows(report);
    expect(report.sessions.every((s) => s.commits.length === 1 && s.commits[0] === squash)).toBe(true);
  });

  it('fails on a trailer naming a session no attestation holds, and lists it; skip-ai-session waives it', () => {
    t.write('ghost.txt', 'ghost\n');
    t.git('add', 'ghost.txt');
    t.git('commit', '-q', '--no-verify', '-m', 'ghost work', '-m', 'Chainloop-Trace-Sessions: ghost-session-1');
    const ghost = t.head();
    try {
      const failed = prJson(`${base}..${ghost}`);
      expect(failed.code).toBe(1);
      expect(failed.report.verdict).toBe('failure');
      expect(failed.report.missing_sessions).toEqual(['ghost-session-1']);
      expect(failed.report.reasons).toEqual([expect.stringMatching(/^session ghost-session-1 is named by commit [0-9a-f]{12} but no attestation holds it/)]);
      expect(failed.stderr).toMatch(/^trace pr: failure: 1 reason; first: session ghost-session-1/);
      const md = t.trace('pr', `${base}..${ghost}`);
      expect(md.stdout).toContain('**⚠ Missing sessions:** `ghost-session-1`');

      const waived = prJson(`${base}..${ghost}`, '--label', 'skip-ai-session');
      expect(waived.code).toBe(0);
      expect(waived.report.verdict).toBe('success');
      expect(waived.report.reasons).toEqual([]);
      expect(waived.report.missing_sessions).toEqual(['ghost-session-1']);
    } finally {
      t.git('reset', '-q', '--hard', head);
    }
  }, 180_000); // four trace pr runs

  it('reports a tampered bundle and does not use it', () => {
    // the second push's bundle (it holds C), edited in place on the remote by someone who can push there
    const names = t.gitIn(bare, ['ls-tree', '--name-only', `${ATTESTATIONS_REF}:bundles`]).split('\n').filter(Boolean);
    const withC = names.find((n) => decoded(t.gitIn(bare, ['show', `${ATTESTATIONS_REF}:bundles/${n}`])).includes(ids.c))!;
    expect(withC).toBeDefined();
    const original = t.gitIn(bare, ['show', `${ATTESTATIONS_REF}:bundles/${withC}`]);
    const forged = original.replace(/"payload":"([^"]+)"/, (_m, p: string) => `"payload":"${Buffer.from(Buffer.from(p, 'base64').toString('utf8').replace('"total_tokens":11000', '"total_tokens":11')).toString('base64')}"`);
    expect(forged).not.toBe(original);
    const work = fs.mkdtempSync(path.join(t.tmp, 'tamper-'));
    t.gitIn(work, ['init', '-q']);
    t.gitIn(work, ['fetch', '-q', bare, ATTESTATIONS_REF]);
    t.gitIn(work, ['checkout', '-q', 'FETCH_HEAD']);
    fs.writeFileSync(path.join(work, 'bundles', withC), forged);
    t.gitIn(work, ['commit', '-qam', 'tamper']);
    t.gitIn(work, ['push', '-q', '-f', bare, `HEAD:${ATTESTATIONS_REF}`]);

    const { code, report } = prJson(`${base}..${head}`);
    expect(report.unverified).toEqual([{ source: `origin:bundles/${withC}`, reason: expect.stringMatching(/was modified/) }]);
    expect(report.reasons).toContainEqual(expect.stringMatching(/cannot be verified/));
    // nothing of the forged bundle is used: C (only in it) is missing, A and B keep their first part only
    expect(report.sessions.map((s) => s.id)).toEqual([ids.a, ids.b]);
    expect(report.sessions.find((s) => s.id === ids.a)).toMatchObject({ lines_added: 5, lines_removed: 0 });
    expect(report.missing_sessions).toEqual([ids.c]);
    expect(report.verdict).toBe('failure');
    expect(code).toBe(1);
  });
});

function decoded(bundle: string): string {
  const p = /"payload":"([^"]+)"/.exec(bundle)?.[1] ?? '';
  return Buffer.from(p, 'base64').toString('utf8');
}
