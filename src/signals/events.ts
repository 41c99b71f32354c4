/**
 * What the session signals need to know of one agent event, whatever the agent. The capture core maps
 * each event it applies to these (see `claude.ts` for Claude Code's payloads) and hands them to
 * `SignalRecorder`; nothing here keeps a prompt, a tool's input or output, or a command beyond the call.
 */
export type SignalEvent =
  /** The user submitted a prompt. */
  | { kind: 'prompt'; text: string }
  /** The agent started a tool call. `command` for shell tools; `readPath` for a tool that reads a file; `file` repository-relative. */
  | { kind: 'tool-start'; id?: string; tool: string; input: unknown; command?: string; readPath?: string; file?: string }
  /** A tool call ended; `ok` false on an error, `interrupted` when the user stopped it. */
  | { kind: 'tool-end'; id?: string; tool: string; ok: boolean; interrupted: boolean; output: unknown; file?: string }
  /** The user interrupted the agent outside a tool call. */
  | { kind: 'interrupt' };
