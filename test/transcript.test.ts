import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  emptyTranscriptState,
  readSubagent,
  readTranscript,
  subagentTranscriptPaths,
  summarizeTranscript,
  type TranscriptState,
  type TranscriptSummary,
} from "../src/agents/claude/transcript.js";

const FIXTURES = "/work/shared/fixtures/claude-code";
const tmpRoot = mkdtempSync(join(tmpdir(), "ai-trace-transcript-"));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

let tmpCount = 0;
function tmpDir(): string {
  const dir = join(tmpRoot, String(tmpCount++));
  mkdirSync(dir, { recursive: true });
  return dir;
}

function readAll(path: string): TranscriptSummary {
  return summarizeTranscript(readTranscript(path, emptyTranscriptState()));
}

/** Feeds `content` to a fresh file in `pieces`, reading (and JSON round-tripping the state) after each piece. */
function readIncrementally(path: string, pieces: Buffer[]): TranscriptState {
  writeFileSync(path, "");
  let state = emptyTranscriptState();
  for (const piece of pieces) {
    appendFileSync(path, piece);
    state = JSON.parse(JSON.stringify(readTranscript(path, state))) as TranscriptState;
  }
  return state;
}

function lineSplit(content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let nl = content.indexOf(10); nl !== -1; nl = content.indexOf(10, start)) {
    out.push(content.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < content.length) out.push(content.subarray(start));
  return out;
}

function byteSplit(content: Buffer, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let i = 0; i < content.length; ) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 700);
    out.push(content.subarray(i, i + n));
    i += n;
  }
  return out;
}

interface Fixture {
  version: string;
  scenario: string;
  dir: string;
}

const fixtures: Fixture[] = readdirSync(FIXTURES).flatMap((version) =>
  readdirSync(join(FIXTURES, version)).map((scenario) => ({ version, scenario, dir: join(FIXTURES, version, scenario) })),
);

/** Lays a fixture out as Claude Code does: `<dir>/<session>.jsonl` and `<dir>/<session>/subagents/agent-*.{jsonl,meta.json}`. */
function installFixture(f: Fixture): { transcript: string; sessionId: string } {
  const sessionId = (JSON.parse(readFileSync(join(f.dir, "meta.json"), "utf8")) as { session_id: string }).session_id;
  const dir = tmpDir();
  const transcript = join(dir, `${sessionId}.jsonl`);
  copyFileSync(join(f.dir, "transcript.jsonl"), transcript);
  let subs: string[] = [];
  try {
    subs = readdirSync(join(f.dir, "subagents"));
  } catch {
    subs = [];
  }
  if (subs.length) mkdirSync(join(dir, sessionId, "subagents"), { recursive: true });
  for (const name of subs) copyFileSync(join(f.dir, "subagents", name), join(dir, sessionId, "subagents", name));
  return { transcript, sessionId };
}

interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

function expectedTotals(f: Fixture): { tokens: number[]; cost: number } {
  const result = JSON.parse(readFileSync(join(f.dir, "result.json"), "utf8")) as { modelUsage: Record<string, ModelUsage>; total_cost_usd: number };
  const tokens = [0, 0, 0, 0];
  for (const m of Object.values(result.modelUsage)) {
    tokens[0] += m.inputTokens;
    tokens[1] += m.outputTokens;
    tokens[2] += m.cacheReadInputTokens;
    tokens[3] += m.cacheCreationInputTokens;
  }
  return { tokens, cost: result.total_cost_usd };
}

const TASK_AGENT_TOOLS = { TaskCreate: 1, Read: 1, Edit: 1, Bash: 1, Agent: 1, TaskUpdate: 1 };
const EXPECTED: Record<string, { user: number; assistant: number; apiErrors: number; tools: Record<string, number>; subagents: number }> = {
  "api-error": { user: 1, assistant: 1, apiErrors: 1, tools: { Write: 1 }, subagents: 0 },
  "read-fail-task-agent": { user: 1, assistant: 7, apiErrors: 0, tools: TASK_AGENT_TOOLS, subagents: 1 },
  "write-edit-bash": { user: 1, assistant: 4, apiErrors: 0, tools: { Write: 1, Edit: 1, Bash: 1 }, subagents: 0 },
};

