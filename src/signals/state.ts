import {
  emptySignals, SIGNALS_LIST_CAP,
  type DangerousCommandFinding, type FailedToolCall, type SecretFinding, type SessionSignals, type TestRun,
} from '../attest/session-signals.js';
import { jsonText, scanSecrets } from '../secrets/scan.js';
import { classifyCommand, classifyReadPath, type CommandPlace } from './dangerous.js';
import type { SignalEvent } from './events.js';
import { recogniseRuns } from './runs.js';
import { sensitiveCategory } from './sensitive.js';
import type { ChurnStep } from './churn.js';

/** What ai-trace keeps of one session's signals between events (stored as JSON; no secret, prompt or command unless opted in). */
export interface SignalState {
  calls: number;
  failed: number;
  interrupts: number;
  prompts: number;
  /** Open tool calls: tool use id (or `tool:<name>` when the agent gives none) → index. */
  open: Record<string, number>;
  /** The repository file an open tool call names (a read's output is located by it). */
  openFile?: Record<string, string>;
  lastEdit?: number;
  secrets: SecretFinding[];
  dangerous: DangerousCommandFinding[];
  runs: Omit<TestRun, 'after_last_edit'>[];
  failures: FailedToolCall[];
  churn: Record<string, { written: number; removed: number }>;
  truncated: boolean;
}

/** Options the user controls. */
export interface SignalOptions {
  /** Keep the raw command of dangerous commands and test runs (signals.includeCommands). Default false. */
  includeCommands?: boolean;
}

const MAX_OPEN = 256;

export function emptyState(): SignalState {
  return { calls: 0, failed: 0, interrupts: 0, prompts: 0, open: {}, secrets: [], dangerous: [], runs: [], failures: [], churn: {}, truncated: false };
}

function push<T>(st: SignalState, list: T[], item: T): void {
  if (list.length >= SIGNALS_LIST_CAP) st.truncated = true;
  else list.push(item);
}

/** Counts secrets by rule and kind, then records one finding per rule at this location. */
function addSecrets(st: SignalState, found: { rule: string; messageId?: string }[], where: Omit<SecretFinding, 'rule' | 'message_id' | 'count'>): void {
  const byRule = new Map<string, { rule: string; messageId?: string; count: number }>();
  for (const f of found) {
    const k = `${f.rule}\0${f.messageId ?? ''}`;
    const e = byRule.get(k) ?? { rule: f.rule, ...(f.messageId ? { messageId: f.messageId } : {}), count: 0 };
    e.count++;
    byRule.set(k, e);
  }
  for (const e of byRule.values()) {
    push(st, st.secrets, { rule: e.rule, ...(e.messageId ? { message_id: e.messageId } : {}), ...where, count: e.count } as SecretFinding);
  }
}

/**
 * Folds one event into a session's signal state (mutating it). Secrets are scanned here, at capture
 * time; only the rule, the count and the location are kept.
 */
export async function applySignal(st: SignalState, ev: SignalEvent, place: CommandPlace, opts: SignalOptions = {}): Promise<void> {
  switch (ev.kind) {
    case 'prompt': {
      const idx = st.prompts++;
      addSecrets(st, await scanSecrets(ev.text), { where: 'prompt', prompt_index: idx });
      return;
    }
    case 'tool-start': {
      const idx = st.calls++;
      const key = ev.id ?? `tool:${ev.tool}`;
      st.open[key] = idx;
      if (ev.file) (st.openFile ??= {})[key] = ev.file;
      const keys = Object.keys(st.open);
      if (keys.length > MAX_OPEN) {
        delete st.open[keys[0]!];
        if (st.openFile) delete st.openFile[keys[0]!];
      }
      const loc = { tool_call: idx, tool: ev.tool, ...(ev.file ? { file: ev.file } : {}) };
      addSecrets(st, await scanSecrets(jsonText(ev.input)), { where: 'tool_input', ...loc });
      const rules = [...(ev.command ? classifyCommand(ev.command, place) : []), ...(ev.readPath ? classifyReadPath(ev.readPath, place) : [])];
      for (const rule of new Set(rules)) {
        push(st, st.dangerous, { rule, count: 1, tool_call: idx, tool: ev.tool, ...(opts.includeCommands && ev.command ? { command: ev.command } : {}) });
      }
      if (ev.command) {
        for (const r of recogniseRuns(ev.command)) {
          push(st, st.runs, { ...r, tool_call: idx, outcome: 'unknown', ...(opts.includeCommands ? { command: ev.command } : {}) });
        }
      }
      return;
    }
    case 'tool-end': {
      const key = ev.id ?? `tool:${ev.tool}`;
      const idx = st.open[key];
      const file = ev.file ?? st.openFile?.[key];
      delete st.open[key];
      if (st.openFile) delete st.openFile[key];
      const loc = { ...(idx !== undefined ? { tool_call: idx } : {}), tool: ev.tool, ...(file ? { file } : {}) };
      addSecrets(st, await scanSecrets(jsonText(ev.output)), { where: 'tool_output', ...loc });
      if (!ev.ok || ev.interrupted) {
        st.failed++;
        if (ev.interrupted) st.interrupts++;
        if (idx !== undefined) push(st, st.failures, { tool: ev.tool, tool_call: idx, interrupted: ev.interrupted, ...(file ? { file } : {}) });
      }
      if (idx !== undefined) {
        const outcome = ev.interrupted ? 'interrupted' : ev.ok ? 'passed' : 'failed';
        for (const r of st.runs) if (r.tool_call === idx) r.outcome = outcome;
      }
      return;
    }
    case 'interrupt':
      st.interrupts++;
      return;
  }
}

