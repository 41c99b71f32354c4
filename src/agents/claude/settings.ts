import { TraceError } from '../../errors.js';
import { shQuote } from '../../install/sh-quote.js';
import { agentHookCommand, isTraceCommand as isShimCommand, type ToolFlavor } from '../hook-command.js';

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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

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
  const settings = parseSettings(existingText);
  let changed = existingText === null;
  const hooks = objectAt(settings, 'hooks');
  for (const event of CLAUDE_HOOK_EVENTS) {
    const want = claudeHookEntries(packageRoot, event);
    const groups = hooks[event];
    if (groups !== undefined && !Array.isArray(groups)) {
      throw invalidSettings(`hooks.${event} must be a list`);
    }
    const next = withOurEntry(groups ?? [], want);
    if (next !== null) {
      hooks[event] = next;
      changed = true;
    }
  }
  if (!changed) return existingText as string;
  return renderSettings(settings, existingText);
}

/**
 * Returns the settings text with exactly ai-trace's hook entries removed (events and the `hooks` key
 * left empty by that removal go too); the text is unchanged when there is nothing of ours.
 */
export function removeClaudeHooks(existingText: string): string {
  const settings = parseSettings(existingText);
  const hooks = settings.hooks;
  if (!isObject(hooks)) return existingText;
  let changed = false;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const kept = withoutOurs(groups);
    if (kept === null) continue;
    changed = true;
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  if (!changed) return existingText;
  if (Object.keys(hooks).length === 0) delete settings.hooks;
  return renderSettings(settings, existingText);
}

/** The new list for one event, or null when it already holds exactly our entries and nothing of ours besides. */
function withOurEntry(groups: Json[], want: JsonObject[]): Json[] | null {
  const ours = groups.map(isOurGroup);
  const firstOurs = ours.indexOf(true);
  const mixed = groups.some((g) => !isOurGroup(g) && hasOurHook(g));
  const current = groups.filter((_, i) => ours[i]);
  if (!mixed && sameJson(current, want) && isContiguous(ours)) return null;

  const out: Json[] = [];
  groups.forEach((group, i) => {
    if (ours[i]) {
      if (i === firstOurs) out.push(...want);
      return;
    }
    out.push(stripOurHooks(group));
  });
  if (firstOurs === -1) out.push(...want);
  return out;
}

/** True when the marked entries stand next to each other (ours are written as one block). */
function isContiguous(marks: boolean[]): boolean {
  const first = marks.indexOf(true);
  const last = marks.lastIndexOf(true);
  return first === -1 || marks.slice(first, last + 1).every(Boolean);
}

/** The list without our entries (our hooks are also taken out of mixed entries), or null when unchanged. */
function withoutOurs(groups: Json[]): Json[] | null {
  if (!groups.some(hasOurHook)) return null;
  return groups.filter((g) => !isOurGroup(g)).map(stripOurHooks);
}

function hookList(group: Json): Json[] | null {
  return isObject(group) && Array.isArray(group.hooks) ? group.hooks : null;
}

function isOurHook(hook: Json): boolean {
  return isObject(hook) && isTraceCommand(hook.command);
}

function hasOurHook(group: Json): boolean {
  return hookList(group)?.some(isOurHook) ?? false;
}

/** A matcher group all of whose hooks are ours. */
function isOurGroup(group: Json): boolean {
  const list = hookList(group);
  return list !== null && list.length > 0 && list.every(isOurHook);
}

function stripOurHooks(group: Json): Json {
  const list = hookList(group);
  if (!list || !list.some(isOurHook) || !isObject(group)) return group;
  return { ...group, hooks: list.filter((h) => !isOurHook(h)) };
}

function parseSettings(text: string | null): JsonObject {
  if (text === null || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidSettings(`invalid JSON (${(err as Error).message})`);
  }
  if (!isObject(value as Json)) throw invalidSettings('expected a JSON object');
  return value as JsonObject;
}

/** The object under `key`, created (at the end of `parent`) when missing. */
function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (value === undefined) {
    const created: JsonObject = {};
    parent[key] = created;
    return created;
  }
  if (!isObject(value)) throw invalidSettings(`${key} must be an object`);
  return value;
}

/** JSON with the file's own indent (2 spaces by default) and a trailing newline. */
function renderSettings(settings: JsonObject, existingText: string | null): string {
  return `${JSON.stringify(settings, null, detectIndent(existingText))}\n`;
}

/** The indent of the first indented line of a JSON text: spaces or tabs; 2 spaces when none. */
export function detectIndent(text: string | null): string {
  const match = text ? /^[ \t]*[{[][ \t]*\r?\n([ \t]+)\S/m.exec(text) : null;
  return match ? match[1]! : '  ';
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function invalidSettings(what: string): TraceError {
  return new TraceError(
    'CONFIG_INVALID',
    `${CLAUDE_SETTINGS_PATH}: ${what}; fix it, then run trace init again`,
  );
}