describe.each(fixtures)("fixture $version/$scenario", (f) => {
  const { transcript, sessionId } = installFixture(f);
  const full = readAll(transcript);
  const subPaths = subagentTranscriptPaths(transcript, sessionId);
  const expected = EXPECTED[f.scenario];

  it("has the expected counts, tools, version and model, without warnings", () => {
    expect(full).toMatchObject({
      version: f.version,
      primaryModel: "claude-sonnet-4-5-20250929",
      modelsUsed: ["claude-sonnet-4-5-20250929"],
      userMessages: expected.user,
      assistantMessages: expected.assistant,
      apiErrorMessages: expected.apiErrors,
      sidechain: { userMessages: 0, assistantMessages: 0 },
      toolUses: expected.tools,
      warnings: [],
    });
    expect(full.usage.total_tokens).toBe(full.usage.input_tokens + full.usage.output_tokens);
    expect(Date.parse(full.firstTimestamp as string)).toBeLessThan(Date.parse(full.lastTimestamp as string));
    expect(subPaths).toHaveLength(expected.subagents);
  });

  // Claude Code's result.json counts main + subagent API calls in modelUsage. Our cost is rounded to
  // 6 decimals per transcript, so each file may differ from Claude Code's unrounded figure by <= 5e-7.
  it("main + subagent totals match result.json modelUsage and total_cost_usd", () => {
    const subs = subPaths.map(readSubagent);
    const all = [full.usage, ...subs.map((s) => s.usage)];
    const sum = (k: keyof TranscriptSummary["usage"]): number => all.reduce((acc, u) => acc + u[k], 0);
    const want = expectedTotals(f);
    expect([sum("input_tokens"), sum("output_tokens"), sum("cache_read_input_tokens"), sum("cache_creation_input_tokens")]).toEqual(want.tokens);
    expect(Math.abs(sum("estimated_cost_usd") - want.cost)).toBeLessThanOrEqual(1e-6);
  });

  it("line-by-line and byte-chunk incremental reads equal one read", () => {
    for (const path of [transcript, ...subPaths]) {
      const content = readFileSync(path);
      const once = readTranscript(path, emptyTranscriptState());
      const byLine = readIncrementally(join(tmpDir(), basename(path)), lineSplit(content));
      const byBytes = readIncrementally(join(tmpDir(), basename(path)), byteSplit(content, content.length));
      expect(byLine.offset).toBe(content.length);
      expect(byBytes.offset).toBe(content.length);
      expect(summarizeTranscript(byLine)).toEqual(summarizeTranscript(once));
      expect(summarizeTranscript(byBytes)).toEqual(summarizeTranscript(once));
    }
  });

  it("leaves a truncated last line for the next read", () => {
    const content = readFileSync(transcript);
    const lines = lineSplit(content);
    let cut = lines.length - 1;
    while (!/"output_tokens":[1-9]/.test(lines[cut].toString("utf8"))) cut--;
    const head = Buffer.concat(lines.slice(0, cut));
    const path = join(tmpDir(), "t.jsonl");
    writeFileSync(path, Buffer.concat([head, lines[cut].subarray(0, lines[cut].length >> 1)]));
    const partial = readTranscript(path, emptyTranscriptState());
    expect(partial.offset).toBe(head.length);
    const headPath = join(tmpDir(), "head.jsonl");
    writeFileSync(headPath, head);
    expect(summarizeTranscript(partial)).toEqual(readAll(headPath));
    expect(summarizeTranscript(partial).usage.output_tokens).toBeLessThan(full.usage.output_tokens);
    appendFileSync(path, content.subarray(head.length + (lines[cut].length >> 1)));
    expect(summarizeTranscript(readTranscript(path, partial))).toEqual(full);
  });

  it("skips garbage lines, counting them in warnings, with unchanged totals", () => {
    const garbage = [
      "not json at all",
      "[1,2,3]",
      '{"no":"type"}',
      '{"type":"brand-new-line-type"}',
      '{"type":"assistant"}',
      '{"type":"assistant","message":{"id":"msg_x","model":"claude-sonnet-4-5","usage":"lots"}}',
      '{"type":"user","message":42}',
      "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_tr",
    ];
    const lines = lineSplit(readFileSync(transcript)).map((l) => l.toString("utf8"));
    const mixed = lines.flatMap((l, i) => [garbage[i % garbage.length] + "\n", l]).join("");
    const path = join(tmpDir(), "g.jsonl");
    writeFileSync(path, mixed);
    const got = readAll(path);
    expect({ ...got, warnings: [] }).toEqual(full);
    expect(got.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/line\(s\) with invalid JSON skipped/),
        expect.stringMatching(/that are not JSON objects skipped/),
        expect.stringMatching(/without a type skipped/),
        expect.stringMatching(/unknown type "brand-new-line-type"/),
        expect.stringMatching(/malformed message skipped/),
        expect.stringMatching(/malformed usage or empty ids skipped/),
      ]),
    );
  });
});

