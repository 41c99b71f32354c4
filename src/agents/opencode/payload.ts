import path from 'node:path';
import { PayloadError, type HookInput } from '../adapter.js';
import type { EditRecord, TraceEvent } from '../events.js';
import { type EventNames, eventNameOf, isObject, type Json, str, withShimTime } from '../payload-fields.js';
import { patchTargets } from '../reverse-edits.js';
import { OPENCODE_SHELL_TOOL } from './plugin.js';

const obj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);

/** ai-trace's names for what the plugin sent (its shim event names, see plugin.ts). */
const EVENTS: EventNames = {
  sessionCreated: 'session.start',
  chatMessage: 'prompt',
  editBefore: 'edit.before',
  editAfter: 'edit.after',
  toolBefore: 'before',
  toolAfter: 'after',
  sessionIdle: 'stop',
  sessionError: 'stop',
  sessionDeleted: 'session.end',
};

/** What an edit tool call did, for rebuilding the file's content before it. */
function editRecord(tool: string, args: Json | undefined, metadata: Json | undefined, cwd: string | undefined): EditRecord | undefined {
  const patch = str(args?.patchText);
  if (patch) return { kind: 'patch', text: patch, ...(cwd ? { cwd } : {}) };
  // `write` reports whether the file was there before
  if (tool === 'write' && metadata?.exists === false) return { kind: 'create' };
  if (tool === 'edit' && typeof args?.oldString === 'string' && typeof args.newString === 'string' && args.replaceAll !== true) {
    return { kind: 'replace', edits: [{ old_string: args.oldString, new_string: args.newString }] };
  }
  return undefined;
}

/**
 * Where OpenCode's own records of the session are: the SQLite database the plugin named (`OPENCODE_DB`),
 * else its data dir (the usage reader finds the database there that holds the session).
 */
export function opencodeRecordPath(p: Json): string | undefined {
  return str(p.db) ?? str(p.data_dir);
}

/** Turns what ai-trace's OpenCode plugin sent into its event; payloads of other agents are refused. */
export function parseOpencodePayload(input: HookInput): TraceEvent[] {
  const p = obj(input.payload);
  if (!p) throw new PayloadError('payload is not a JSON object');
  const hook = str(p.hook);
  const sessionId = str(p.session_id);
  if (!hook || !sessionId?.startsWith('ses')) throw new PayloadError('payload is not from the ai-trace OpenCode plugin (no hook or ses_ session id)');
  const tool = str(p.tool);
  const directory = str(p.directory);
  const ev = withShimTime(input, {
    agent: 'opencode',
    name: eventNameOf(EVENTS, input.event, tool === OPENCODE_SHELL_TOOL ? 'shell' : 'tool'),
    agentEvent: hook,
    sessionId,
    cwd: directory,
    projectDir: str(p.worktree) && p.worktree !== '/' ? str(p.worktree) : directory,
    transcriptPath: opencodeRecordPath(p),
    agentVersion: str(p.version),
  });
  const model = obj(p.model);
  if (model && str(model.modelID)) ev.model = str(model.modelID);
  if (tool) {
    ev.toolName = tool;
    ev.toolUseId = str(p.call_id);
    const args = obj(p.args);
    const metadata = obj(p.metadata);
    if (input.event.endsWith('After')) ev.outcome = typeof metadata?.exit === 'number' && metadata.exit !== 0 ? 'failed' : 'ok';
    const file = str(p.file_path);
    if (ev.name.startsWith('edit.')) {
      const patch = str(args?.patchText);
      ev.files = file ? [path.isAbsolute(file) || !directory ? file : path.join(directory, file)] : patch ? patchTargets(patch, directory) : [];
      const edit = editRecord(tool, args, metadata, directory);
      if (edit) ev.edit = edit;
    } else if (ev.name.startsWith('shell.') && str(args?.command)) ev.command = str(args?.command);
  }
  return [ev];
}
