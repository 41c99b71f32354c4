// The JSON schemas of the daemon's API: fastify validates each request with them (a missing or mistyped
// field is a 400 with code USAGE, never a TypeError in a handler) and serializes each reply with them
// (only the fields the protocol names leave the daemon; a reply missing a required field is a 500).
// Each object schema is built by objectOf<T>(), which makes the compiler check it against its type in
// types.ts: a property for every field of T and no other, `required` naming exactly T's required fields.
import { TRACE_ERROR_CODES } from '../errors.js';
import type { LineRange } from '../attribution/ranges.js';
import type { FileChange } from '../attribution/code-changes.js';
import type { GitContext, UnknownUsage } from '../evidence/session-data.js';
import type { SessionUsage } from '../agents/adapter.js';
import type {
  AgentTraceConversation,
  AgentTraceFile,
  AgentTraceRecord,
  AttestationQuery,
  AttestationResponse,
  BlameLine,
  BlameQuery,
  BlameResponse,
  CodeChanges,
  CommitMsgRequest,
  CommitMsgResponse,
  DrainResponse,
  ErrorResponse,
  ExportQuery,
  HelloResponse,
  PrePushRequest,
  PrePushResponse,
  PushRow,
  RepoQuery,
  RetryRequest,
  RetryResponse,
  SessionData,
  ShowResponse,
  ShutdownResponse,
  StatusQuery,
  StatusResponse,
  StatusSession,
  StatusWarning,
  TokenEnvResponse,
  UnattestedRetry,
} from './types.js';

type Schema = { readonly [key: string]: unknown };
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];

/**
 * The schema of object type T. `properties` must name every field of T and nothing else; `required`
 * must list every required field of T (a missing one makes the argument `never`: a compile error).
 */
export function objectOf<T>() {
  return <const R extends readonly RequiredKeys<T>[]>(
    properties: { readonly [K in keyof Required<T>]: Schema },
    required: R & ([RequiredKeys<T>] extends [R[number]] ? unknown : never),
  ) => ({ type: 'object', additionalProperties: false, required, properties }) as const;
}

const str = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const numOrNull = { type: ['number', 'null'] } as const;
const strings = { type: 'array', items: str } as const;
const arrayOf = <S extends Schema>(items: S) => ({ type: 'array', items }) as const;
const oneOf = <const V extends readonly string[]>(values: V) => ({ type: 'string', enum: values }) as const;
/** A map of environment variable names to values (tokens): never more than the names allow. */
const envValues = { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: str } as const;
/** An object whose format another schema owns (the Sigstore bundle, Agent Trace's open metadata): passed through whole. */
const opaqueObject = { type: 'object', additionalProperties: true } as const;
const sha = { type: 'string', pattern: '^[0-9a-fA-F]{4,64}$' } as const;

/** The 4xx and 5xx answers. */
export const errorReply = objectOf<ErrorResponse>()({ error: str, code: oneOf(TRACE_ERROR_CODES) }, ['error', 'code']);

/** A route's reply schemas: `ok` for 200, the coded error otherwise. */
export const replies = <S extends Schema>(ok: S) => ({ 200: ok, '4xx': errorReply, '5xx': errorReply }) as const;

// ---- GET /v1/hello, POST /v1/drain, POST /v1/shutdown

export const helloReply = objectOf<HelloResponse>()(
  { name: oneOf(['ai-trace']), version: str, protocol: int, pid: int, startedAt: str, memory: { type: 'object', additionalProperties: num } },
  ['name', 'version', 'protocol', 'pid', 'startedAt'],
);
export const drainReply = objectOf<DrainResponse>()({ ingested: int }, ['ingested']);
export const shutdownReply = objectOf<ShutdownResponse>()({ stopping: bool, pid: int }, ['stopping', 'pid']);

// ---- POST /v1/hooks/commit-msg

export const commitMsgBody = objectOf<CommitMsgRequest>()({ repo: nonEmpty, messageFile: str, indexFile: str, gitCommand: str, waitMs: int }, ['repo']);
export const commitMsgReply = objectOf<CommitMsgResponse>()({ sessions: strings, unanswered: int }, ['sessions']);

// ---- GET /v1/commits/:sha