describe("readTranscript edge cases", () => {
  it("returns the state unchanged plus one warning for a missing file, then reads it once it exists", () => {
    const path = join(tmpDir(), "later.jsonl");
    const before = emptyTranscriptState();
    const after = readTranscript(path, before);
    expect(before).toEqual(emptyTranscriptState());
    expect({ ...after, warnings: [] }).toEqual(before);
    expect(after.warnings).toEqual([expect.stringContaining("ENOENT")]);
    expect(readTranscript(path, after).warnings).toHaveLength(1);
    writeFileSync(path, line({ type: "user", message: { role: "user", content: "hi" } }));
    expect(summarizeTranscript(readTranscript(path, after)).userMessages).toBe(1);
  });

  it("re-reads from the start when the file shrank", () => {
    const path = join(tmpDir(), "shrink.jsonl");
    writeFileSync(path, line(asst({ id: "m1", req: "r1", out: 5 })) + line(asst({ id: "m2", req: "r2", out: 7 })));
    const first = readTranscript(path, emptyTranscriptState());
    writeFileSync(path, line(asst({ id: "m3", req: "r3", out: 1 })));
    const second = summarizeTranscript(readTranscript(path, first));
    expect(second.usage.output_tokens).toBe(1);
    expect(second.warnings).toEqual([expect.stringContaining("shrank")]);
  });

  it("keeps multi-byte UTF-8 split across reads intact", () => {
    const prompt = "héllo — 日本語 🚀";
    const content = Buffer.from(line({ type: "user", slug: prompt, message: { role: "user", content: prompt } }));
    const state = readIncrementally(join(tmpDir(), "utf8.jsonl"), [...content].map((b) => Buffer.from([b])));
    expect(summarizeTranscript(state)).toMatchObject({ slug: prompt, userMessages: 1, warnings: [] });
  });

  it("ignores blank and CRLF-terminated lines' whitespace", () => {
    const path = join(tmpDir(), "crlf.jsonl");
    writeFileSync(path, "\n  \n" + JSON.stringify(asst({ id: "m1", req: "r1", out: 3 })) + "\r\n");
    expect(readAll(path)).toMatchObject({ assistantMessages: 1, usage: { output_tokens: 3 }, warnings: [] });
  });
});

interface AsstSpec {
  id?: string;
  req?: string;
  side?: boolean;
  model?: string;
  inp?: number;
  out?: number;
  speed?: string;
  content?: unknown[];
  ts?: string;
}

function asst(s: AsstSpec): Record<string, unknown> {
  return {
    type: "assistant",
    isSidechain: s.side ?? false,
    timestamp: s.ts ?? "2026-01-01T00:00:00.000Z",
    ...(s.req === undefined ? {} : { requestId: s.req }),
    message: {
      ...(s.id === undefined ? {} : { id: s.id }),
      model: s.model ?? "claude-opus-4-6",
      content: s.content ?? [{ type: "text", text: "ok" }],
      usage: { input_tokens: s.inp ?? 10, output_tokens: s.out ?? 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...(s.speed ? { speed: s.speed } : {}) },
    },
  };
}

function line(o: unknown): string {
  return JSON.stringify(o) + "\n";
}

function summaryOf(objects: unknown[]): TranscriptSummary {
  const path = join(tmpDir(), "s.jsonl");
  writeFileSync(path, objects.map(line).join(""));
  return readAll(path);
}

describe("usage de-duplication (ccusage rules)", () => {
  it.each<[string, AsstSpec[], number, number]>([
    ["one line per content block: same id + requestId counted once", [{ id: "m", req: "r" }, { id: "m", req: "r" }, { id: "m", req: "r" }], 10, 0.00005],
    ["same id, different requestId, both main: two entries", [{ id: "m", req: "r1" }, { id: "m", req: "r2" }], 20, 0.0001],
    ["sidechain replay of a main message keeps the main line", [{ id: "m", req: "r1", inp: 10 }, { id: "m", req: "r2", inp: 50, side: true }], 10, 0.00005],
    ["main line replaces an earlier sidechain line", [{ id: "m", req: "r1", inp: 50, side: true }, { id: "m", req: "r2", inp: 10 }], 10, 0.00005],
    ["larger token total wins", [{ id: "m", req: "r", inp: 10 }, { id: "m", req: "r", inp: 30 }], 30, 0.00015],
    ["smaller later total is ignored", [{ id: "m", req: "r", inp: 30 }, { id: "m", req: "r", inp: 10 }], 30, 0.00015],
    ["tie: the line with speed wins", [{ id: "m", req: "r", inp: 10 }, { id: "m", req: "r", inp: 10, speed: "fast" }], 10, 0.0003],
    ["no message.id: never merged", [{ req: "r" }, { req: "r" }], 20, 0.0001],
    ["message.id without requestId merges on the id", [{ id: "m" }, { id: "m" }], 10, 0.00005],
    ["empty requestId is skipped", [{ id: "m", req: "" }, { id: "n", req: "r" }], 10, 0.00005],
  ])("%s", (_, specs, input, cost) => {
    const s = summaryOf(specs.map(asst));
    expect(s.usage.input_tokens).toBe(input);
    expect(s.usage.estimated_cost_usd).toBeCloseTo(cost, 9);
  });
});

