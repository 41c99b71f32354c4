import type { SessionUsage } from "../adapter.js";
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { limits } from "../../guard/limits.js";
import { fileKind, readRegular } from "../../guard/regular-file.js";
import { cacheWriteSplit, type TokenUsage } from "../../pricing/cost.js";
import { estimateCost, unpricedWarning } from "../../pricing/estimate.js";

/** Usage of one de-duplicated API response. */
export interface UsageEntry {
  messageId?: string;
  requestId?: string;
  model?: string;
  sidechain: boolean;
  usage: TokenUsage;
}

/** Message counters for one conversation thread. */
export interface MessageCounts {
  user: number;
  assistant: number;
  apiErrors: number;
}

/** Accumulated state; JSON-serialisable so the daemon can persist it between reads. */
export interface TranscriptState {
  offset: number;
  /** Inside a line longer than the cap: bytes up to its end are skipped. */
  skippingLine?: boolean;
  version?: string;
  slug?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  /** `isSidechain` of the first line carrying it: true for a subagent transcript. */
  sidechainFile?: boolean;
  entries: UsageEntry[];
  /** Dedup key (message.id + requestId) → index in `entries`. */
  exactIndex: Record<string, number>;
  /** message.id → indexes in `entries`, for the sidechain fallback match. */
  messageIndex: Record<string, number[]>;
  /** Assistant message ids already counted. */
  assistantIds: Record<string, true>;
  /** tool_use block ids already counted. */
  toolUseIds: Record<string, true>;
  toolUses: Record<string, number>;
  /** Counts for the file's own thread. */
  own: MessageCounts;
  /** Counts for lines of the other thread (`isSidechain: true` lines inside a main transcript). */
  other: MessageCounts;
  /** Skip reason → line count. */
  skipped: Record<string, number>;
  unknownTypes: Record<string, number>;
  /** Warnings about the file itself (missing, shrank). */
  warnings: string[];
}

/** Token totals and estimated cost, in the Chainloop `usage` shape. */
export type TranscriptUsage = SessionUsage;

/** What a transcript says about a session. */
export interface TranscriptSummary {
  version?: string;
  slug?: string;
  /** Model with the most output tokens (ties: first seen); never `<synthetic>`. */
  primaryModel?: string;
  modelsUsed: string[];
  usage: TranscriptUsage;
  /** Real prompts of the file's own thread: not tool results, not isMeta, not compact summaries or interrupt markers. */
  userMessages: number;
  /** Distinct API responses (message.id) of the file's own thread, synthetic API-error messages excluded. */
  assistantMessages: number;
  /** Synthetic `<synthetic>` / isApiErrorMessage assistant messages of the file's own thread. */
  apiErrorMessages: number;
  /** Counts for the other thread: `isSidechain: true` lines in a main transcript. */
  sidechain: { userMessages: number; assistantMessages: number };
  toolUses: Record<string, number>;
  firstTimestamp?: string;
  lastTimestamp?: string;
  warnings: string[];
}

/** A subagent transcript's identity (from `agent-<id>.meta.json` when present) and totals. */
export interface SubagentSummary {
  id: string;
  type?: string;
  description?: string;
  model?: string;
  toolUseId?: string;
  usage: TranscriptUsage;
  tokens: { input: number; output: number };
  toolUses: Record<string, number>;
  warnings: string[];
}

type Json = Record<string, unknown>;

const KNOWN_TYPES = new Set([
  "user", "assistant", "system", "summary", "checkpoint", "file-history-snapshot", "attachment",
  "custom-title", "ai-title", "tag", "queue-operation", "last-prompt", "permission-mode", "progress",
  "atis-latch", "api-request-shape", "api-request-blob", "api-request", "tools-used", "cost-state",
  "agent-name", "pr-link",
]);

const SKIP_LABELS: Record<string, string> = {
  badJson: "with invalid JSON",
  notObject: "that are not JSON objects",
  noType: "without a type",
  noMessage: "with a missing or malformed message",
  badUsage: "with malformed usage or empty ids",
  tooLong: "longer than TRACE_MAX_TRANSCRIPT_LINE_BYTES",
};

const CHUNK = 1 << 20;
const SYNTHETIC = "<synthetic>";
const INTERRUPT = "[Request interrupted by user";

