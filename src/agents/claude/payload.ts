import { PayloadError, type HookInput } from '../adapter.js';
import { isCopilotClaudeFormat } from '../copilot/claude-format.js';
import type { TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, type Json, payloadObject, str, withShimTime } from '../payload-fields.js';

/** Tools whose calls change one file's content through Claude Code's own editor. */
export const CLAUDE_EDIT_TOOLS: ReadonlySet<string> = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
/** Claude Code's shell tool. */
const SHELL_TOOL = 'Bash';

const EVENTS: EventNames = {
  SessionStart: 'session.start',
  UserPromptSubmit: 'prompt',
  PreToolUse: 'before',
  // 2.1.332: a skill's inline shell command is about to run; no after-event follows (the session's
  // next event closes its window)
  PreSkillShellCommand: 'shell.before',
  PostToolUse: 'after',
  PostToolUseFailure: 'after',
  Stop: 'stop',
  StopFailure: 'stop',
  SubagentStop: 'subagent.stop',
  SessionEnd: 'session.end',
};

const toolKind = (tool: string | undefined) => (tool && CLAUDE_EDIT_TOOLS.has(tool) ? 'edit' : tool === SHELL_TOOL ? 'shell' : 'tool');

/**
 * Turns a Claude Code hook payload into its event. Payloads from other agents that read
 * `.claude/settings.json` (Cursor, Copilot CLI) are recognised and refused.
 */
export function parseClaudePayload(input: HookInput): TraceEvent[] {
  const p = payloadObject(input);
  if ('cursor_version' in p || 'conversation_id' in p) throw new PayloadError('payload is from Cursor, not Claude Code');
  if ('sessionId' in p && 'toolName' in p) throw new PayloadError('payload is from Copilot CLI, not Claude Code');
  // Copilot CLI running this repository's Claude Code hooks: its own hooks record the session
  if (isCopilotClaudeFormat(p)) return [];
  const sessionId = str(p.session_id);
  if (!sessionId) throw new PayloadError('payload has no session_id');
  const agentEvent = str(p.hook_event_name) ?? input.event;
  const toolName = str(p.tool_name);
  const ev = withShimTime(input, {
    agent: 'claude-code',
    name: eventNameOf(EVENTS, agentEvent, toolKind(toolName)),
    agentEvent,
    sessionId,
    cwd: str(p.cwd),
    transcriptPath: str(p.transcript_path),
    model: typeof p.model === 'string' ? p.model : undefined,
    reason: str(p.reason) ?? str(p.source),
  });
  if (toolName) {
    ev.toolName = toolName;
    ev.toolUseId = str(p.tool_use_id);
    if (agentEvent === 'PostToolUse' || agentEvent === 'PostToolUseFailure') ev.outcome = agentEvent === 'PostToolUse' ? 'ok' : 'failed';
    const toolInput = (p.tool_input ?? {}) as Json;
    if (CLAUDE_EDIT_TOOLS.has(toolName)) {
      const file = str(toolInput.file_path) ?? str(toolInput.notebook_path);
      ev.files = file ? [file] : [];
      const resp = p.tool_response as Json | undefined;
      if (file && resp && typeof resp === 'object' && 'originalFile' in resp) {
        ev.originals = new Map([[file, typeof resp.originalFile === 'string' ? resp.originalFile : null]]);
      }
    } else if (toolName === SHELL_TOOL && typeof toolInput.command === 'string') ev.command = toolInput.command;
  }
  const agentId = str(p.agent_id);
  if (agentId) ev.subagent = { id: agentId, type: str(p.agent_type), transcriptPath: str(p.agent_transcript_path) };
  return [ev];
}
