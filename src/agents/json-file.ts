import { TraceError } from '../errors.js';

/** Reading and writing the agents' JSON hook files the way their owners wrote them. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The file's JSON object; `{}` for no file or an empty one. `path` (relative to the work tree) is for messages. */
export function parseJsonObject(text: string | null, path: string): JsonObject {
  if (text === null || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidHookFile(path, `invalid JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(value as Json)) throw invalidHookFile(path, 'expected a JSON object');
  return value as JsonObject;
}

/** JSON with the file's own indent (2 spaces by default) and a trailing newline. */
export function renderJson(file: JsonObject, existing: string | null): string {
  const match = existing ? /^[ \t]*[{[][ \t]*\r?\n([ \t]+)\S/m.exec(existing) : null;
  return `${JSON.stringify(file, null, match ? match[1]! : '  ')}\n`;
}

export function invalidHookFile(path: string, what: string): TraceError {
  return new TraceError('CONFIG_INVALID', `${path}: ${what}; fix it, then run trace init again`);
}
