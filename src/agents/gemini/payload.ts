import { PayloadError, type HookInput } from '../adapter.js';
import type { TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, isObject, payloadObject, str, withShimTime } from '../payload-fields.js';
import { GEMINI_EDIT_TOOLS, GEMINI_SHELL_TOOL } from './settings.js';
import { findGeminiVersion } from './version.js';

const EVENTS: EventNames = {
  SessionStart: 'session.start',
  BeforeAgent: 'prompt',
  BeforeTool: 'before',
  AfterTool: 'after',
  AfterAgent: 'stop',
  SessionEnd: 'session.end',
};

const toolKind = (tool: string | undefined) => (tool && GEMINI_EDIT_TOOLS.has(tool) ? 'edit' : tool === GEMINI_SHELL_TOOL ? 'shell' : 'tool');

/**
 * Gemini CLI hook payload → event. `{session_id, transcript_path (the chat record), cwd,
 * hook_event_name, timestamp}`; tool events add `tool_name`, `tool_input` and (AfterTool)
 * `tool_response`, whose `returnDisplay` for an edit holds the whole file before (`originalContent`)
 * and after (`newContent`). Gemini sends no tool call id.
 */
export function parseGeminiPayload(input: HookInput): TraceEvent[] {
  const p = payloadObject(input);
  const sessionId = str(p.session_id);
  if (!sessionId) throw new PayloadError('payload has no session_id');
  const agentEvent = str(p.hook_event_name) ?? input.event;
  const toolName = str(p.tool_name);
  const ev = withShimTime(input, {
    agent: 'gemini-cli',
    name: eventNameOf(EVENTS, agentEvent, toolKind(toolName)),
    agentEvent,
    sessionId,
    cwd: str(p.cwd),
    transcriptPath: str(p.transcript_path),
    reason: str(p.reason) ?? str(p.source),
  });
  if (agentEvent === 'SessionStart') {
    const version = findGeminiVersion(ev.cwd);
    if (version) ev.agentVersion = version;
  }
  if (!toolName) return [ev];
  ev.toolName = toolName;
  const toolInput = isObject(p.tool_input) ? p.tool_input : {};
  const resp = isObject(p.tool_response) ? p.tool_response : undefined;
  if (agentEvent === 'AfterTool') ev.outcome = resp && resp.error ? 'failed' : 'ok';
  if (GEMINI_EDIT_TOOLS.has(toolName)) {
    const file = str(toolInput.file_path);
    ev.files = file ? [file] : [];
    const shown = resp && isObject(resp.returnDisplay) ? resp.returnDisplay : undefined;
    if (file && shown && typeof shown.originalContent === 'string') {
      ev.originals = new Map([[file, shown.isNewFile === true ? null : shown.originalContent]]);
    }
  } else if (toolName === GEMINI_SHELL_TOOL && typeof toolInput.command === 'string') ev.command = toolInput.command;
  return [ev];
}
