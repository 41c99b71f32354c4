import { PayloadError, type HookInput } from '../adapter.js';
import type { TraceEvent, TraceEventName } from '../events.js';
import { GEMINI_EDIT_TOOLS, GEMINI_SHELL_TOOL } from './settings.js';
import { findGeminiVersion } from './version.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function eventName(event: string, tool: string | undefined): TraceEventName {
  const kind = tool && GEMINI_EDIT_TOOLS.has(tool) ? 'edit' : tool === GEMINI_SHELL_TOOL ? 'shell' : 'tool';
  switch (event) {
    case 'SessionStart':
      return 'session.start';
    case 'BeforeAgent':
      return 'prompt';
    case 'BeforeTool':
      return `${kind}.before`;
    case 'AfterTool':
      return `${kind}.after`;
    case 'AfterAgent':
      return 'stop';
    case 'SessionEnd':
      return 'session.end';
    default:
      return 'other';
  }
}

/**
 * Gemini CLI hook payload → event. `{session_id, transcript_path (the chat record), cwd,
 * hook_event_name, timestamp}`; tool events add `tool_name`, `tool_input` and (AfterTool)
 * `tool_response`, whose `returnDisplay` for an edit holds the whole file before (`originalContent`)
 * and after (`newContent`). Gemini sends no tool call id.
 */
export function parseGeminiPayload(input: HookInput): TraceEvent[] {
  const p = input.payload;
  if (!isObject(p)) throw new PayloadError('payload is not a JSON object');
  const sessionId = str(p.session_id);
  if (!sessionId) throw new PayloadError('payload has no session_id');
  const agentEvent = str(p.hook_event_name) ?? input.event;
  const toolName = str(p.tool_name);
  const ev: TraceEvent = {
    agent: 'gemini-cli',
    name: eventName(agentEvent, toolName),
    agentEvent,
    sessionId,
    ts: input.ts,
    cwd: str(p.cwd),
    transcriptPath: str(p.transcript_path),
    reason: str(p.reason) ?? str(p.source),
  };
  if (input.atMs !== undefined) ev.atMs = input.atMs;
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
