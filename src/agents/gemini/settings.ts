import { agentHookCommand, isTraceCommand, type ToolFlavor } from '../hook-command.js';
import { mergeHookJson, removeHookJson, type HookJsonSpec, type JsonObject } from '../hooks-json.js';

/** Where Gemini CLI reads a project's hooks (it also reads `~/.gemini/settings.json`; both run). */
export const GEMINI_SETTINGS_PATH = '.gemini/settings.json';

/** The shim's name for Gemini CLI: spool files and hook commands say `gemini`. */
export const GEMINI_SHIM = 'gemini';

/** Gemini's tools that write one file through its own editor (`file_path` names it). */
export const GEMINI_EDIT_TOOLS: ReadonlySet<string> = new Set(['write_file', 'replace']);
/** Gemini's shell tool. */
export const GEMINI_SHELL_TOOL = 'run_shell_command';

/** The events ai-trace hooks, in the order they are added. Model and compression events are left alone: they fire on every request. */
export const GEMINI_HOOK_EVENTS = ['SessionStart', 'BeforeAgent', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'] as const;

/** Gemini matches a tool event's `matcher` as an unanchored JS RegExp against the tool name. */
const EDIT_MATCHER = '^(write_file|replace)$';
const SHELL_MATCHER = '^run_shell_command$';
const OTHER_MATCHER = '^(?!(write_file|replace|run_shell_command)$)';

/** Milliseconds Gemini waits for our hook (its default is 60000). */
const TIMEOUT_MS = 10000;

function entry(packageRoot: string, event: string, flavor?: ToolFlavor, matcher?: string): JsonObject {
  const command = agentHookCommand(packageRoot, GEMINI_SHIM, event, flavor, flavor === 'edit' ? 'file_path' : undefined);
  return { ...(matcher ? { matcher } : {}), hooks: [{ name: 'ai-trace', type: 'command', command, timeout: TIMEOUT_MS }] };
}

/**
 * Our entries: edit tools snapshot the file before and after; the shell tool's BeforeTool may rewrite a
 * git command so that ai-trace's own git hooks run (`gitenv`, see shims/gemini-git.awk); other tools
 * only save the payload.
 */
export function geminiHookEntries(packageRoot: string): Record<string, JsonObject[]> {
  const out: Record<string, JsonObject[]> = {};
  for (const event of GEMINI_HOOK_EVENTS) {
    if (event === 'BeforeTool' || event === 'AfterTool') {
      out[event] = [
        entry(packageRoot, event, 'edit', EDIT_MATCHER),
        entry(packageRoot, event, event === 'BeforeTool' ? 'gitenv' : 'other', SHELL_MATCHER),
        entry(packageRoot, event, 'other', OTHER_MATCHER),
      ];
    } else out[event] = [entry(packageRoot, event, event === 'SessionStart' ? 'start' : undefined)];
  }
  return out;
}

const isOurs = (command: unknown): boolean => isTraceCommand(command, GEMINI_SHIM);

function spec(packageRoot: string): HookJsonSpec {
  return { path: GEMINI_SETTINGS_PATH, entries: geminiHookEntries(packageRoot), isOurs };
}

/** `.gemini/settings.json` with ai-trace's hooks merged in (null: no file yet). */
export function mergeGeminiHooks(existing: string | null, packageRoot: string): string {
  return mergeHookJson(existing, spec(packageRoot));
}

/** `.gemini/settings.json` with exactly ai-trace's hooks taken out. */
export function removeGeminiHooks(existing: string): string {
  return removeHookJson(existing, { path: GEMINI_SETTINGS_PATH, isOurs });
}
