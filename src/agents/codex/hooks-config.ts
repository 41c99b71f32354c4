import { agentHookCommand, isTraceCommand, type ToolFlavor } from '../hook-command.js';
import { mergeHookJson, removeHookJson, type HookJsonSpec, type JsonObject } from '../hooks-json.js';

/** Where Codex reads a project's hooks (read only in a trusted project; each hook needs trusting too). */
export const CODEX_HOOKS_PATH = '.codex/hooks.json';

/** The shim's name for Codex: spool files and hook commands say `codex`. */
export const CODEX_SHIM = 'codex';

/**
 * The events ai-trace hooks, in the order they are added. PreModelRequest/PostModelRequest fire around
 * every model request and are left alone: usage comes from the rollout file.
 */
export const CODEX_HOOK_EVENTS = ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd'] as const;

/** Seconds Codex waits for our hook; it clamps SessionEnd's to 3 and says so on stdout, so that one asks for 3. */
const timeout = (event: string): number => (event === 'SessionEnd' ? 3 : 10);

/** Our entry per event; `""` matches every tool (apply_patch, Bash, …) and every source. */
export function codexHookEntries(packageRoot: string): Record<string, JsonObject[]> {
  const out: Record<string, JsonObject[]> = {};
  for (const event of CODEX_HOOK_EVENTS) {
    const flavor: ToolFlavor | undefined = event === 'SessionStart' ? 'start' : event.endsWith('ToolUse') ? 'mark' : undefined;
    const command = agentHookCommand(packageRoot, CODEX_SHIM, event, flavor);
    out[event] = [{ matcher: '', hooks: [{ type: 'command', command, timeout: timeout(event) }] }];
  }
  return out;
}

const isOurs = (command: unknown): boolean => isTraceCommand(command, CODEX_SHIM);

function spec(packageRoot: string): HookJsonSpec {
  return { path: CODEX_HOOKS_PATH, entries: codexHookEntries(packageRoot), isOurs };
}

/** `.codex/hooks.json` with ai-trace's hooks merged in (null: no file yet). */
export function mergeCodexHooks(existing: string | null, packageRoot: string): string {
  return mergeHookJson(existing, spec(packageRoot));
}

/** `.codex/hooks.json` with exactly ai-trace's hooks taken out. */
export function removeCodexHooks(existing: string): string {
  return removeHookJson(existing, { path: CODEX_HOOKS_PATH, isOurs });
}
