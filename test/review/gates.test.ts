/**
 * Issue 7, "Must show" (gates): a policy marked as a gate in `.chainloop.yml` and violated at push
 * fails `git push` with its message; the same policy ungated lets the push through, is recorded in
 * the attestation, and shows in `trace pr`. Real hooks, real daemon, a bare remote.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrReport } from '../../src/review/report.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';
import { addBareRemote, allDelivered, bundleJson, statementOf, tracedCommit, waitForPushes } from '../push/helpers.js';

const pool = new RepoPool();

/** Replaces the `policies:` section of .chainloop.yml and commits it as a human. */
function setPolicies(t: TestRepo, yaml: string): void {
  const file = path.join(t.repo, '.chainloop.yml');
  const kept = fs.readFileSync(file, 'utf8').split(/^policies:/m)[0]!.trimEnd();
  fs.writeFileSync(file, `${kept}\n${yaml}`);
  t.git('add', '.chainloop.yml');
  t.git('commit', '-q', '-m', 'policies');
}
afterEach(() => pool.cleanupAll());

describe('policy gates at push', () => {
  it('a gated violation fails git push with its message; ungated, the push goes through and trace pr shows it', async () => {
    const t = pool.create();
    addBareRemote(t);
    const base = t.head();
    // the scripted session's transcript uses 53 tokens (3 in, 50 out)
    setPolicies(t, 'policies:\n  tokenBudget: 10\n  gates: [token-budget]\n');
    const traced = tracedCommit(t, 'src/gated.ts', 'export const gated = 1;\n');

    const blocked = t.sh('git push -u origin main 2>&1; echo "exit=$?"').trim();
    expect(blocked).toMatch(/exit=1$/);
    expect(blocked).toContain('ai-trace: push blocked (AI policy gates): AI policy gate failed:');
    expect(blocked).toContain(`  - session ${traced.session}: token-budget: Session used 53 tokens, exceeding the 10 token budget`);
    expect(blocked).toMatch(/change policies\.gates in \.chainloop\.yml/);
    expect(t.gitIn(t.root, ['--git-dir', `${t.root}/remote.git`, 'rev-parse', 'main']).trim()).toBe(base);

    // the same policy, not a gate: the push goes through; the result is recorded and trace pr fails on it
    setPolicies(t, 'policies:\n  tokenBudget: 10\n');
    const sh = t.sh('git push -q -u origin main 2>&1; echo "exit=$?"').trim();
    expect(sh).toMatch(/exit=0$/);
    await waitForPushes(t, allDelivered(1), 60_000);
    const { statement } = statementOf(bundleJson(t, traced.sha));
    expect(statement.predicate.policyEvaluations).toEqual([
      { name: 'token-budget', materialName: traced.session, gate: false, violations: [{ subject: traced.session, message: 'Session used 53 tokens, exceeding the 10 token budget' }] },
    ]);

    const r = t.trace('pr', `${base}..HEAD`, '--json');
    const report = JSON.parse(r.stdout) as PrReport;
    expect(r.code).toBe(1);
    expect(report.verdict).toBe('failure');
    expect(report.sessions.map((s) => [s.id, s.violations])).toEqual([[traced.session, [{ policy: 'token-budget', message: 'Session used 53 tokens, exceeding the 10 token budget' }]]]);
  }, 180_000); // two pushes, a delivery and a trace pr

  it('a gate that passes lets the push through', async () => {
    const t = pool.create();
    addBareRemote(t);
    setPolicies(t, 'policies:\n  tokenBudget: 1000\n  approvedModels: ["claude-sonnet-*"]\n  gates: [token-budget, approved-models]\n');
    tracedCommit(t, 'src/ok.ts', 'export const ok = 1;\n');
    expect(t.sh('git push -q -u origin main 2>&1; echo "exit=$?"').trim()).toMatch(/exit=0$/);
    await waitForPushes(t, allDelivered(1), 60_000);
  });
});
