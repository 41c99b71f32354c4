import { invalidHookFile as invalid, isJsonObject as isObject, type Json, type JsonObject, parseJsonObject as parse, renderJson as render } from './json-file.js';

export type { Json, JsonObject };

/**
 * Merging ai-trace's entries into a JSON hook configuration of the shape Claude Code made common and
 * Gemini CLI (`.gemini/settings.json`) and Codex (`.codex/hooks.json`) share:
 * `{"hooks": {"<Event>": [{"matcher": "…", "hooks": [{"type": "command", "command": "…", …}]}]}}`.
 * The user's keys, events and entries keep their content and order; a file already right comes back
 * byte for byte; removal takes out exactly our entries.
 */

/** One hook configuration file's merge rules. */
export interface HookJsonSpec {
  /** The file, relative to the work tree's top, for messages. */
  path: string;
  /** Our entries per event, in the order events are added. */
  entries: Record<string, JsonObject[]>;
  /** True for a hook command ai-trace wrote. */
  isOurs(command: unknown): boolean;
}

/** The text with our entries merged in; `existing` null means no file yet. */
export function mergeHookJson(existing: string | null, spec: HookJsonSpec): string {
  const settings = parse(existing, spec.path);
  let changed = existing === null;
  const hooks = objectAt(settings, 'hooks', spec.path);
  for (const [event, want] of Object.entries(spec.entries)) {
    const groups = hooks[event];
    if (groups !== undefined && !Array.isArray(groups)) throw invalid(spec.path, `hooks.${event} must be a list`);
    const next = withOurEntries(groups ?? [], want, spec.isOurs);
    if (next !== null) {
      hooks[event] = next;
      changed = true;
    }
  }
  if (!changed) return existing as string;
  return render(settings, existing);
}

/** The text with exactly our entries removed (events and a `hooks` key left empty go too). */
export function removeHookJson(existing: string, spec: Pick<HookJsonSpec, 'path' | 'isOurs'>): string {
  const settings = parse(existing, spec.path);
  const hooks = settings.hooks;
  if (!isObject(hooks)) return existing;
  let changed = false;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups) || !groups.some((g) => hasOurs(g, spec.isOurs))) continue;
    const kept = groups.filter((g) => !isOurGroup(g, spec.isOurs)).map((g) => stripOurs(g, spec.isOurs));
    changed = true;
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  if (!changed) return existing;
  if (Object.keys(hooks).length === 0) delete settings.hooks;
  return render(settings, existing);
}

function withOurEntries(groups: Json[], want: JsonObject[], isOurs: (c: unknown) => boolean): Json[] | null {
  const ours = groups.map((g) => isOurGroup(g, isOurs));
  const first = ours.indexOf(true);
  const last = ours.lastIndexOf(true);
  const mixed = groups.some((g, i) => !ours[i] && hasOurs(g, isOurs));
  const contiguous = first === -1 || ours.slice(first, last + 1).every(Boolean);
  if (!mixed && contiguous && JSON.stringify(groups.filter((_, i) => ours[i])) === JSON.stringify(want)) return null;
  const out: Json[] = [];
  groups.forEach((g, i) => {
    if (ours[i]) {
      if (i === first) out.push(...want);
    } else out.push(stripOurs(g, isOurs));
  });
  if (first === -1) out.push(...want);
  return out;
}

const hookList = (g: Json): Json[] | null => (isObject(g) && Array.isArray(g.hooks) ? g.hooks : null);
const isOurHook = (h: Json, isOurs: (c: unknown) => boolean): boolean => isObject(h) && isOurs(h.command);
const hasOurs = (g: Json, isOurs: (c: unknown) => boolean): boolean => hookList(g)?.some((h) => isOurHook(h, isOurs)) ?? false;

function isOurGroup(g: Json, isOurs: (c: unknown) => boolean): boolean {
  const list = hookList(g);
  return list !== null && list.length > 0 && list.every((h) => isOurHook(h, isOurs));
}

function stripOurs(g: Json, isOurs: (c: unknown) => boolean): Json {
  const list = hookList(g);
  if (!list || !isObject(g) || !list.some((h) => isOurHook(h, isOurs))) return g;
  return { ...g, hooks: list.filter((h) => !isOurHook(h, isOurs)) };
}

function objectAt(parent: JsonObject, key: string, path: string): JsonObject {
  const value = parent[key];
  if (value === undefined) return (parent[key] = {});
  if (!isObject(value)) throw invalid(path, `${key} must be an object`);
  return value;
}
