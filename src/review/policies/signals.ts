import { isSignalsMaterial, type SessionSignals } from '../../attest/session-signals.js';
import type { CorrelatedSession } from '../correlate.js';

/** What a policy judges: one session's aggregated material and the other materials of its attestations. */
export type PolicySubject = Pick<CorrelatedSession, 'id' | 'material' | 'companions'>;

/** One finding of a kind (a secret rule or a dangerous-command class) in a session: how often, and where. */
export interface Finding {
  rule: string;
  count: number;
  where: string[];
}

/** What the dangerous-commands and no-secrets policies read from ai-trace's signals material. */
export interface SessionSignalsView {
  secrets: Finding[];
  dangerous: Finding[];
}

/**
 * The ai-trace signals of a session (AI_TRACE_SESSION_SIGNALS materials of its attestations whose
 * `session_id` is the session's), findings summed by rule; null when no attestation carries them.
 */
export function sessionSignals(s: PolicySubject): SessionSignalsView | null {
  const mine = s.companions.filter(isSignalsMaterial).map((m) => m.data as SessionSignals).filter((d) => d.session_id === s.id);
  if (mine.length === 0) return null;
  const secrets = new Map<string, Finding>();
  const dangerous = new Map<string, Finding>();
  for (const d of mine) {
    for (const f of d.secrets ?? []) {
      const at = [f.where === 'prompt' ? `prompt ${f.prompt_index ?? '?'}` : `${f.where.replace('_', ' ')} of tool call ${f.tool_call ?? '?'}${f.tool ? ` (${f.tool})` : ''}`, f.file].filter(Boolean).join(' ');
      add(secrets, f.rule, f.count, at);
    }
    for (const f of d.dangerous_commands ?? []) add(dangerous, f.rule, f.count, `tool call ${f.tool_call} (${f.tool})`);
  }
  return { secrets: [...secrets.values()], dangerous: [...dangerous.values()] };
}

function add(into: Map<string, Finding>, rule: string, count: number, where: string): void {
  const prev = into.get(rule);
  if (prev) {
    prev.count += count;
    prev.where.push(where);
  } else into.set(rule, { rule, count, where: [where] });
}
