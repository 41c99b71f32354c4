import { SESSION_EVIDENCE_ID } from '../attest/statement.js';
import { BUILTIN } from './policies/config.js';
import { evaluateSessions, loadPolicySet, policyNames } from './policies/evaluate.js';
import type { PolicySubject } from './policies/signals.js';

/** One policy's result on one session, as recorded in the attestation (`predicate.policyEvaluations`), in Chainloop's spirit. */
export interface PolicyEvaluationRecord {
  name: string;
  /** The session the material describes. */
  materialName: string;
  /** Whether the policy is a gate (its violations block the push). */
  gate: boolean;
  violations: { subject: string; message: string }[];
  skipped?: boolean;
  skip_reasons?: string[];
}

/** What the policies said at push: the records for the attestation, and what blocks the push (empty: push on). */
export interface PushPolicyResult {
  evaluations: PolicyEvaluationRecord[];
  blocking: string[];
  /** A policy configuration problem that does not block (no gates configured). */
  warning?: string;
}

type Material = { 'chainloop.material.evidence.id'?: unknown; data?: unknown };

/**
 * Evaluates the repository's policies on the sessions of a push (`materials`: the attestation's
 * materials, signals included). Every per-session policy is evaluated and recorded; violations of a
 * policy named in `policies.gates` block the push, and so does a gate that cannot be evaluated (fail
 * closed). `signed-commits` is a range check: `trace pr` evaluates it, not the push.
 */
export async function pushPolicies(repo: string, rawPolicies: unknown, materials: Material[], env: NodeJS.ProcessEnv = process.env): Promise<PushPolicyResult> {
  const gatesConfigured = typeof rawPolicies === 'object' && rawPolicies !== null && Array.isArray((rawPolicies as { gates?: unknown }).gates) && ((rawPolicies as { gates: unknown[] }).gates.length > 0);
  let set: ReturnType<typeof loadPolicySet>;
  try {
    set = loadPolicySet(repo, rawPolicies);
  } catch (err) {
    const msg = (err as Error).message;
    return gatesConfigured ? { evaluations: [], blocking: [`the policy gates cannot be evaluated: ${msg}`] } : { evaluations: [], blocking: [], warning: msg };
  }
  const names = policyNames(set).filter((n) => n !== BUILTIN.signedCommits);
  const gates = new Set(set.config.gates);
  const blocking: string[] = [];
  for (const g of gates) {
    if (!policyNames(set).includes(g)) blocking.push(`policies.gates names ${g}, which is not a policy switched on here (known: ${policyNames(set).join(', ') || 'none'}); fix .chainloop.yml`);
  }
  const sessions: PolicySubject[] = materials
    .filter((m) => m['chainloop.material.evidence.id'] === SESSION_EVIDENCE_ID)
    .map((m) => ({
      id: String((m.data as { session?: { id?: unknown } }).session?.id),
      material: m as PolicySubject['material'],
      companions: materials.filter((o) => o['chainloop.material.evidence.id'] !== SESSION_EVIDENCE_ID),
    }));
  if (names.length === 0 || sessions.length === 0) return { evaluations: [], blocking };
  let outcome: Awaited<ReturnType<typeof evaluateSessions>>;
  try {
    outcome = await evaluateSessions(set, sessions, env);
  } catch (err) {
    const msg = (err as Error).message;
    return gatesConfigured ? { evaluations: [], blocking: [...blocking, `the policy gates cannot be evaluated: ${msg}`] } : { evaluations: [], blocking, warning: msg };
  }
  const evaluations: PolicyEvaluationRecord[] = [];
  for (const s of sessions) {
    const found = outcome.bySession.get(s.id) ?? [];
    for (const name of names) {
      const skipped = outcome.unevaluated.filter((u) => u.policy === name && (u.reason.includes(s.id) || !u.reason.includes('session ')));
      const violations = found.filter((v) => v.policy === name).map((v) => ({ subject: s.id, message: v.message }));
      evaluations.push({
        name,
        materialName: s.id,
        gate: gates.has(name),
        violations,
        ...(skipped.length ? { skipped: true, skip_reasons: skipped.map((u) => u.reason) } : {}),
      });
      if (!gates.has(name)) continue;
      for (const v of violations) blocking.push(`session ${s.id}: ${name}: ${v.message}`);
      for (const u of skipped) blocking.push(`gate ${name} cannot be evaluated: ${u.reason}`);
    }
  }
  return { evaluations, blocking: [...new Set(blocking)] };
}