const lineRange = objectOf<LineRange>()({ start: int, end: int }, ['start', 'end']);
const fileChange = objectOf<FileChange>()(
  {
    path: str,
    old_path: str,
    status: oneOf(['created', 'modified', 'deleted', 'renamed']),
    binary: bool,
    lines_added: int,
    lines_removed: int,
    attribution: oneOf(['ai', 'human']),
    line_ranges: arrayOf(lineRange),
    human_line_ranges: arrayOf(lineRange),
    ai_lines_added: int,
    ai_lines_removed: int,
    human_lines_added: int,
    human_lines_removed: int,
    session_ids: strings,
  },
  ['path', 'status', 'lines_added', 'lines_removed', 'attribution', 'line_ranges', 'human_line_ranges', 'ai_lines_added', 'ai_lines_removed', 'human_lines_added', 'human_lines_removed', 'session_ids'],
);
const codeChanges = objectOf<CodeChanges>()(
  {
    files_modified: int,
    files_created: int,
    files_deleted: int,
    lines_added: int,
    lines_removed: int,
    ai_lines_added: int,
    ai_lines_removed: int,
    human_lines_added: int,
    human_lines_removed: int,
    files: arrayOf(fileChange),
  },
  ['files_modified', 'files_created', 'files_deleted', 'lines_added', 'lines_removed', 'ai_lines_added', 'ai_lines_removed', 'human_lines_added', 'human_lines_removed', 'files'],
);
export const repoQuery = objectOf<RepoQuery>()({ repo: nonEmpty }, ['repo']);
export const shaParams = objectOf<{ sha: string }>()({ sha: nonEmpty }, ['sha']);
export const showReply = objectOf<ShowResponse>()({ commit: str, sessions: strings, code_changes: codeChanges }, ['commit', 'sessions', 'code_changes']);

// ---- GET /v1/sessions/:id

type D = SessionData;
const usage = objectOf<SessionUsage | UnknownUsage>()(
  {
    input_tokens: numOrNull,
    output_tokens: numOrNull,
    cache_read_input_tokens: numOrNull,
    cache_creation_input_tokens: numOrNull,
    total_tokens: numOrNull,
    estimated_cost_usd: numOrNull,
  },
  ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'total_tokens', 'estimated_cost_usd'],
);
const subagent = objectOf<NonNullable<D['subagents']>[number]>()(
  { id: str, type: str, description: str, tokens: objectOf<{ input: number; output: number }>()({ input: num, output: num }, ['input', 'output']) },
  ['id'],
);
export const sessionParams = objectOf<{ id: string }>()({ id: { type: 'string', minLength: 1, maxLength: 512 } }, ['id']);
export const sessionReply = objectOf<D>()(
  {
    schema_version: str,
    agent: objectOf<D['agent']>()({ name: str, version: str }, ['name']),
    session: objectOf<D['session']>()({ id: str, slug: str, started_at: str, ended_at: str, duration_seconds: num }, ['id', 'started_at', 'duration_seconds']),
    git_context: objectOf<GitContext>()(
      { repository: str, branch: str, work_dir: str, commit_start: str, commit_end: str, commits: strings, commit_count: int },
      ['commits', 'commit_count'],
    ),
    code_changes: codeChanges,
    model: objectOf<NonNullable<D['model']>>()({ primary: str, provider: str, models_used: strings }, ['provider', 'models_used']),
    usage,
    tools_used: objectOf<NonNullable<D['tools_used']>>()(
      {
        summary: arrayOf(objectOf<{ tool_name: string; invocation_count: number }>()({ tool_name: str, invocation_count: int }, ['tool_name', 'invocation_count'])),
        total_invocations: int,
      },
      ['summary', 'total_invocations'],
    ),
    conversation: objectOf<NonNullable<D['conversation']>>()({ total_messages: int, user_messages: int, assistant_messages: int }, ['total_messages', 'user_messages', 'assistant_messages']),
    subagents: arrayOf(subagent),
    warnings: strings,
  },
  ['schema_version', 'agent', 'session'],
);

// ---- GET /v1/blame, GET /v1/export/agent-trace

export const blameQuery = objectOf<BlameQuery>()({ repo: nonEmpty, file: nonEmpty, rev: str }, ['repo', 'file']);
export const blameReply = objectOf<BlameResponse>()(
  {
    file: str,
    lines: arrayOf(objectOf<BlameLine>()({ line: int, origin: oneOf(['ai', 'human', 'base']), session: str, model: str, commit: str }, ['line', 'origin'])),
  },
  ['file', 'lines'],
);

