// What every agent's payload parser shares: reading loose JSON fields, naming events, the common fields.
import { PayloadError, type HookInput } from './adapter.js';
import type { TraceEvent, TraceEventName } from './events.js';

export type Json = Record<string, unknown>;

/** A non-empty string, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hook's payload as a JSON object; a `PayloadError` for anything else. */
export function payloadObject(input: HookInput): Json {
  if (!isObject(input.payload)) throw new PayloadError('payload is not a JSON object');
  return input.payload;
}

/** What kind of tool a tool event is about: tool events are named by it (`edit.before`, `shell.after`). */
export type ToolKind = 'edit' | 'shell' | 'tool';

/**
 * An agent's hook event names mapped to ours; `before` and `after` stand for a tool event, named by
 * the kind of its tool. An event not in the map is `other`.
 */
export type EventNames = Readonly<Record<string, TraceEventName | 'before' | 'after'>>;

export function eventNameOf(names: EventNames, event: string, kind: ToolKind): TraceEventName {
  const name = Object.hasOwn(names, event) ? names[event] : undefined;
  if (name === 'before' || name === 'after') return `${kind}.${name}`;
  return name ?? 'other';
}

/** The event with the shim's time stamps (`ts`, and `atMs` when known) added to what the payload said. */
export function withShimTime(input: HookInput, ev: Omit<TraceEvent, 'ts' | 'atMs'>): TraceEvent {
  const out: TraceEvent = { ...ev, ts: input.ts };
  if (input.atMs !== undefined) out.atMs = input.atMs;
  return out;
}
