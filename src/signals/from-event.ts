import type { TraceEvent } from '../agents/events.js';
import type { SignalEvent } from './events.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Payload keys that hold a tool's input, and its output, in the agents' hook payloads (Claude Code, Cursor, Gemini CLI, Codex, Copilot CLI, OpenCode). */
const INPUT_KEYS = ['tool_input', 'toolArgs', 'tool_args', 'args', 'input'];
const OUTPUT_KEYS = ['tool_response', 'tool_output', 'toolResult', 'result', 'output', 'error'];
/** Tool names that read a file (its path in the input). */
const READ_TOOL = /^(?:read|read_file|readfile|view|notebookread|read_many_files|cat)$/i;

function pick(p: Obj, keys: string[]): unknown {
  const found = keys.filter((k) => p[k] !== undefined).map((k) => p[k]);
  return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
}

/**
 * The signal events of one internal event, with the hook's raw payload for what the internal event does
 * not carry (the prompt text, a tool's input and output, an interrupt). Agent-agnostic: the payload is
 * read by the key names the agents use; a payload with none of them is scanned whole.
 */
export function signalEvents(ev: TraceEvent, payload: unknown, relative: (file: string) => string | undefined): SignalEvent[] {
  const p = obj(payload);
  const tool = ev.toolName ?? 'tool';
  const id = ev.toolUseId;
  const file = ev.files?.[0] ? relative(ev.files[0]) : undefined;
  switch (ev.name) {
    case 'prompt': {
      const text = str(p.prompt) ?? str(p.message) ?? str(p.text);
      return [{ kind: 'prompt', text: text ?? JSON.stringify(payload ?? '') }];
    }
    case 'edit.before':
    case 'shell.before':
    case 'tool.before': {
      const input = pick(p, INPUT_KEYS) ?? payload ?? null;
      const target = str(obj(input).file_path) ?? str(obj(input).path) ?? str(obj(input).absolute_path) ?? str(obj(input).notebook_path);
      const readFile = READ_TOOL.test(tool) && target ? relative(target) : undefined;
      return [{
        kind: 'tool-start', tool, input,
        ...(id ? { id } : {}),
        ...(ev.command ? { command: ev.command } : {}),
        ...(READ_TOOL.test(tool) && target ? { readPath: target } : {}),
        ...(file ?? readFile ? { file: (file ?? readFile)! } : {}),
      }];
    }
    case 'edit.after':
    case 'shell.after':
    case 'tool.after': {
      const output = pick(p, OUTPUT_KEYS) ?? null;
      const interrupted = p.is_interrupt === true || obj(p.tool_response).interrupted === true;
      return [{ kind: 'tool-end', tool, ok: ev.outcome !== 'failed' && !interrupted, interrupted, output, ...(id ? { id } : {}), ...(file ? { file } : {}) }];
    }
    default:
      return [];
  }
}