/** A state that has read nothing yet. */
export function emptyTranscriptState(): TranscriptState {
  return {
    offset: 0, entries: [], exactIndex: {}, messageIndex: {}, assistantIds: {}, toolUseIds: {},
    toolUses: {}, own: { user: 0, assistant: 0, apiErrors: 0 }, other: { user: 0, assistant: 0, apiErrors: 0 },
    skipped: {}, unknownTypes: {}, warnings: [],
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function addWarning(state: TranscriptState, warning: string): void {
  if (!state.warnings.includes(warning)) state.warnings.push(warning);
}

function tokens(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

// ccusage drops whole lines with `"speed":null` (and a few other null fields); null is treated as absent here so no response is lost.
function parseUsage(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw) || typeof raw.input_tokens !== "number" || typeof raw.output_tokens !== "number") return undefined;
  const usage: TokenUsage = {
    input_tokens: tokens(raw.input_tokens),
    output_tokens: tokens(raw.output_tokens),
    cache_creation_input_tokens: tokens(raw.cache_creation_input_tokens),
    cache_read_input_tokens: tokens(raw.cache_read_input_tokens),
  };
  if (isObject(raw.cache_creation)) {
    usage.cache_creation = {
      ephemeral_5m_input_tokens: tokens(raw.cache_creation.ephemeral_5m_input_tokens),
      ephemeral_1h_input_tokens: tokens(raw.cache_creation.ephemeral_1h_input_tokens),
    };
  }
  const speed = str(raw.speed);
  if (speed) usage.speed = speed;
  return usage;
}

function tokenTotal(u: TokenUsage): number {
  return u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
}

/** ccusage: keep the non-sidechain line, else the larger token total, tie → the one with `speed`. */
function shouldReplace(candidate: UsageEntry, existing: UsageEntry): boolean {
  if (candidate.sidechain !== existing.sidechain) return existing.sidechain;
  const a = tokenTotal(candidate.usage);
  const b = tokenTotal(existing.usage);
  if (a !== b) return a > b;
  return candidate.usage.speed !== undefined && existing.usage.speed === undefined;
}

function dedupKey(messageId: string, requestId: string | undefined): string {
  return JSON.stringify([messageId, requestId ?? null]);
}

function indexEntry(state: TranscriptState, entry: UsageEntry, index: number): void {
  const id = entry.messageId as string;
  state.exactIndex[dedupKey(id, entry.requestId)] = index;
  const list = (state.messageIndex[id] ??= []);
  if (!list.includes(index)) list.push(index);
}

function addEntry(state: TranscriptState, entry: UsageEntry): void {
  const id = entry.messageId;
  if (id === undefined) {
    state.entries.push(entry);
    return;
  }
  let index: number | undefined = state.exactIndex[dedupKey(id, entry.requestId)];
  if (index !== undefined) {
    const hit = state.entries[index];
    if (hit.messageId !== id || hit.requestId !== entry.requestId) index = undefined;
  }
  index ??= (state.messageIndex[id] ?? []).find((i) => entry.sidechain || state.entries[i].sidechain);
  if (index !== undefined) {
    if (shouldReplace(entry, state.entries[index])) {
      state.entries[index] = entry;
      indexEntry(state, entry, index);
    }
    return;
  }
  state.entries.push(entry);
  indexEntry(state, entry, state.entries.length - 1);
}

function foldAssistant(state: TranscriptState, line: Json, own: boolean): void {
  const msg = line.message;
  if (!isObject(msg)) {
    count(state.skipped, "noMessage");
    return;
  }
  const model = str(msg.model);
  const messageId = str(msg.id);
  const requestId = str(line.requestId);
  const usage = msg.usage === undefined ? undefined : parseUsage(msg.usage);
  if ((msg.usage !== undefined && !usage) || messageId === "" || requestId === "" || model === "") {
    count(state.skipped, "badUsage");
    return;
  }
  const counts = own ? state.own : state.other;
  if (messageId === undefined || !state.assistantIds[messageId]) {
    if (messageId !== undefined) state.assistantIds[messageId] = true;
    if (model === SYNTHETIC || line.isApiErrorMessage === true) counts.apiErrors++;
    else counts.assistant++;
  }
  if (own && Array.isArray(msg.content)) {
    for (const block of msg.content) {
      if (!isObject(block) || block.type !== "tool_use" || typeof block.name !== "string") continue;
      const toolId = str(block.id);
      if (toolId !== undefined) {
        if (state.toolUseIds[toolId]) continue;
        state.toolUseIds[toolId] = true;
      }
      count(state.toolUses, block.name);
    }
  }
  if (usage) addEntry(state, { messageId, requestId, model, sidechain: line.isSidechain === true, usage });
}

function isPrompt(line: Json): boolean {
  if (line.isMeta === true || line.isCompactSummary === true || line.toolUseResult !== undefined) return false;
  const msg = line.message;
  if (!isObject(msg)) return false;
  const isText = (t: unknown): boolean => typeof t === "string" && t.trim() !== "" && !t.startsWith(INTERRUPT);
  if (typeof msg.content === "string") return isText(msg.content);
  if (!Array.isArray(msg.content)) return false;
  return msg.content.some((b) => isObject(b) && ((b.type === "text" && isText(b.text)) || b.type === "image"));
}

function foldTimestamp(state: TranscriptState, ts: string | undefined): void {
  if (ts === undefined || Number.isNaN(Date.parse(ts))) return;
  if (state.firstTimestamp === undefined || Date.parse(ts) < Date.parse(state.firstTimestamp)) state.firstTimestamp = ts;
  if (state.lastTimestamp === undefined || Date.parse(ts) > Date.parse(state.lastTimestamp)) state.lastTimestamp = ts;
}

function foldLine(state: TranscriptState, text: string): void {
  if (text.trim() === "") return;
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    count(state.skipped, "badJson");
    return;
  }
  if (!isObject(line)) {
    count(state.skipped, "notObject");
    return;
  }
  foldTimestamp(state, str(line.timestamp));
  state.version = str(line.version) ?? state.version;
  state.slug = str(line.slug) ?? state.slug;
  if (typeof line.isSidechain === "boolean") state.sidechainFile ??= line.isSidechain;
  const type = str(line.type);
  if (type === undefined) {
    count(state.skipped, "noType");
    return;
  }
  if (!KNOWN_TYPES.has(type)) {
    count(state.unknownTypes, type);
    return;
  }
  const own = (line.isSidechain === true) === (state.sidechainFile ?? false);
  if (type === "assistant") foldAssistant(state, line, own);
  else if (type === "user" && !isObject(line.message)) count(state.skipped, "noMessage");
  else if (type === "user" && isPrompt(line)) (own ? state.own : state.other).user++;
}

