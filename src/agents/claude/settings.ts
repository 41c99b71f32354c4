import { shQuote } from '../../install/sh-quote.js';
import { agentHookCommand, isTraceCommand as isShimCommand, type ToolFlavor } from '../hook-command.js';
import { type Json, type JsonObject, mergeHookJson, removeHookJson } from '../hooks-json.js';

export { shQuote, type ToolFlavor };

/** The Claude Code events ai-trace listens to, in the order they are added to a settings file. */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'Stop',
  'StopFailure',
  'SubagentStop',
  'SessionEnd',
  'PreSkillShellCommand', // 2.1.332 (older clients ignore a hook event they do not know)
] as const;

/** One Claude Code event ai-trace hooks into. */
export type ClaudeHookEvent = (typeof CLAUDE_HOOK_EVENTS)[number];

/** Events whose matcher is tested against a tool name; only these get `"matcher": "*"`. */
const TOOL_EVENTS: ReadonlySet<string> = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PreSkillShellCommand']);

/** Seconds Claude Code waits for our hook before cancelling it. */
const HOOK_TIMEOUT_SECONDS = 10;

/** The settings path relative to the repository root. */
export const CLAUDE_SETTINGS_PATH = '.claude/settings.json';

/** The tools that edit one file through Claude's own editor: their hook snapshots the file. */
const EDIT_TOOLS_MATCHER = 'Edit|Write|MultiEdit|NotebookEdit';
/** Every other tool (a JS RegExp, as Claude reads matchers with other characters than names and `|`). */
const OTHER_TOOLS_MATCHER = '^(?!(Edit|Write|MultiEdit|NotebookEdit)$)';

/** The command Claude Code runs for `event` (see agentHookCommand); tool events pass their flavor. */
export function claudeHookCommand(packageRoot: string, event: string, flavor?: ToolFlavor): string {
  return agentHookCommand(packageRoot, 'claude', event, flavor);
}

/** True when a hook command is one ai-trace wrote (or the hand-written `trace-hook claude …` form). */
export function isTraceCommand(command: unknown): boolean {
  return isShimCommand(command, 'claude');
}

/** Our entries for one event: tool events get one for edit tools and one for all other tools. */
export function claudeHookEntries(packageRoot: string, event: string): JsonObject[] {
  const entry = (flavor?: ToolFlavor, matcher?: string): JsonObject => {
    const hooks: Json = [{ type: 'command', command: claudeHookCommand(packageRoot, event, flavor), timeout: HOOK_TIMEOUT_SECONDS }];
    return matcher ? { matcher, hooks } : { hooks };
  };
  return TOOL_EVENTS.has(event) ? [entry('edit', EDIT_TOOLS_MATCHER), entry('other', OTHER_TOOLS_MATCHER)] : [entry()];
}

/**
 * Returns the settings text with ai-trace's hooks merged in: the user's keys and hooks keep their
 * content and order, our entry per event is added (or updated in place), and an already-correct
 * file comes back byte for byte. `existingText` null means the file does not exist.
 */
export function mergeClaudeHooks(existingText: string | null, packageRoot: string): string {
  const entries = Object.fromEntries(CLAUDE_HOOK_EVENTS.map((event) => [event, claudeHookEntries(packageRoot, event)]));
  return mergeHookJson(existingText, { path: CLAUDE_SETTINGS_PATH, entries, isOurs: isTraceCommand });
}

/**
 * Returns the settings text with exactly ai-trace's hook entries removed (events and the `hooks` key
 * left empty by that removal go too); the text is unchanged when there is nothing of ours.
 */
export function removeClaudeHooks(existingText: string): string {
  return removeHookJson(existingText, { path: CLAUDE_SETTINGS_PATH, isOurs: isTraceCommand });
}
