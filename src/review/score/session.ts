import { isSignalsMaterial, type SessionSignals } from '../../attest/session-signals.js';
import type { CorrelatedSession } from '../correlate.js';
import type { Violation } from '../row.js';
import { scoreSession, type ScoreInput, type SessionScore } from './score.js';

/**
 * The session's signals from the materials beside it. Each push carries the whole session's signals so
 * far, so of a session pushed in parts the latest snapshot (most tool calls) is the one that counts.
 */
export function signalsOf(s: Pick<CorrelatedSession, 'id' | 'companions'>): SessionSignals | undefined {
  let best: SessionSignals | undefined;
  for (const m of s.companions) {
    if (!isSignalsMaterial(m) || m.data.session_id !== s.id) continue;
    if (!best || m.data.tool_calls.total >= best.tool_calls.total) best = m.data;
  }
  return best;
}

/** The score of a correlated session: its aggregated material, its signals, its policy results, the range's human commits. */
export function scoreCorrelated(s: Pick<CorrelatedSession, 'id' | 'material' | 'companions'>, violations: Violation[], humanCommits: number): SessionScore {
  const data = s.material.data as { code_changes?: ScoreInput['code_changes'] };
  const cc = data.code_changes && Array.isArray(data.code_changes.files) ? data.code_changes : undefined;
  const signals = signalsOf(s);
  return scoreSession({ ...(cc ? { code_changes: cc } : {}), ...(signals ? { signals } : {}), violations, humanCommits });
}
