import fs from 'node:fs';
import type { TracePaths } from '../paths.js';
import type { StatusResponse, StatusSession } from '../protocol/types.js';
import type { SessionStore } from '../store/sessions.js';

/** Sessions as `trace status --json` lists them, newest first. */
export function statusSessions(sessions: SessionStore, limit = 50): StatusSession[] {
  return sessions.list(limit).map((s) => ({
    id: s.id,
    agent: s.agent,
    agent_version: s.agentVersion ?? null,
    repo: s.repo,
    started_at: s.startedAt,
    ended_at: s.endedAt,
    events: s.events,
    files_touched: s.filesTouched,
  }));
}

export function spoolCounts(paths: TracePaths): StatusResponse['spool'] {
  const count = (dir: string, filter: (n: string) => boolean) => {
    try {
      return fs.readdirSync(dir).filter(filter).length;
    } catch {
      return 0;
    }
  };
  return { waiting: count(paths.spoolNew, () => true), dead: count(paths.spoolDead, (n) => !n.endsWith('.reason')) };
}