describe("summary fields", () => {
  const user = (content: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: "user", message: { role: "user", content }, ...extra });

  it.each<[string, Record<string, unknown>, number]>([
    ["string prompt", user("fix the bug"), 1],
    ["text block prompt", user([{ type: "text", text: "fix it" }]), 1],
    ["image-only prompt", user([{ type: "image", source: {} }]), 1],
    ["tool result", user([{ type: "tool_result", tool_use_id: "t", content: "ok" }], { toolUseResult: {} }), 0],
    ["tool result without toolUseResult", user([{ type: "tool_result", tool_use_id: "t", content: "ok" }]), 0],
    ["isMeta", user("<command-name>/x</command-name>", { isMeta: true }), 0],
    ["compact summary", user("This session is being continued", { isCompactSummary: true }), 0],
    ["interrupt marker", user([{ type: "text", text: "[Request interrupted by user for tool use]" }]), 0],
    ["empty prompt", user("   "), 0],
  ])("user line: %s", (_, obj, n) => {
    expect(summaryOf([obj]).userMessages).toBe(n);
  });

  it("counts assistant responses by message.id, API errors separately, tools by tool_use id", () => {
    const tool = (id: string, name: string): unknown => ({ type: "tool_use", id, name, input: {} });
    const s = summaryOf([
      asst({ id: "m1", req: "r1", content: [{ type: "text", text: "x" }] }),
      asst({ id: "m1", req: "r1", content: [tool("t1", "Read")] }),
      asst({ id: "m1", req: "r1", content: [tool("t1", "Read")] }),
      asst({ id: "m2", req: "r2", content: [tool("t2", "Bash"), tool("t3", "Bash")] }),
      { ...asst({ id: "uuid-1", req: "r3", model: "<synthetic>", inp: 0 }), isApiErrorMessage: true },
    ]);
    expect(s).toMatchObject({ assistantMessages: 2, apiErrorMessages: 1, toolUses: { Read: 1, Bash: 2 }, modelsUsed: ["claude-opus-4-6"] });
  });

  it("counts isSidechain lines of a main transcript separately, and a subagent file as its own thread", () => {
    const lines = [
      user("main prompt", { isSidechain: false }),
      asst({ id: "m1", req: "r1", content: [{ type: "tool_use", id: "t1", name: "Agent", input: {} }] }),
      user("side prompt", { isSidechain: true }),
      asst({ id: "s1", req: "r2", side: true, content: [{ type: "tool_use", id: "t2", name: "Bash", input: {} }] }),
    ];
    expect(summaryOf(lines)).toMatchObject({ userMessages: 1, assistantMessages: 1, sidechain: { userMessages: 1, assistantMessages: 1 }, toolUses: { Agent: 1 } });
    expect(summaryOf(lines.slice(2))).toMatchObject({ userMessages: 1, assistantMessages: 1, sidechain: { userMessages: 0, assistantMessages: 0 }, toolUses: { Bash: 1 } });
  });

  it.each<[string, AsstSpec[], string | undefined, string[]]>([
    ["most output tokens", [{ id: "a", model: "claude-haiku-4-5", out: 5 }, { id: "b", model: "claude-opus-4-6", out: 9 }], "claude-opus-4-6", ["claude-haiku-4-5", "claude-opus-4-6"]],
    ["summed per model", [{ id: "a", model: "claude-haiku-4-5", out: 5 }, { id: "b", model: "claude-opus-4-6", out: 9 }, { id: "c", model: "claude-haiku-4-5", out: 5 }], "claude-haiku-4-5", ["claude-haiku-4-5", "claude-opus-4-6"]],
    ["tie: first seen", [{ id: "a", model: "claude-sonnet-4-6", out: 5 }, { id: "b", model: "claude-opus-4-6", out: 5 }], "claude-sonnet-4-6", ["claude-sonnet-4-6", "claude-opus-4-6"]],
    ["<synthetic> never counts", [{ id: "a", model: "<synthetic>", out: 50 }, { id: "b", model: "claude-opus-4-6", out: 1 }], "claude-opus-4-6", ["claude-opus-4-6"]],
    ["no responses", [], undefined, []],
  ])("primary model: %s", (_, specs, primary, used) => {
    expect(summaryOf(specs.map(asst))).toMatchObject({ primaryModel: primary, modelsUsed: used });
  });

  it("takes version and slug from the last line carrying them, timestamps as min and max", () => {
    const s = summaryOf([
      { ...asst({ id: "a", ts: "2026-01-01T00:00:05.000Z" }), version: "2.1.1", slug: "first-slug" },
      { ...asst({ id: "b", ts: "2026-01-01T00:00:01.000Z" }), version: "2.1.2" },
      { type: "last-prompt", timestamp: "not a date" },
      { ...asst({ id: "c", ts: "2026-01-01T00:00:09.000Z" }), slug: "second-slug" },
    ]);
    expect(s).toMatchObject({ version: "2.1.2", slug: "second-slug", firstTimestamp: "2026-01-01T00:00:01.000Z", lastTimestamp: "2026-01-01T00:00:09.000Z" });
  });

  it("warns about unpriced models and leaves them out of the cost, keeping their tokens", () => {
    const s = summaryOf([asst({ id: "a", model: "claude-opus-4-6", inp: 1000 }), asst({ id: "b", model: "mystery-model", inp: 1000 })]);
    expect(s.usage).toMatchObject({ input_tokens: 2000, total_tokens: 2000, estimated_cost_usd: 0.005 });
    expect(s.warnings).toEqual([expect.stringContaining('"mystery-model"')]);
  });

  it("an unknown model alone gives a null cost and a warning, never 0", () => {
    const s = summaryOf([asst({ id: "a", model: "mystery-model", inp: 1000 })]);
    expect(s.usage).toMatchObject({ input_tokens: 1000, estimated_cost_usd: null });
    expect(s.warnings).toEqual([expect.stringContaining('"mystery-model"')]);
  });

  it("reproduces the Chainloop example usage block", () => {
    const s = summaryOf([
      { type: "assistant", requestId: "r", message: { id: "m", model: "claude-opus-4-6", content: [], usage: { input_tokens: 8, output_tokens: 294, cache_read_input_tokens: 91602, cache_creation_input_tokens: 22159 } } },
    ]);
    expect({ ...s.usage, estimated_cost_usd: Math.round((s.usage.estimated_cost_usd as number) * 1e4) / 1e4 }).toEqual({
      input_tokens: 8, output_tokens: 294, total_tokens: 302, cache_read_input_tokens: 91602, cache_creation_input_tokens: 22159, estimated_cost_usd: 0.1917,
    });
  });
});

