import type { RejectedAttestation } from './attestations.js';
import type { SessionRow, Violation } from './row.js';

/** The check's conclusion, as GitHub check runs and GitLab statuses name it. */
export type Verdict = 'success' | 'failure' | 'neutral';

/** The label (and PR label) that waives the missing-session failure. */
export const SKIP_LABEL = 'skip-ai-session';

/** Everything the verdict depends on. */
export interface VerdictInput {
  sessions: SessionRow[];
  /** Violations of range-wide policies (signed commits). */
  rangeViolations: Violation[];
  missing: { id: string; commits: string[] }[];
  labels: string[];
  rejected: RejectedAttestation[];
  /** Why a policy could not be evaluated (a Rego policy with no opa). */
  unevaluated: string[];
}

/**
 * `failure` when a session violates a policy, a range-wide policy fails, or a commit names a session
 * no attestation holds (unless the skip label is given); `neutral` when something could not be
 * evaluated (an unverifiable bundle, a policy engine that is missing); `success` otherwise. Reasons
 * list every failure first, then every cause of neutrality.
 */
export function decideVerdict(input: VerdictInput): { verdict: Verdict; reasons: string[] } {
  const failures: string[] = [];
  for (const s of input.sessions) {
    for (const v of s.violations) failures.push(`session ${s.id} violates ${v.policy}: ${v.message}`);
  }
  for (const v of input.rangeViolations) failures.push(`${v.policy}: ${v.message}`);
  if (!input.labels.includes(SKIP_LABEL)) {
    for (const m of input.missing) {
      failures.push(`session ${m.id} is named by commit ${m.commits.map((c) => c.slice(0, 12)).join(', ')} but no attestation holds it (push it from the machine that ran it, or label the PR ${SKIP_LABEL})`);
    }
  }
  const neutral = [
    ...input.rejected.map((r) => `attestation ${r.digest ? r.digest.slice(0, 12) : r.source} cannot be verified: ${r.reason}`),
    ...input.unevaluated,
  ];
  const verdict: Verdict = failures.length ? 'failure' : neutral.length ? 'neutral' : 'success';
  return { verdict, reasons: [...failures, ...neutral] };
}
