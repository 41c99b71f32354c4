import { invalidHookFile as invalid, isJsonObject as isObject, type Json, type JsonObject, parseJsonObject as parse, renderJson as render } from './json-file.js';

/**
 * Merging ai-trace's entries into a hook file of the flat shape Copilot CLI (`.github/hooks/*.json`) and
 * Cursor (`.cursor/hooks.json`) share: `{"version": 1, "hooks": {"<event>": [{<commandKey>: "…", …}]}}`,
 * one entry per command (no nested `hooks` groups). The user's keys, events and entries keep their
 * content and order; a file already right comes back byte for byte; removal takes out exactly ours.
 */

/** One flat hook file's merge rules. */
export interface HookListSpec {
  /** The file, relative to the work tree's top, for messages. */
  path: string;
  /** The entry key holding the command (`bash` for Copilot CLI, `command` for Cursor). */
  commandKey: string;
  /** Our entries per event, in the order events are added. */
  entries: Record<string, JsonObject[]>;
  /** True for a hook command ai-trace wrote. */
  isOurs(command: unknown): boolean;
}

/** The text with our entries merged in; `existing` null means no file yet. */
export function mergeHookList(existing: string | null, spec: HookListSpec): string {
  const file = parse(existing, spec.path);
  let changed = existing === null;
  if (file.version === undefined) {
    file.version = 1;
    changed = true;
  }
  const hooks = hooksOf(file, spec.path, true)!;
  for (const [event, want] of Object.entries(spec.entries)) {
    const list = hooks[event];
    if (list !== undefined && !Array.isArray(list)) throw invalid(spec.path, `hooks.${event} must be a list`);
    const next = withOurs(list ?? [], want, (e) => isOurs(e, spec));
    if (next !== null) {
      hooks[event] = next;
      changed = true;
    }
  }
  return changed ? render(withVersionFirst(file), existing) : (existing as string);
}

/** The text with exactly our entries removed (events and a `hooks` key left empty go too). */
export function removeHookList(existing: string, spec: Pick<HookListSpec, 'path' | 'commandKey' | 'isOurs'>): string {
  const file = parse(existing, spec.path);
  const hooks = hooksOf(file, spec.path, false);
  if (!hooks) return existing;
  let changed = false;
  for (const [event, list] of Object.entries(hooks)) {
    if (!Array.isArray(list) || !list.some((e) => isOurs(e, spec))) continue;
    const kept = list.filter((e) => !isOurs(e, spec));
    changed = true;
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  if (!changed) return existing;
  if (Object.keys(hooks).length === 0) delete file.hooks;
  return render(file, existing);
}

function isOurs(entry: Json, spec: Pick<HookListSpec, 'commandKey' | 'isOurs'>): boolean {
  return isObject(entry) && spec.isOurs(entry[spec.commandKey]);
}

/** The new list for one event, or null when it already holds exactly our entries, together, and nothing else of ours. */
function withOurs(list: Json[], want: JsonObject[], ours: (e: Json) => boolean): Json[] | null {
  const mine = list.map(ours);
  const first = mine.indexOf(true);
  const last = mine.lastIndexOf(true);
  const together = first === -1 || mine.slice(first, last + 1).every(Boolean);
  if (together && JSON.stringify(list.filter((_, i) => mine[i])) === JSON.stringify(want)) return null;
  const out: Json[] = [];
  list.forEach((e, i) => {
    if (!mine[i]) out.push(e);
    else if (i === first) out.push(...want);
  });
  if (first === -1) out.push(...want);
  return out;
}

function hooksOf(file: JsonObject, path: string, create: boolean): JsonObject | null {
  const hooks = file.hooks;
  if (hooks === undefined) return create ? (file.hooks = {}) : null;
  if (!isObject(hooks)) throw invalid(path, 'hooks must be an object');
  return hooks;
}

/** A new file reads `{"version": 1, "hooks": …}`; an existing one keeps its key order. */
function withVersionFirst(file: JsonObject): JsonObject {
  return 'version' in file ? { version: file.version!, ...file } : file;
}
