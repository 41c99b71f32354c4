import { agentHookCommand, isTraceCommand, type ToolFlavor } from '../hook-command.js';
import { mergeHookList, removeHookList, type HookListSpec } from '../hook-list-json.js';

/** Cursor's project hook file (it runs in trusted workspaces, with the project root as cwd). */
export const CURSOR_HOOKS_PATH = '.cursor/hooks.json';
/** The shim's name for Cursor: spool files `…-cursor-<event>`. */
export const CURSOR_SHIM = 'cursor';

/** The Cursor events ai-trace listens to, in the order they are added. */
export const CURSOR_HOOK_EVENTS = [
  'sessionStart',
  'beforeSubmitPrompt',
  'afterFileEdit',
  'beforeShellExecution',
  'afterShellExecution',
  'stop',
  'sessionEnd',
] as const;

/** Seconds Cursor waits for the hook. */
const TIMEOUT = 10;

const FLAVOR: Partial<Record<string, ToolFlavor>> = {
  sessionStart: 'start',
  afterFileEdit: 'edit',
};

type Entry = { [key: string]: string | number };

/**
 * Our entry for one event. `afterFileEdit` snapshots the edited file (the content after the edit; the
 * content before is rebuilt from the reported edits). The hook prints nothing and exits 0, so it never
 * answers a `before*` event's permission question: the user's other hooks and settings decide.
 */
export function cursorHookEntries(packageRoot: string, event: string): Entry[] {
  const flavor = FLAVOR[event];
  return [{ command: agentHookCommand(packageRoot, CURSOR_SHIM, event, flavor, flavor === 'edit' ? 'file_path' : undefined), timeout: TIMEOUT }];
}

function spec(packageRoot: string): HookListSpec {
  return {
    path: CURSOR_HOOKS_PATH,
    commandKey: 'command',
    entries: Object.fromEntries(CURSOR_HOOK_EVENTS.map((e) => [e, cursorHookEntries(packageRoot, e)])),
    isOurs: (c) => isTraceCommand(c, CURSOR_SHIM),
  };
}

/** `.cursor/hooks.json` with our hooks merged in (`existing` null: no file yet). */
export function mergeCursorHooks(existing: string | null, packageRoot: string): string {
  return mergeHookList(existing, spec(packageRoot));
}

/** The file with exactly our hooks removed. */
export function removeCursorHooks(existing: string): string {
  return removeHookList(existing, { path: CURSOR_HOOKS_PATH, commandKey: 'command', isOurs: (c) => isTraceCommand(c, CURSOR_SHIM) });
}
