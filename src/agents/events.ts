/** Tools whose calls change one file's content through the agent's own editor. */
export const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

/** One agent hook event in ai-trace's own terms, whatever agent sent it. */
export interface HookEvent {
  agent: string;
  name: string;
  sessionId: string;
  ts: string;
  /** The same instant as `ts` with sub-millisecond precision, when known (spool file mtime). */
  atMs?: number;
  cwd?: string;
  projectDir?: string;
  transcriptPath?: string;
  agentVersion?: string;
  model?: string;
  toolName?: string;
  toolUseId?: string;
  /** Absolute path of the file an edit tool targets. */
  filePath?: string;
  /** Content before (PreToolUse) or after (PostToolUse*) from the shim's snapshot; null = file absent. */
  snapshot?: Buffer | null;
  /** The agent's own record of the file before the edit (Claude's originalFile), when it sent one. */
  originalFile?: string | null;
  subagent?: { id: string; type?: string; transcriptPath?: string };
  reason?: string;
}
