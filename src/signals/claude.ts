import path from 'node:path';
import type { SignalEvent } from './events.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Tools whose input names a file they read. */
const READ_TOOLS = new Set(['Read', 'NotebookRead', 'Grep', 'Glob']);
/** Tools that run a shell command. */
const SHELL_TOOLS = new Set(['Bash', 'BashOutput', 'PowerShell']);

/** A path relative to the repository's top level, when it lies inside it. */
export function repoRelative(file: string | undefined, top: string | undefined): string | undefined {
  if (!file || !top) return undefined;
  const rel = path.relative(top, path.resolve(top, file));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
}

/** The signal events of one Claude Code hook payload (also the shape Cursor, Gemini CLI and Copilot CLI send through Claude-style hooks). */
export function claudeSignalEvents(raw: unknown, top?: string): SignalEvent[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const p = raw as Json;
  const name = str(p.hook_event_name);
  const tool = str(p.tool_name);
  const id = str(p.tool_use_id);
  const input = (p.tool_input && typeof p.tool_input === 'object' ? p.tool_input : {}) as Json;
  const target = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path);
  const file = repoRelative(target, top);
  switch (name) {
    case 'UserPromptSubmit': {
      const text = str(p.prompt);
      return text ? [{ kind: 'prompt', text }] : [];
    }
    case 'PreToolUse':
      if (!tool) return [];
      return [{
        kind: 'tool-start', tool, input: p.tool_input ?? null,
        ...(id ? { id } : {}),
        ...(SHELL_TOOLS.has(tool) && str(input.command) ? { command: str(input.command) } : {}),
        ...(READ_TOOLS.has(tool) && target ? { readPath: target } : {}),
        ...(file ? { file } : {}),
      }];
    case 'PostToolUse': {
      if (!tool) return [];
      const resp = p.tool_response;
      const interrupted = !!resp && typeof resp === 'object' && (resp as Json).interrupted === true;
      return [{ kind: 'tool-end', tool, ok: !interrupted, interrupted, output: resp ?? null, ...(id ? { id } : {}), ...(file ? { file } : {}) }];
    }
    case 'PostToolUseFailure':
      if (!tool) return [];
      return [{ kind: 'tool-end', tool, ok: false, interrupted: p.is_interrupt === true, output: p.error ?? null, ...(id ? { id } : {}), ...(file ? { file } : {}) }];
    default:
      return [];
  }
}
