import { PayloadError, type HookInput } from '../adapter.js';
import type { TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, payloadObject, str, withShimTime } from '../payload-fields.js';
import { stringEdits } from '../reverse-edits.js';

/** The tool names ai-trace records for Cursor's file edits and shell commands (its hook matchers' names). */
export const CURSOR_EDIT_TOOL = 'Write';
export const CURSOR_SHELL_TOOL = 'Shell';

/** ai-trace's names for Cursor's hook events (its hooks are per tool kind already). */
const EVENTS: EventNames = {
  sessionStart: 'session.start',
  beforeSubmitPrompt: 'prompt',
  afterFileEdit: 'edit.after',
  beforeShellExecution: 'shell.before',
  afterShellExecution: 'shell.after',
  stop: 'stop',
  sessionEnd: 'session.end',
};

/**
 * Turns a Cursor hook payload into its event. Built from Cursor's documented shapes (no Cursor client
 * runs here): every event carries `conversation_id` (one chat: ai-trace's session), `generation_id`,
 * `model`, `hook_event_name`, `cursor_version` and `workspace_roots`.
 */
export function parseCursorPayload(input: HookInput): TraceEvent[] {
  const p = payloadObject(input);
  if (!('cursor_version' in p) && !('conversation_id' in p)) throw new PayloadError('payload is not from Cursor (no cursor_version or conversation_id)');
  const sessionId = str(p.conversation_id) ?? str(p.session_id);
  if (!sessionId) throw new PayloadError('payload has no conversation_id');
  const agentEvent = str(p.hook_event_name) ?? input.event;
  const roots = Array.isArray(p.workspace_roots) ? p.workspace_roots.filter((r): r is string => typeof r === 'string' && r !== '') : [];
  const ev = withShimTime(input, {
    agent: 'cursor',
    name: eventNameOf(EVENTS, agentEvent, 'tool'),
    agentEvent,
    sessionId,
    cwd: str(p.cwd) ?? roots[0],
    projectDir: roots[0],
    agentVersion: str(p.cursor_version),
    model: str(p.model),
    reason: str(p.reason) ?? str(p.status),
  });
  if (agentEvent === 'afterFileEdit') {
    ev.toolName = CURSOR_EDIT_TOOL;
    const file = str(p.file_path);
    ev.files = file ? [file] : [];
    ev.outcome = 'ok';
    const edits = stringEdits(p.edits);
    if (edits) ev.edit = { kind: 'replace', edits };
  } else if (agentEvent === 'beforeShellExecution' || agentEvent === 'afterShellExecution') {
    ev.toolName = CURSOR_SHELL_TOOL;
    const command = str(p.command);
    if (command) ev.command = command;
    if (agentEvent === 'afterShellExecution') ev.outcome = 'ok';
  }
  return [ev];
}
