/**
 * The one internal event type. Every agent adapter turns its hook payloads into these; the daemon,
 * the shims and attribution only ever see ai-trace's own names below, never an agent's.
 *
 * | name            | meaning                                                          | Claude Code            |
 * | --------------- | ---------------------------------------------------------------- | ---------------------- |
 * | `session.start` | a session starts or resumes                                      | SessionStart           |
 * | `prompt`        | the user submitted a prompt                                      | UserPromptSubmit       |
 * | `edit.before`   | an edit tool is about to change `files` (snapshot = before)      | PreToolUse (Edit…)     |
 * | `edit.after`    | an edit tool changed (or failed to change) `files`               | PostToolUse[Failure]   |
 * | `shell.before`  | a shell command starts (opens a window for shell-made changes)   | PreToolUse (Bash)      |
 * | `shell.after`   | the shell command ended (closes the window)                      | PostToolUse[Failure]   |
 * | `tool.before`   | any other tool is called                                         | PreToolUse             |
 * | `tool.after`    | any other tool returned (`outcome` says how)                     | PostToolUse[Failure]   |
 * | `stop`          | the agent finished answering (usage records are read again)      | Stop, StopFailure      |
 * | `subagent.stop` | a subagent finished                                              | SubagentStop           |
 * | `session.end`   | the session ended                                                | SessionEnd             |
 * | `other`         | anything else: counted, otherwise ignored                        |                        |
 */
export type TraceEventName =
  | 'session.start'
  | 'prompt'
  | 'edit.before'
  | 'edit.after'
  | 'shell.before'
  | 'shell.after'
  | 'tool.before'
  | 'tool.after'
  | 'stop'
  | 'subagent.stop'
  | 'session.end'
  | 'other';

/** The canonical agent names that reach `sessions.agent` and the attestation's `agent.name`. */
export type AgentName = 'claude-code' | 'cursor' | 'gemini-cli' | 'codex' | 'copilot-cli' | 'opencode' | 'generic' | (string & {});

/** One agent hook event in ai-trace's own terms, whatever agent sent it. */
export interface TraceEvent {
  /** Canonical agent name (`claude-code`, `cursor`, …). */
  agent: AgentName;
  /** ai-trace's own event name. */
  name: TraceEventName;
  /** The agent's own name for the hook (`PreToolUse`, `afterFileEdit`, …): for logs and the events table only. */
  agentEvent: string;
  sessionId: string;
  /** When the shim wrote the event (ISO 8601). */
  ts: string;
  /** The same instant as `ts` with sub-millisecond precision, when known (spool file mtime). */
  atMs?: number;
  cwd?: string;
  projectDir?: string;
  /** The agent's own usage record for the session (transcript, rollout, events log), when it names one. */
  transcriptPath?: string;
  agentVersion?: string;
  model?: string;
  /** The tool's name as the agent calls it (`Edit`, `write_file`, `apply_patch`, `Bash`). */
  toolName?: string;
  /** Pairs a `*.before` with its `*.after`. */
  toolUseId?: string;
  /** Absolute paths of the files an edit tool targets (an apply_patch can touch several). */
  files?: string[];
  /** The shell command of a `shell.*` event (never stored: it stays in the daemon's memory only). */
  command?: string;
  /** How a `*.after` ended. */
  outcome?: 'ok' | 'failed';
  /**
   * Contents the shim snapshotted, by absolute path: before (edit.before) or after (edit.after) the
   * edit; null = the file did not exist. A path missing here was not snapshotted.
   */
  snapshots?: Map<string, Buffer | null>;
  /** Why a file's snapshot is not used (past the snapshot cap), by absolute path. */
  snapshotSkipped?: Map<string, string>;
  /** The agent's own record of a file before the edit (Claude's originalFile, Gemini's originalContent), by absolute path. */
  originals?: Map<string, string | null>;
  /** What an edit did, as the agent reported it: what an adapter's `beforeContent` undoes. */
  edit?: EditRecord;
  subagent?: { id: string; type?: string; transcriptPath?: string };
  reason?: string;
}

/** One string replacement an edit made (`old_string` became `new_string`). */
export interface StringEdit {
  old_string: string;
  new_string: string;
}

/**
 * What an edit did, in the agent's own report: the file was written from nothing (`create`), some strings
 * were replaced, in order (`replace`), or an apply_patch patch was applied (`patch`, paths relative to `cwd`).
 */
export type EditRecord = { kind: 'create' } | { kind: 'replace'; edits: readonly StringEdit[] } | { kind: 'patch'; text: string; cwd?: string };
