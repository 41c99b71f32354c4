import { EDIT_TOOLS, type HookEvent } from '../events.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Why a payload was not turned into an event. */
export class PayloadError extends Error {}

/**
 * Turns a Claude Code hook payload into a HookEvent. Payloads from other agents that read
 * `.claude/settings.json` (Cursor, Copilot CLI) are recognised and refused.
 */
export function parseClaudePayload(raw: unknown, meta: { event: string; ts: string; projectDir?: string }): HookEvent {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new PayloadError('payload is not a JSON object');
  const p = raw as Json;
  if ('cursor_version' in p || 'conversation_id' in p) throw new PayloadError('payload is from Cursor, not Claude Code');
  if ('sessionId' in p && 'toolName' in p) throw new PayloadError('payload is from Copilot CLI, not Claude Code');
  const sessionId = str(p.session_id);
  if (!sessionId) throw new PayloadError('payload has no session_id');
  const name = str(p.hook_event_name) ?? meta.event;
  const ev: HookEvent = {
    agent: 'claude-code',
    name,
    sessionId,
    ts: meta.ts,
    cwd: str(p.cwd),
    projectDir: meta.projectDir,
    transcriptPath: str(p.transcript_path),
    model: typeof p.model === 'string' ? p.model : undefined,
    reason: str(p.reason) ?? str(p.source),
  };
  const toolName = str(p.tool_name);
  if (toolName) {
    ev.toolName = toolName;
    ev.toolUseId = str(p.tool_use_id);
    if (EDIT_TOOLS.has(toolName)) {
      const input = (p.tool_input ?? {}) as Json;
      ev.filePath = str(input.file_path) ?? str(input.notebook_path);
      const resp = p.tool_response as Json | undefined;
      if (resp && typeof resp === 'object' && 'originalFile' in resp) {
        ev.originalFile = typeof resp.originalFile === 'string' ? resp.originalFile : null;
      }
    }
  }
  const agentId = str(p.agent_id);
  if (agentId) ev.subagent = { id: agentId, type: str(p.agent_type), transcriptPath: str(p.agent_transcript_path) };
  return ev;
}
