import type { CodeChanges } from '../attribution/code-changes.js';

/** Bumped when a request or response shape changes; a client restarts a daemon that speaks another one. */
export const PROTOCOL_VERSION = 2;

/** GET /v1/hello */
export interface HelloResponse {
  name: 'ai-trace';
  version: string;
  protocol: number;
  pid: number;
  startedAt: string;
  /** process.memoryUsage() of the daemon, for `trace daemon status --json`. */
  memory?: Record<string, number>;
}

/** POST /v1/hooks/commit-msg: which sessions' agent lines are in what is being committed. */
export interface CommitMsgRequest {
  repo: string;
  indexFile?: string;
  /** The message file git passed the hook; when given, the daemon adds the trailer itself. */
  messageFile?: string;
  /** The command line of the git process running the hook (`--amend` changes what is committed). */
  gitCommand?: string;
}
export interface CommitMsgResponse {
  sessions: string[];
}

/** GET /v1/commits/:sha?repo=… — the `trace show --json` object. */
export interface ShowResponse {
  commit: string;
  sessions: string[];
  code_changes: CodeChanges;
}

/** One row of `trace status --json` sessions. */
export interface StatusSession {
  id: string;
  agent: string;
  /** The agent's version, when its records or the running client said. */
  agent_version: string | null;
  repo: string | null;
  started_at: string;
  ended_at: string | null;
  events: number;
  files_touched: string[];
}

/** GET /v1/status — the `trace status --json` object. */
export interface StatusResponse {
  daemon: { running: boolean; pid: number | null; version: string | null };
  sessions: StatusSession[];
  pushes: unknown[];
  spool: { waiting: number; dead: number };
  /** What keeps ai-trace from recording or attesting right, with the fix (absent from older daemons). */
  warnings?: { code: string; message: string; fix: string }[];
}
