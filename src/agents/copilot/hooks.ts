import { agentHookCommand, isTraceCommand, type ToolFlavor } from '../hook-command.js';
import { mergeHookList, removeHookList, type HookListSpec } from '../hook-list-json.js';
import { COPILOT_PATCH_TOOL, COPILOT_PATH_EDIT_TOOLS } from './payload.js';

/** The hook file ai-trace owns in the repository (Copilot CLI loads every `.github/hooks/*.json`). */
export const COPILOT_HOOKS_PATH = '.github/hooks/ai-trace.json';
/** The shim's name for Copilot CLI: spool files `…-copilot-<event>`, hook commands `… copilot <event>`. */
export const COPILOT_SHIM = 'copilot';

/** The Copilot CLI events ai-trace listens to, in the order they are added. */
export const COPILOT_HOOK_EVENTS = [
  'sessionStart',
  'userPromptSubmitted',
  'preToolUse',
  'postToolUse',
  'postToolUseFailure',
  'agentStop',
  'subagentStop',
  'sessionEnd',
] as const;

const TOOL_EVENTS: ReadonlySet<string> = new Set(['preToolUse', 'postToolUse', 'postToolUseFailure']);
/** Copilot matches a tool event's `matcher` as a regular expression against the whole tool name. */
const EDIT_MATCHER = [...COPILOT_PATH_EDIT_TOOLS, COPILOT_PATCH_TOOL].join('|');
const OTHER_MATCHER = `(?!(${EDIT_MATCHER})$).*`;
/** Seconds Copilot waits for the hook (its default is 30). */
const TIMEOUT_SEC = 10;

type Entry = { [key: string]: string | number };

function entry(packageRoot: string, event: string, flavor?: ToolFlavor, matcher?: string, pathKeys?: string): Entry {
  return {
    type: 'command',
    ...(matcher ? { matcher } : {}),
    bash: agentHookCommand(packageRoot, COPILOT_SHIM, event, flavor, pathKeys),
    timeoutSec: TIMEOUT_SEC,
  };
}

/**
 * Our entries for one event. Tool events get one for the edit tools (the shim snapshots the file in
 * `toolArgs.path`; apply_patch names none: its before-content is rebuilt from its patch) and one for
 * every other tool (`bash` among them: its window catches shell-made changes).
 */
export function copilotHookEntries(packageRoot: string, event: string): Entry[] {
  if (TOOL_EVENTS.has(event)) return [entry(packageRoot, event, 'edit', EDIT_MATCHER, 'path'), entry(packageRoot, event, 'other', OTHER_MATCHER)];
  return [entry(packageRoot, event, event === 'sessionStart' ? 'start' : undefined)];
}

function spec(packageRoot: string): HookListSpec {
  return {
    path: COPILOT_HOOKS_PATH,
    commandKey: 'bash',
    entries: Object.fromEntries(COPILOT_HOOK_EVENTS.map((e) => [e, copilotHookEntries(packageRoot, e)])),
    isOurs: (c) => isTraceCommand(c, COPILOT_SHIM),
  };
}

/** `.github/hooks/ai-trace.json` with our hooks merged in (`existing` null: no file yet). */
export function mergeCopilotHooks(existing: string | null, packageRoot: string): string {
  return mergeHookList(existing, spec(packageRoot));
}

/** The file with exactly our hooks removed. */
export function removeCopilotHooks(existing: string): string {
  return removeHookList(existing, { path: COPILOT_HOOKS_PATH, commandKey: 'bash', isOurs: (c) => isTraceCommand(c, COPILOT_SHIM) });
}
