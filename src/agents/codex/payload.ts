import path from 'node:path';
import { PayloadError, type HookInput } from '../adapter.js';
import type { TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, isObject, payloadObject, str, withShimTime } from '../payload-fields.js';
import { parsePatch, reverseUpdate, targetPath, type FilePatch } from './patch.js';

/** Codex's edit tool: its hooks carry only the patch text (`tool_input.command`). */
export const CODEX_PATCH_TOOL = 'apply_patch';
/** Codex's `exec_command` reaches hooks under this name, with `tool_input: {command}`. */
export const CODEX_SHELL_TOOL = 'Bash';

const EVENTS: EventNames = {
  SessionStart: 'session.start',
  UserPromptSubmit: 'prompt',
  PreToolUse: 'before',
  PostToolUse: 'after',
  Stop: 'stop',
  SubagentStop: 'subagent.stop',
  SessionEnd: 'session.end',
};

const toolKind = (tool: string | undefined) => (tool === CODEX_PATCH_TOOL ? 'edit' : tool === CODEX_SHELL_TOOL ? 'shell' : 'tool');

/** The patch's file operations, with absolute paths (relative ones are against the call's cwd). */
export function patchFiles(patchText: string, cwd: string | undefined): FilePatch[] {
  const ops = parsePatch(patchText) ?? [];
  const abs = (p: string): string => (path.isAbsolute(p) || !cwd ? p : path.resolve(cwd, p));
  return ops.map((op) => (op.kind === 'update' && op.moveTo ? { ...op, path: abs(op.path), moveTo: abs(op.moveTo) } : { ...op, path: abs(op.path) }));
}

/** Exit status in the text Codex returns for a tool call (`Exit code: N`), when it says. */
function exitCode(response: unknown): number | undefined {
  if (typeof response !== 'string') return undefined;
  const m = /^Exit code: (-?\d+)/m.exec(response);
  return m ? Number(m[1]) : undefined;
}

/**
 * Codex hook payload → event. Common: `{session_id, turn_id, transcript_path (the rollout), cwd,
 * hook_event_name, model, permission_mode}`; tool events add `tool_name`, `tool_input`, `tool_use_id`
 * and (PostToolUse) `tool_response`, a text. An apply_patch edit names its files only inside the
 * patch (`tool_input.command`), which the event keeps so the before-content can be rebuilt.
 */
export function parseCodexPayload(input: HookInput): TraceEvent[] {
  const p = payloadObject(input);
  const sessionId = str(p.session_id) ?? str(p.thread_id);
  if (!sessionId) throw new PayloadError('payload has no session_id');
  const agentEvent = str(p.hook_event_name) ?? input.event;
  const toolName = str(p.tool_name);
  const cwd = str(p.cwd);
  const ev = withShimTime(input, {
    agent: 'codex',
    name: eventNameOf(EVENTS, agentEvent, toolKind(toolName)),
    agentEvent,
    sessionId,
    cwd,
    transcriptPath: str(p.transcript_path),
    model: str(p.model),
    reason: str(p.reason) ?? str(p.source),
  });
  if (!toolName) return [ev];
  // a patch names its files but carries no content: the edit is recorded once it is applied, with the
  // content before rebuilt by undoing the patch (codexBeforeContent), and counted there
  if (agentEvent === 'PreToolUse' && toolName === CODEX_PATCH_TOOL) return [];
  ev.toolName = toolName;
  ev.toolUseId = str(p.tool_use_id);
  if (agentEvent === 'PostToolUse') ev.outcome = (exitCode(p.tool_response) ?? 0) === 0 ? 'ok' : 'failed';
  const command = isObject(p.tool_input) ? str(p.tool_input.command) : undefined;
  if (toolName === CODEX_PATCH_TOOL) {
    const ops = command ? patchFiles(command, cwd) : [];
    ev.files = [...new Set(ops.flatMap((op) => (op.kind === 'update' && op.moveTo ? [op.moveTo, op.path] : [op.path])))];
    if (command) ev.command = command;
  } else if (toolName === CODEX_SHELL_TOOL && command) ev.command = command;
  return [ev];
}

/**
 * The content of `file` before the apply_patch in `ev` changed it, from its content `after`: an added
 * file was empty, an update is undone chunk by chunk; null when it cannot be told (a deleted file, a
 * file the patch does not name, content that no longer holds what the patch wrote).
 */
export function codexBeforeContent(after: string, ev: TraceEvent, file: string): string | null {
  if (ev.toolName !== CODEX_PATCH_TOOL || !ev.command) return null;
  const op = patchFiles(ev.command, ev.cwd).find((o) => targetPath(o) === file);
  if (!op) return null;
  if (op.kind === 'add') return '';
  if (op.kind === 'delete') return null;
  return reverseUpdate(after, op.chunks);
}
