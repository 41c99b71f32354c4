import type { SessionRow, TotalsRow, Violation } from './row.js';
import type { ScoreFlag } from './score/index.js';
import type { Verdict } from './verdict.js';

/** What `trace pr --json` prints: the Contract's fields first, then ai-trace's additions. */
export interface PrReport {
  verdict: Verdict;
  reasons: string[];
  /** The PR's score (0–100) and flag, from its sessions' (docs/score.md). */
  score: number;
  flag: ScoreFlag;
  missing_sessions: string[];
  sessions: SessionRow[];
  totals: TotalsRow;
  range: {
    spec: string;
    base: string;
    head: string;
    commits: number;
    /** Commits linked to at least one session (by trailer or attestation). */
    ai_commits: number;
    /** Commits no session touched. */
    human_commits: string[];
  };
  /** Violations of range-wide policies (signed commits). */
  violations: Violation[];
  /** Bundles concerning the range that were refused, and why. */
  unverified: { source: string; reason: string }[];
  labels: string[];
}