function foldBytes(state: TranscriptState, bytes: Buffer, maxLine: number): void {
  let start = 0;
  for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
    if (nl - start > maxLine) count(state.skipped, "tooLong");
    else foldLine(state, bytes.toString("utf8", start, nl));
    start = nl + 1;
  }
}

/**
 * Reads bytes from state.offset to the last complete line (a truncated last line is left for next
 * time) and folds them into a copy of `state`. Never throws on bad content; a missing file returns the
 * state plus a warning. Bounded: only a regular file is read (a FIFO or device named as the
 * transcript is opened non-blocking and left alone), at most TRACE_MAX_TRANSCRIPT_READ_BYTES per call
 * (the rest is read next time), and a line longer than TRACE_MAX_TRANSCRIPT_LINE_BYTES is skipped as
 * it streams past instead of being gathered.
 */
export function readTranscript(path: string, state: TranscriptState): TranscriptState {
  let next: TranscriptState = structuredClone(state);
  const { transcriptLineBytes: maxLine, transcriptReadBytes: budget } = limits();
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    addWarning(next, `transcript not readable: ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
    return next;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      addWarning(next, `transcript is ${fileKind(st)}, not a regular file: not read: ${path}`);
      return next;
    }
    const size = st.size;
    if (size < next.offset) {
      const warnings = next.warnings;
      next = emptyTranscriptState();
      next.warnings = warnings;
      addWarning(next, `transcript shrank below the last read offset, re-read from the start: ${path}`);
    }
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let position = next.offset;
    const end = Math.min(size, position + budget);
    while (position < end) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - position));
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read <= 0) break;
      position += read;
      let data = chunk.subarray(0, read);
      if (next.skippingLine) {
        const nl = data.indexOf(10);
        if (nl === -1) {
          next.offset = position;
          continue;
        }
        next.skippingLine = false;
        data = data.subarray(nl + 1);
        next.offset = position - data.length;
      }
      const lastNl = data.lastIndexOf(10);
      if (lastNl === -1) {
        pending.push(data);
        pendingLen += data.length;
        if (pendingLen > maxLine) {
          count(next.skipped, "tooLong");
          next.skippingLine = true;
          pending = [];
          pendingLen = 0;
          next.offset = position;
        }
        continue;
      }
      let from = 0;
      if (pendingLen) {
        const firstNl = data.indexOf(10);
        if (pendingLen + firstNl > maxLine) count(next.skipped, "tooLong");
        else foldLine(next, Buffer.concat([...pending, data.subarray(0, firstNl)]).toString("utf8"));
        pending = [];
        pendingLen = 0;
        from = firstNl + 1;
      }
      foldBytes(next, data.subarray(from, lastNl + 1), maxLine);
      next.offset = position - (data.length - lastNl - 1);
      if (lastNl + 1 < data.length) {
        pending.push(data.subarray(lastNl + 1));
        pendingLen = data.length - lastNl - 1;
      }
    }
  } catch (err) {
    addWarning(next, `transcript read failed: ${path} (${(err as Error).message})`);
  } finally {
    closeSync(fd);
  }
  return next;
}

function usageOf(state: TranscriptState, unpriced: Set<string>): TranscriptUsage {
  const u = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 0 };
  for (const { usage } of state.entries) {
    const { write5m, write1h } = cacheWriteSplit(usage);
    u.input_tokens += usage.input_tokens;
    u.output_tokens += usage.output_tokens;
    u.cache_read_input_tokens += usage.cache_read_input_tokens;
    u.cache_creation_input_tokens += write5m + write1h;
  }
  u.total_tokens = u.input_tokens + u.output_tokens;
  const cost = estimateCost(state.entries.filter((e) => e.model !== undefined && e.model !== SYNTHETIC));
  for (const model of cost.unpriced) unpriced.add(model);
  return { ...u, estimated_cost_usd: cost.estimated_cost_usd };
}

function models(state: TranscriptState): { primary?: string; used: string[] } {
  const output = new Map<string, number>();
  for (const { model, usage } of state.entries) {
    if (model === undefined || model === SYNTHETIC) continue;
    output.set(model, (output.get(model) ?? 0) + usage.output_tokens);
  }
  let primary: string | undefined;
  for (const [model, out] of output) if (primary === undefined || out > (output.get(primary) as number)) primary = model;
  return { primary, used: [...output.keys()] };
}

function warningsOf(state: TranscriptState, unpriced: Set<string>): string[] {
  const out = [...state.warnings];
  for (const [reason, n] of Object.entries(state.skipped)) out.push(`${n} line(s) ${SKIP_LABELS[reason] ?? reason} skipped`);
  for (const [type, n] of Object.entries(state.unknownTypes)) out.push(`${n} line(s) of unknown type "${type}" skipped`);
  for (const model of unpriced) out.push(unpricedWarning(model));
  return out;
}

/** Totals over de-duplicated responses; cost rounded to 6 decimals; warnings include skipped-line counts and unpriced models. */
export function summarizeTranscript(state: TranscriptState): TranscriptSummary {
  const unpriced = new Set<string>();
  const usage = usageOf(state, unpriced);
  const { primary, used } = models(state);
  return {
    version: state.version,
    slug: state.slug,
    primaryModel: primary,
    modelsUsed: used,
    usage,
    userMessages: state.own.user,
    assistantMessages: state.own.assistant,
    apiErrorMessages: state.own.apiErrors,
    sidechain: { userMessages: state.other.user, assistantMessages: state.other.assistant },
    toolUses: { ...state.toolUses },
    firstTimestamp: state.firstTimestamp,
    lastTimestamp: state.lastTimestamp,
    warnings: warningsOf(state, unpriced),
  };
}

/** The `<dir>/<session-id>/subagents/agent-*.jsonl` files next to a session transcript, sorted; [] when none. */
export function subagentTranscriptPaths(transcriptPath: string, sessionId: string): string[] {
  const dir = join(dirname(transcriptPath), sessionId, "subagents");
  try {
    return readdirSync(dir)
      .filter((name) => name.startsWith("agent-") && name.endsWith(".jsonl"))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

function readMeta(path: string): Json {
  const r = readRegular(path, { maxBytes: 1024 * 1024 });
  if (r.kind !== "ok") return {};
  try {
    const meta: unknown = JSON.parse(r.bytes.toString("utf8"));
    return isObject(meta) ? meta : {};
  } catch {
    return {};
  }
}

/** Reads one subagent transcript whole, with its `.meta.json` (agentType, description, model, toolUseId) if present. */
export function readSubagent(path: string): SubagentSummary {
  const summary = summarizeTranscript(readTranscript(path, emptyTranscriptState()));
  const meta = readMeta(path.replace(/\.jsonl$/, ".meta.json"));
  return {
    id: basename(path).replace(/^agent-/, "").replace(/\.jsonl$/, ""),
    type: str(meta.agentType),
    description: str(meta.description),
    model: str(meta.model) ?? summary.primaryModel,
    toolUseId: str(meta.toolUseId),
    usage: summary.usage,
    tokens: { input: summary.usage.input_tokens, output: summary.usage.output_tokens },
    toolUses: summary.toolUses,
    warnings: summary.warnings,
  };
}
