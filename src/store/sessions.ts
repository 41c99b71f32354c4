import type { DB } from './db.js';

/** A subagent run inside a session. */
export interface SubagentRecord {
  id: string;
  type?: string;
  description?: string;
  tokens?: { input: number; output: number };
}

/** What the store keeps of one agent session. */
export interface SessionRecord {
  id: string;
  agent: string;
  agentVersion: string | null;
  repo: string | null;
  cwd: string | null;
  transcriptPath: string | null;
  slug: string | null;
  model: string | null;
  startedAt: string;
  endedAt: string | null;
  events: number;
  prompts: number;
  stops: number;
  tools: Record<string, number>;
  subagents: SubagentRecord[];
  filesTouched: string[];
  warnings: string[];
  transcriptState: unknown;
  subagentStates: Record<string, unknown>;
}

interface Row {
  id: string;
  agent: string;
  agent_version: string | null;
  repo: string | null;
  cwd: string | null;
  transcript_path: string | null;
  slug: string | null;
  model: string | null;
  started_at: string;
  ended_at: string | null;
  events: number;
  prompts: number;
  stops: number;
  tools: string;
  subagents: string;
  files_touched: string;
  warnings: string;
  transcript_state: string | null;
  subagent_states: string;
}

function fromRow(r: Row): SessionRecord {
  return {
    id: r.id,
    agent: r.agent,
    agentVersion: r.agent_version,
    repo: r.repo,
    cwd: r.cwd,
    transcriptPath: r.transcript_path,
    slug: r.slug,
    model: r.model,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    events: r.events,
    prompts: r.prompts,
    stops: r.stops,
    tools: JSON.parse(r.tools) as Record<string, number>,
    subagents: JSON.parse(r.subagents) as SubagentRecord[],
    filesTouched: JSON.parse(r.files_touched) as string[],
    warnings: JSON.parse(r.warnings) as string[],
    transcriptState: r.transcript_state ? JSON.parse(r.transcript_state) : null,
    subagentStates: JSON.parse(r.subagent_states) as Record<string, unknown>,
  };
}

/** Sessions table queries. */
/** A session keeps at most this many warnings (each told once). */
export const MAX_SESSION_WARNINGS = 50;

export class SessionStore {
  constructor(private readonly db: DB) {}

  get(id: string): SessionRecord | undefined {
    const r = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return r && fromRow(r);
  }

  /** Sessions whose id starts with `prefix` (for abbreviated ids on the command line). */
  findByPrefix(prefix: string): SessionRecord[] {
    return (this.db.prepare("SELECT * FROM sessions WHERE id LIKE ? ESCAPE '\\' LIMIT 5").all(prefix.replace(/[%_\\]/g, '\\$&') + '%') as Row[]).map(fromRow);
  }

  list(limit = 100): SessionRecord[] {
    return (this.db.prepare('SELECT * FROM sessions ORDER BY started_at DESC LIMIT ?').all(limit) as Row[]).map(fromRow);
  }

  ensure(id: string, init: { agent: string; startedAt: string; repo?: string | null; cwd?: string | null }): SessionRecord {
    this.db
      .prepare('INSERT OR IGNORE INTO sessions (id, agent, started_at, repo, cwd) VALUES (?, ?, ?, ?, ?)')
      .run(id, init.agent, init.startedAt, init.repo ?? null, init.cwd ?? null);
    return this.get(id)!;
  }

  save(s: SessionRecord): void {
    this.db
      .prepare(
        `UPDATE sessions SET agent = ?, agent_version = ?, repo = ?, cwd = ?, transcript_path = ?, slug = ?, model = ?,
           started_at = ?, ended_at = ?, events = ?, prompts = ?, stops = ?, tools = ?, subagents = ?, files_touched = ?,
           warnings = ?, transcript_state = ?, subagent_states = ? WHERE id = ?`,
      )
      .run(
        s.agent, s.agentVersion, s.repo, s.cwd, s.transcriptPath, s.slug, s.model, s.startedAt, s.endedAt, s.events,
        s.prompts, s.stops, JSON.stringify(s.tools), JSON.stringify(s.subagents), JSON.stringify(s.filesTouched),
        JSON.stringify(s.warnings), s.transcriptState == null ? null : JSON.stringify(s.transcriptState),
        JSON.stringify(s.subagentStates), s.id,
      );
  }
}