describe("subagents", () => {
  it("finds nothing when the session has no subagents directory", () => {
    expect(subagentTranscriptPaths(join(tmpDir(), "abc.jsonl"), "abc")).toEqual([]);
  });

  it.each(fixtures.filter((f) => f.scenario === "read-fail-task-agent"))("reads $version's subagent with its meta.json", (f) => {
    const { transcript, sessionId } = installFixture(f);
    const [path] = subagentTranscriptPaths(transcript, sessionId);
    const id = basename(path).replace(/^agent-|\.jsonl$/g, "");
    expect(readSubagent(path)).toMatchObject({
      id,
      type: "general-purpose",
      description: "Count repo files",
      model: "claude-sonnet-4-5-20250929",
      toolUseId: "toolu_01Ii1HSSmvBkAleQqud6gXA9",
      tokens: { input: 9, output: 75 },
      usage: { input_tokens: 9, output_tokens: 75, cache_read_input_tokens: 9100, cache_creation_input_tokens: 9220 },
      toolUses: { Bash: 1 },
      warnings: [],
    });
  });

  it("falls back to the transcript's model when meta.json is missing", () => {
    const dir = join(tmpDir(), "sess", "subagents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "agent-xyz.jsonl"), line(asst({ id: "a", side: true, model: "claude-haiku-4-5", out: 4 })));
    const sub = readSubagent(join(dir, "agent-xyz.jsonl"));
    expect(sub).toMatchObject({ id: "xyz", model: "claude-haiku-4-5", tokens: { input: 10, output: 4 } });
    expect(sub.type).toBeUndefined();
    expect(sub.description).toBeUndefined();
  });
});