/** The tool call `toolUseId` (or the open call of `tool`) changed a file of the repository. */
export function noteEdit(st: SignalState, ref: { id?: string; tool?: string }): void {
  const idx = ref.id !== undefined ? st.open[ref.id] : ref.tool ? st.open[`tool:${ref.tool}`] : undefined;
  const at = idx ?? st.calls - 1;
  if (at >= 0 && (st.lastEdit === undefined || at > st.lastEdit)) st.lastEdit = at;
}

/** Adds one provenance step's churn for this session's lines in `rel`. */
export function noteChurn(st: SignalState, session: string, rel: string, step: ChurnStep): void {
  const mine = step.get(session);
  if (!mine || (mine.written === 0 && mine.removed === 0)) return;
  const e = st.churn[rel] ?? { written: 0, removed: 0 };
  e.written += mine.written;
  e.removed += mine.removed;
  if (st.churn[rel] || Object.keys(st.churn).length < SIGNALS_LIST_CAP) st.churn[rel] = e;
  else st.truncated = true;
}

/** The signals material's data for a session: its state, plus the sensitive paths among the files the agent changed. */
export function finalizeSignals(sessionId: string, st: SignalState | undefined, filesTouched: readonly string[]): SessionSignals {
  const out = emptySignals(sessionId);
  if (!st) {
    out.sensitive_paths = sensitivePaths(filesTouched);
    return out;
  }
  out.tool_calls = { total: st.calls, failed: st.failed };
  out.interrupts = st.interrupts;
  if (st.lastEdit !== undefined) out.last_edit_tool_call = st.lastEdit;
  out.secrets = st.secrets.map((s) => ({ ...s }));
  out.dangerous_commands = st.dangerous.map((d) => ({ ...d }));
  out.test_runs = st.runs.map((r) => ({ ...r, after_last_edit: st.lastEdit === undefined || r.tool_call > st.lastEdit }));
  out.failed_tool_calls = st.failures.map((f) => ({ ...f }));
  const files = Object.entries(st.churn)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, c]) => ({ path, ai_lines_written: c.written, ai_lines_removed_before_commit: Math.min(c.removed, c.written) }));
  out.churn = {
    ai_lines_written: files.reduce((n, f) => n + f.ai_lines_written, 0),
    ai_lines_removed_before_commit: files.reduce((n, f) => n + f.ai_lines_removed_before_commit, 0),
    files,
  };
  out.sensitive_paths = sensitivePaths([...new Set([...filesTouched, ...Object.keys(st.churn)])]);
  if (st.truncated) out.truncated = true;
  return out;
}

function sensitivePaths(files: readonly string[]): SessionSignals['sensitive_paths'] {
  const out: SessionSignals['sensitive_paths'] = [];
  for (const path of [...new Set(files)].sort()) {
    const category = sensitiveCategory(path);
    if (category && out.length < SIGNALS_LIST_CAP) out.push({ path, category });
  }
  return out;
}
