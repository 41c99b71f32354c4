import type { CorrelatedSession } from './correlate.js';

/** A policy violation as `trace pr --json` reports it. */
export interface Violation {
  policy: string;
  message: string;
}

/** One file a session touched in the range. */
export interface FileRow {
  path: string;
  status: string;
  /** `ai` or `human`: who wrote the file's added lines (Chainloop's per-file attribution). */
  label: string;
  lines_added: number;
  lines_removed: number;
}

/** A criterion of a session's score (filled by the score module when it exists). */
export interface ScoreCriterion {
  name: string;
  score: number;
  flags: string[];
}

/** The figures a session row and the totals row both carry. */
export interface RowFigures {
  attribution_pct: number;
  files: number;
  lines_added: number;
  lines_removed: number;
  ai_lines_added: number;
  ai_lines_removed: number;
  input_tokens: number;
  output_tokens: number;
  estimated_cost_usd: number;
  duration_seconds: number;
}

/** One session's row in `trace pr --json` (and the Markdown table): the Contract's fields, plus the range commits it touched. */
export interface SessionRow extends RowFigures {
  id: string;
  agent: string;
  agent_version: string | null;
  model: string | null;
  score: number | null;
  flag?: 'green' | 'yellow' | 'red';
  criteria?: ScoreCriterion[];
  items?: string[];
  violations: Violation[];
  files_detail: FileRow[];
  commits: string[];
}

/** What a row needs besides the session itself; `score` stays null until the score module supplies it. */
export interface RowExtras {
  violations: Violation[];
  score?: Pick<SessionRow, 'score' | 'flag' | 'criteria' | 'items'>;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** AI share (0–100, one decimal) of the added and removed lines. */
export function attributionPct(ai: number, all: number): number {
  return all > 0 ? Math.round((1000 * ai) / all) / 10 : 0;
}

/** The one place a session row is built from the aggregated material. */
export function sessionRow(s: CorrelatedSession, extras: RowExtras): SessionRow {
  const d = s.material.data as Obj;
  const agent = obj(d.agent);
  const model = obj(d.model);
  const usage = obj(d.usage);
  const cc = obj(d.code_changes);
  const session = obj(d.session);
  const files = (Array.isArray(cc.files) ? cc.files : []).map(obj).filter((f) => typeof f.path === 'string');
  const added = num(cc.lines_added);
  const removed = num(cc.lines_removed);
  const aiAdded = num(cc.ai_lines_added);
  const aiRemoved = num(cc.ai_lines_removed);
  const used = Array.isArray(model.models_used) ? model.models_used.filter((m): m is string => typeof m === 'string') : [];
  return {
    id: s.id,
    agent: str(agent.name) ?? 'unknown',
    agent_version: str(agent.version),
    model: str(model.primary) ?? used[0] ?? null,
    score: extras.score?.score ?? null,
    ...(extras.score?.flag ? { flag: extras.score.flag } : {}),
    ...(extras.score?.criteria ? { criteria: extras.score.criteria } : {}),
    ...(extras.score?.items ? { items: extras.score.items } : {}),
    attribution_pct: attributionPct(aiAdded + aiRemoved, added + removed),
    files: files.length,
    lines_added: added,
    lines_removed: removed,
    ai_lines_added: aiAdded,
    ai_lines_removed: aiRemoved,
    input_tokens: num(usage.input_tokens),
    output_tokens: num(usage.output_tokens),
    estimated_cost_usd: num(usage.estimated_cost_usd),
    duration_seconds: num(session.duration_seconds),
    violations: extras.violations,
    files_detail: files.map((f) => ({
      path: String(f.path),
      status: str(f.status) ?? 'modified',
      label: str(f.attribution) ?? 'human',
      lines_added: num(f.lines_added),
      lines_removed: num(f.lines_removed),
    })),
    commits: s.rangeCommits,
  };
}

/** The totals row: sums, distinct files, and the AI share of the summed lines. */
export interface TotalsRow extends RowFigures {
  sessions: number;
}

export function totalsRow(rows: SessionRow[]): TotalsRow {
  const sum = (k: keyof SessionRow) => rows.reduce((n, r) => n + (r[k] as number), 0);
  const t = {
    sessions: rows.length,
    files: new Set(rows.flatMap((r) => r.files_detail.map((f) => f.path))).size,
    lines_added: sum('lines_added'),
    lines_removed: sum('lines_removed'),
    ai_lines_added: sum('ai_lines_added'),
    ai_lines_removed: sum('ai_lines_removed'),
    input_tokens: sum('input_tokens'),
    output_tokens: sum('output_tokens'),
    estimated_cost_usd: Math.round(sum('estimated_cost_usd') * 1e6) / 1e6,
    duration_seconds: sum('duration_seconds'),
  };
  return { ...t, attribution_pct: attributionPct(t.ai_lines_added + t.ai_lines_removed, t.lines_added + t.lines_removed) };
}