export const exportQuery = objectOf<ExportQuery>()({ repo: nonEmpty, commits: { type: 'string', pattern: '^([0-9a-fA-F]{4,64}(,[0-9a-fA-F]{4,64})*)?$' } }, ['repo', 'commits']);
const conversation = objectOf<AgentTraceConversation>()(
  {
    contributor: objectOf<AgentTraceConversation['contributor']>()({ type: oneOf(['ai', 'human']), model_id: str }, ['type']),
    ranges: arrayOf(objectOf<{ start_line: number; end_line: number }>()({ start_line: int, end_line: int }, ['start_line', 'end_line'])),
  },
  ['contributor', 'ranges'],
);
export const exportReply = arrayOf(
  objectOf<AgentTraceRecord>()(
    {
      version: str,
      id: str,
      timestamp: str,
      vcs: objectOf<AgentTraceRecord['vcs']>()({ type: oneOf(['git']), revision: str }, ['type', 'revision']),
      tool: objectOf<AgentTraceRecord['tool']>()({ name: str, version: str }, ['name', 'version']),
      files: arrayOf(objectOf<AgentTraceFile>()({ path: str, conversations: arrayOf(conversation) }, ['path', 'conversations'])),
      metadata: opaqueObject,
    },
    ['version', 'id', 'timestamp', 'vcs', 'tool', 'files', 'metadata'],
  ),
);

// ---- GET /v1/status

const statusSession = objectOf<StatusSession>()(
  { id: str, agent: str, agent_version: strOrNull, repo: strOrNull, started_at: str, ended_at: strOrNull, events: int, files_touched: strings },
  ['id', 'agent', 'agent_version', 'repo', 'started_at', 'ended_at', 'events', 'files_touched'],
);
const pushRow = objectOf<PushRow>()(
  {
    id: int,
    repo: str,
    remote: str,
    destination: str,
    state: oneOf(['queued', 'delivering', 'delivered', 'failed']),
    attempts: int,
    next_attempt_at: strOrNull,
    last_error: strOrNull,
    attestation_digest: str,
    commits: strings,
  },
  ['id', 'repo', 'remote', 'destination', 'state', 'attempts', 'next_attempt_at', 'last_error', 'attestation_digest', 'commits'],
);
export const statusQuery = objectOf<StatusQuery>()({ repo: nonEmpty }, []);
export const statusReply = objectOf<StatusResponse>()(
  {
    daemon: objectOf<StatusResponse['daemon']>()({ running: bool, pid: intOrNull, version: strOrNull }, ['running', 'pid', 'version']),
    sessions: arrayOf(statusSession),
    pushes: arrayOf(pushRow),
    spool: objectOf<StatusResponse['spool']>()({ waiting: int, dead: int }, ['waiting', 'dead']),
    warnings: arrayOf(objectOf<StatusWarning>()({ code: str, message: str, fix: str }, ['code', 'message', 'fix'])),
  },
  ['daemon', 'sessions', 'pushes', 'spool'],
);

// ---- the push API: POST /v1/hooks/pre-push, GET /v1/push/token-env, POST /v1/push/retry, GET /v1/attestations

export const prePushBody = objectOf<PrePushRequest>()(
  { repo: nonEmpty, remote: str, url: str, stdin: str, timeoutMs: { type: 'integer', minimum: 0 }, tokens: envValues, wait: oneOf(['delivery', 'gates']) },
  ['repo', 'remote', 'url', 'stdin'],
);
export const prePushReply = objectOf<PrePushResponse>()(
  { ok: bool, reason: str, pushId: intOrNull, commits: strings, digest: str, blocked: strings },
  ['ok', 'pushId', 'commits'],
);
export const tokenEnvReply = objectOf<TokenEnvResponse>()({ names: strings }, ['names']);
export const retryBody = objectOf<RetryRequest>()({ id: { type: 'integer', minimum: 1 }, tokens: envValues }, []);
const unattestedRetry = objectOf<UnattestedRetry>()({ repo: str, remote: str, commits: strings, pushId: int, jobs: int, error: str }, ['repo', 'remote', 'commits']);
export const retryReply = objectOf<RetryResponse>()({ retried: int, attested: arrayOf(unattestedRetry) }, ['retried']);
export const attestationQuery = {
  ...objectOf<AttestationQuery>()({ id: { type: 'string', pattern: '^[0-9]{1,9}$' }, commit: sha }, []),
  anyOf: [{ required: ['id'] }, { required: ['commit'] }],
} as const;
export const attestationReply = objectOf<AttestationResponse>()(
  { id: int, pushId: int, digest: str, commits: strings, bundle: opaqueObject, publicKeyPem: strOrNull },
  ['id', 'pushId', 'digest', 'commits', 'bundle', 'publicKeyPem'],
);
