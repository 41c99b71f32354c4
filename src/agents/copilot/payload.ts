import path from 'node:path';
import { PayloadError, type HookInput } from '../adapter.js';
import type { EditRecord, TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, type Json, payloadObject, str, type ToolKind, withShimTime } from '../payload-fields.js';
import { patchTargets } from '../reverse-edits.js';

/** Copilot CLI's tools that write one file named by `toolArgs.path` (gpt-4.1's tool set). */
export const COPILOT_PATH_EDIT_TOOLS: readonly string[] = ['create', 'edit'];
/** The freeform patch tool gpt-5.x models get instead: its `toolArgs` is the patch text. */
export const COPILOT_PATCH_TOOL = 'apply_patch';
/** Copilot CLI's shell tool. */
export const COPILOT_SHELL_TOOL = 'bash';

function toolKind(tool: string | undefined): ToolKind {
  if (tool && (COPILOT_PATH_EDIT_TOOLS.includes(tool) || tool === COPILOT_PATCH_TOOL)) return 'edit';
  return tool === COPILOT_SHELL_TOOL ? 'shell' : 'tool';
}

/** ai-trace's names for Copilot CLI's hook events (tool events split by the kind of tool). */
const EVENTS: EventNames = {
  sessionStart: 'session.start',
  userPromptSubmitted: 'prompt',
  preToolUse: 'before',
  postToolUse: 'after',
  postToolUseFailure: 'after',
  agentStop: 'stop',
  subagentStop: 'subagent.stop',
  sessionEnd: 'session.end',
};

/** The files an edit tool call targets, absolute (apply_patch paths are relative to the session's cwd). */
function editFiles(tool: string, args: unknown, cwd: string | undefined): string[] {
  if (tool === COPILOT_PATCH_TOOL) return typeof args === 'string' ? patchTargets(args, cwd) : [];
  const file = args && typeof args === 'object' ? str((args as Json).path) : undefined;
  if (!file) return [];
  return [path.isAbsolute(file) || !cwd ? file : path.join(cwd, file)];
}

/** What the call does to the file, for rebuilding its content before: `create` writes it whole, `edit` replaces one string. */
function editRecord(tool: string, args: unknown, cwd: string | undefined): EditRecord | undefined {
  if (tool === COPILOT_PATCH_TOOL) return typeof args === 'string' ? { kind: 'patch', text: args, ...(cwd ? { cwd } : {}) } : undefined;
  if (tool === 'create') return { kind: 'create' };
  const a = args && typeof args === 'object' ? (args as Json) : {};
  if (typeof a.old_str === 'string' && typeof a.new_str === 'string') return { kind: 'replace', edits: [{ old_string: a.old_str, new_string: a.new_str }] };
  return undefined;
}

/**
 * Turns a Copilot CLI hook payload (`.github/hooks/*.json`: camelCase, `sessionId`, `toolName`,
 * `toolArgs`) into its event. Payloads of other agents are refused.
 */
export function parseCopilotPayload(input: HookInput): TraceEvent[] {
  const p = payloadObject(input);
  if ('cursor_version' in p || 'conversation_id' in p) throw new PayloadError('payload is from Cursor, not Copilot CLI');
  const sessionId = str(p.sessionId);
  if (!sessionId) throw new PayloadError('payload has no sessionId (not a Copilot CLI hook payload)');
  const toolName = str(p.toolName);
  const cwd = str(p.cwd);
  const ev = withShimTime(input, {
    agent: 'copilot-cli',
    name: eventNameOf(EVENTS, input.event, toolKind(toolName)),
    agentEvent: input.event,
    sessionId,
    cwd,
    transcriptPath: str(p.transcriptPath),
    reason: str(p.reason) ?? str(p.source) ?? str(p.stopReason),
  });
  if (toolName) {
    ev.toolName = toolName;
    if (input.event === 'postToolUse') ev.outcome = outcomeOf(p.toolResult);
    if (input.event === 'postToolUseFailure') ev.outcome = 'failed';
    const kind = toolKind(toolName);
    if (kind === 'edit') {
      ev.files = editFiles(toolName, p.toolArgs, cwd);
      const edit = editRecord(toolName, p.toolArgs, cwd);
      if (edit) ev.edit = edit;
    }
    else if (kind === 'shell') {
      const command = p.toolArgs && typeof p.toolArgs === 'object' ? str((p.toolArgs as Json).command) : undefined;
      if (command) ev.command = command;
    }
  }
  return [ev];
}

/** `toolResult.resultType`: `success`, else the call failed (`failure`, `denied`, `rejected`). */
function outcomeOf(result: unknown): 'ok' | 'failed' {
  const type = result && typeof result === 'object' ? (result as Json).resultType : undefined;
  return type === undefined || type === 'success' ? 'ok' : 'failed';
}
