// The daemon's HTTP API over its Unix socket: every request and reply shape, shared by client and server.
// protocol/schemas.ts holds the JSON schema fastify validates each request and serializes each reply
// with; the compiler checks that each schema names exactly the fields of its type here.
import type { SerializedBundle } from '@sigstore/bundle';
import type { CodeChanges } from '../attribution/code-changes.js';
import type { PushRow } from '../deliver/queue.js';
import type { TraceErrorCode } from '../errors.js';
import type { SessionData } from '../evidence/session-data.js';

export type { PushRow, SessionData, CodeChanges };

/** Bumped when a request or response shape changes; a client restarts a daemon that speaks another one. */
export const PROTOCOL_VERSION = 3;

/** Every 4xx/5xx answer: the code survives to the CLI (USAGE exits 2), the message says what to do. */
export interface ErrorResponse {
  error: string;
  code: TraceErrorCode;
}

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

/** POST /v1/drain: how many spool events were applied. */
export interface DrainResponse {
  ingested: number;
}

/** POST /v1/shutdown */
export interface ShutdownResponse {
  stopping: boolean;
  pid: number;
}

/** POST /v1/hooks/commit-msg: which sessions' agent lines are in what is being committed. */
export interface CommitMsgRequest {
  repo: string;
  indexFile?: string;
  /** The message file git passed the hook; when given, the daemon adds the trailer itself. */
  messageFile?: string;
  /** The command line of the git process running the hook (`--amend` changes what is committed). */
  gitCommand?: string;
  /** How long the commit may wait for queued events (TRACE_COMMIT_WAIT); past it, no session is named. */
  waitMs?: number;
}
export interface CommitMsgResponse {
  sessions: string[];
  /** Set when the queued events took longer than the commit's bound: how many were queued (the commit goes on without a trailer). */
  unanswered?: number;
}

/** `?repo=…` of GET /v1/status: the caller's repository, checked for warnings even if the daemon knows no session there. */
export interface StatusQuery {
  repo?: string;
}
/** `?repo=…` of GET /v1/commits/:sha. */
export interface RepoQuery {
  repo: string;
}
/** GET /v1/commits/:sha?repo=… — the `trace show --json` object. */
export interface ShowResponse {
  commit: string;
  sessions: string[];
  code_changes: CodeChanges;
}

/** GET /v1/sessions/:id — the `trace session show --json` object: Chainloop session evidence. */
export type SessionResponse = SessionData;

/** GET /v1/blame?repo=…&file=…[&rev=…] */
export interface BlameQuery {
  repo: string;
  file: string;
  rev?: string;
}
/** One line of `trace blame --json`. */
export interface BlameLine {
  line: number;
  origin: 'ai' | 'human' | 'base';
  session?: string;
  model?: string;
  commit?: string;
}
/** The `trace blame --json` object. */
export interface BlameResponse {
  file: string;
  lines: BlameLine[];
}

/** GET /v1/export/agent-trace?repo=…&commits=<sha>,<sha>… */
export interface ExportQuery {
  repo: string;
  commits: string;
}
/** An Agent Trace record (agent-trace.dev, trace-record schema): one per commit. */
export interface AgentTraceRecord {
  version: string;
  id: string;
  timestamp: string;
  vcs: { type: 'git'; revision: string };
  tool: { name: string; version: string };
  files: AgentTraceFile[];
  /** Agent Trace leaves it open; ai-trace puts its own keys under `dev.ai-trace`. */
  metadata: Record<string, unknown>;
}
export interface AgentTraceFile {
  path: string;
  conversations: AgentTraceConversation[];
}
export interface AgentTraceConversation {
  contributor: { type: 'ai' | 'human'; model_id?: string };
  ranges: { start_line: number; end_line: number }[];
}
export type ExportResponse = AgentTraceRecord[];

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

/** What keeps ai-trace from recording or attesting right, with the fix (src/health). */
export interface StatusWarning {
  code: string;
  message: string;
  fix: string;
}

/** GET /v1/status — the `trace status --json` object. */
export interface StatusResponse {
  daemon: { running: boolean; pid: number | null; version: string | null };
  sessions: StatusSession[];
  /** One row per delivery job, newest first. */
  pushes: PushRow[];
  spool: { waiting: number; dead: number };
  /** Absent from older daemons. */
  warnings?: StatusWarning[];
}

/** POST /v1/hooks/pre-push (enforced pre-push: requireTrace or policy gates): git's arguments and stdin. */
export interface PrePushRequest {
  repo: string;
  remote: string;
  url: string;
  /** git's pre-push stdin: one `<local ref> <local sha> <remote ref> <remote sha>` line per ref. */
  stdin: string;
  timeoutMs?: number;
  /** Values of the destinations' tokenEnv variables in the pusher's environment. */
  tokens?: Record<string, string>;
  /** What to wait for: every destination's delivery (requireTrace, the default), or only the policy gates. */
  wait?: 'delivery' | 'gates';
}
/** Whether the push may go on, and why not. */
export interface PrePushResponse {
  ok: boolean;
  /** Why the push is blocked, with what to do. */
  reason?: string;
  /** The queued push, null when the push carried no traced commit or was blocked. */
  pushId: number | null;
  commits: string[];
  /** sha256 of the attestation bundle. */
  digest?: string;
  /** The policy gates' violations, one line each. */
  blocked?: string[];
}

/** GET /v1/push/token-env: the tokenEnv names whose values `trace push --retry` sends along. */
export interface TokenEnvResponse {
  names: string[];
}

/** POST /v1/push/retry: one job (`id`) or every queued and failed one, with fresh token values. */
export interface RetryRequest {
  id?: number;
  tokens?: Record<string, string>;
}
export interface RetryResponse {
  retried: number;
  /** Without `id`: the traced commits that reached a remote unattested, attested now (or why not). */
  attested?: UnattestedRetry[];
}
/** What `trace push --retry` did for one repository and remote's unattested commits. */
export interface UnattestedRetry {
  repo: string;
  remote: string;
  commits: string[];
  /** The push that now attests them, and its delivery jobs; or why they could not be attested. */
  pushId?: number;
  jobs?: number;
  error?: string;
}

/** GET /v1/attestations?id=… | ?commit=… (a commit id or its prefix). */
export interface AttestationQuery {
  id?: string;
  commit?: string;
}
/** The signed attestation of a push. */
export interface AttestationResponse {
  /** The delivery job's id. */
  id: number;
  pushId: number;
  digest: string;
  commits: string[];
  bundle: SerializedBundle;
  publicKeyPem: string | null;
}
