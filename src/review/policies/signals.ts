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

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** Evidence id prefix of ai-trace's own materials (the signals material among them). */
const AI_TRACE_MATERIAL = /^AI_TRACE_/;

/**
 * The ai-trace signals of a session, read from the signals material of its attestations (the
 * material's `data.session_id`, or `data.session.id`, names the session), or null when none holds it.
 * Several parts' findings are summed by rule.
 */
export function sessionSignals(s: PolicySubject): SessionSignalsView | null {
  const mine = s.companions.filter((m) => {
    if (!AI_TRACE_MATERIAL.test(String(m['chainloop.material.evidence.id'] ?? ''))) return false;
    const d = obj(m.data);
    return d.session_id === s.id || obj(d.session).id === s.id;
  });
  if (mine.length === 0) return null;
  const secrets = new Map<string, Finding>();
  const dangerous = new Map<string, Finding>();
  for (const m of mine) {
    const d = obj(m.data);
    collect(secrets, d.secrets ?? obj(d.findings).secrets);
    collect(dangerous, d.dangerous_commands ?? obj(d.findings).dangerous_commands);
  }
  return { secrets: [...secrets.values()], dangerous: [...dangerous.values()] };
}

function collect(into: Map<string, Finding>, list: unknown): void {
  for (const f of Array.isArray(list) ? list.map(obj) : []) {
    const rule = String(f.rule ?? f.rule_id ?? f.class ?? 'unknown');
    const count = typeof f.count === 'number' ? f.count : 1;
    const where = (Array.isArray(f.locations) ? f.locations : Array.isArray(f.where) ? f.where : []).map(describe);
    const prev = into.get(rule);
    into.set(rule, prev ? { rule, count: prev.count + count, where: [...prev.where, ...where] } : { rule, count, where });
  }
}

function describe(loc: unknown): string {
  const l = obj(loc);
  const parts = [
    typeof l.tool_call === 'number' || typeof l.tool_call_index === 'number' ? `tool call ${String(l.tool_call ?? l.tool_call_index)}` : '',
    typeof l.tool === 'string' ? l.tool : '',
    typeof l.file === 'string' ? l.file : typeof l.path === 'string' ? l.path : '',
    typeof l.field === 'string' ? l.field : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : typeof loc === 'string' ? loc : JSON.stringify(loc);
}
