/**
 * OpenCode 1.18.33, replayed from the recorded real-client fixture (../shared/fixtures/opencode): the
 * plugin `trace init --opencode` writes is loaded and driven with the plugin hook calls OpenCode made,
 * the payloads it hands the shim become ai-trace's events, and OpenCode's own SQLite records give the
 * usage it recorded, in Claude Code's semantics.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agents/adapter.js';
import { parseOpencodePayload } from '../../src/agents/opencode/payload.js';
import { OPENCODE_PLUGIN_MARK, opencodePluginSource } from '../../src/agents/opencode/plugin.js';
import { readOpencodeRecords } from '../../src/agents/opencode/records.js';
import { rebuildBefore } from '../../src/agents/reverse-edits.js';
import { claudeSemantics, fixtureDir, readJsonl, readMeta } from './fixtures.js';

const dir = fixtureDir('opencode', '1.18.33');
const meta = readMeta(dir);
const ts = '2026-12-06T15:46:37.000Z';
let root: string;

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-opencode-')));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Call {
  event: string;
  input: Record<string, unknown>;
  output: unknown;
}
type Hooks = Record<string, (input: unknown, output: unknown) => Promise<void>>;

/** Loads the generated plugin with a stand-in shim that keeps each payload (numbered, in the order it ran). */
async function loadPlugin(repo: string, home: string, spool: string): Promise<(ctx: unknown) => Promise<Hooks>> {
  const pkg = path.join(root, 'package');
  fs.mkdirSync(path.join(pkg, 'shims'), { recursive: true });
  fs.mkdirSync(spool, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'shims', 'hook.sh'),
    `n=$(ls ${JSON.stringify(spool)} | wc -l); cat > ${JSON.stringify(spool)}/$(printf %03d "$n")-"$1"-"$2".json\n`,
  );
  const file = path.join(repo, '.opencode', 'plugin', 'ai-trace.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, opencodePluginSource(pkg));
  process.env.XDG_DATA_HOME = path.join(home, '.local', 'share');
  const mod = (await import(file)) as { AiTrace: (ctx: unknown) => Promise<Hooks> };
  return mod.AiTrace;
}

describe('OpenCode 1.18.33 through the ai-trace plugin (recorded hook calls)', () => {
  let sent: { event: string; payload: Record<string, unknown> }[];
  let repo: string;
  let home: string;

  beforeAll(async () => {
    repo = path.join(root, 'repo');
    home = path.join(root, 'home');
    fs.mkdirSync(repo, { recursive: true });
    const text = fs.readFileSync(path.join(dir, 'hooks.jsonl'), 'utf8').split(meta.repo).join(repo).split(meta.home).join(home);
    const calls = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Call);
    const spool = path.join(root, 'spool');
    const AiTrace = await loadPlugin(repo, home, spool);
    const init = calls.find((c) => c.event === 'plugin.init')!;
    const hooks = await AiTrace({ ...init.input, client: {}, $: undefined });
    for (const c of calls) if (hooks[c.event]) await hooks[c.event]!(c.input, c.output);
    sent = fs.readdirSync(spool).sort().map((name) => {
      const [, , event] = name.replace(/\.json$/, '').split('-');
      return { event: event!, payload: JSON.parse(fs.readFileSync(path.join(spool, name), 'utf8')) as Record<string, unknown> };
    });
  });

  it('hands the shim one payload per event that matters, in order, under the agent name opencode', () => {
    expect(fs.readFileSync(path.join(repo, '.opencode', 'plugin', 'ai-trace.js'), 'utf8').startsWith(OPENCODE_PLUGIN_MARK)).toBe(true);
    expect(sent.map((s) => s.event)).toEqual(['sessionCreated', 'chatMessage', 'editBefore', 'editAfter', 'editBefore', 'editAfter', 'toolBefore', 'toolAfter', 'sessionIdle']);
  });

  it('whose events are the session, the prompt, both edits of hello.sh, the shell command and the stop', () => {
    const events = sent.flatMap((s) => parseOpencodePayload({ event: s.event, payload: s.payload, ts }));
    const file = path.join(repo, 'hello.sh');
    expect(events.map((e) => [e.name, e.toolName ?? '', e.files ?? []])).toEqual([
      ['session.start', '', []],
      ['prompt', '', []],
      ['edit.before', 'write', [file]],
      ['edit.after', 'write', [file]],
      ['edit.before', 'edit', [file]],
      ['edit.after', 'edit', [file]],
      ['shell.before', 'bash', []],
      ['shell.after', 'bash', []],
      ['stop', '', []],
    ]);
    for (const e of events) expect(e).toMatchObject({ agent: 'opencode', sessionId: meta.session_id, cwd: repo, projectDir: repo, transcriptPath: path.join(home, '.local', 'share', 'opencode') });
    expect(events[0]!.agentVersion).toBe('1.18.33');
    expect(events[1]!.model).toBe('fake-model');
    expect(events[6]!.command).toBe('sh hello.sh >> README.md && tail -n 1 README.md');
    expect(events.filter((e) => e.name.endsWith('.after')).map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok']);
    // a tool call's before and after pair up on OpenCode's callID
    expect(events[2]!.toolUseId).toBe(events[3]!.toolUseId);
    expect(events[2]!.toolUseId).toMatch(/^call_/);
  });

  it("keeps payloads small: no file content after write (the shim's snapshot has it)", () => {
    const [afterWrite, afterEdit] = sent.filter((s) => s.event === 'editAfter');
    expect(afterWrite!.payload.args).toBeUndefined();
    expect(afterEdit!.payload.args).toEqual({ filePath: path.join(repo, 'hello.sh'), oldString: 'echo "hello from replay"', newString: 'echo "hello, edited by replay"' });
    expect(sent.find((s) => s.event === 'toolAfter')!.payload.metadata).toMatchObject({ exit: 0 });
  });

  it('say what each edit did, so the content before it can be rebuilt from the content after', () => {
    const events = sent.flatMap((s) => parseOpencodePayload({ event: s.event, payload: s.payload, ts }));
    const [write, edit] = events.filter((e) => e.name === 'edit.after');
    const file = path.join(repo, 'hello.sh');
    expect(write!.edit).toEqual({ kind: 'create' });
    expect(rebuildBefore('#!/bin/sh\necho "hello from replay"\n', write!, file)).toBe('');
    expect(rebuildBefore('#!/bin/sh\necho "hello, edited by replay"\n', edit!, file)).toBe('#!/bin/sh\necho "hello from replay"\n');
    // apply_patch (GPT models): the files come from the patch, resolved against the session's directory
    const patch = '*** Begin Patch\n*** Update File: hello.sh\n@@\n-echo "a"\n+echo "b"\n*** End Patch\n';
    const [p] = parseOpencodePayload({ event: 'editAfter', payload: { hook: 'tool.execute.after', session_id: 'ses_1', directory: repo, tool: 'apply_patch', args: { patchText: patch } }, ts });
    expect(p).toMatchObject({ name: 'edit.after', files: [file], edit: { kind: 'patch', cwd: repo } });
    expect(rebuildBefore('#!/bin/sh\necho "b"\n', p!, file)).toBe('#!/bin/sh\necho "a"\n');
  });

  it('a non-zero exit is a failed shell call; foreign payloads are refused', () => {
    const after = sent.find((s) => s.event === 'toolAfter')!;
    const failed = { ...after.payload, metadata: { exit: 2 } };
    expect(parseOpencodePayload({ event: 'toolAfter', payload: failed, ts })[0]).toMatchObject({ name: 'shell.after', outcome: 'failed' });
    expect(() => parseOpencodePayload({ event: 'toolAfter', payload: { session_id: 'x', hook: 'h' }, ts })).toThrow(PayloadError);
    expect(() => parseOpencodePayload({ event: 'toolAfter', payload: { sessionId: 'ses_1' }, ts })).toThrow(/not from the ai-trace OpenCode plugin/);
  });
});

describe("OpenCode 1.18.33's own records (recorded opencode.db rows)", () => {
  let data: string;
  beforeAll(() => {
    // the fixture's rows of tables session and message, put back into a database of the same shape
    data = path.join(root, 'data', 'opencode');
    fs.mkdirSync(data, { recursive: true });
    const db = new Database(path.join(data, 'opencode.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE session (id TEXT PRIMARY KEY, slug TEXT, title TEXT, version TEXT); CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT)');
    for (const row of readJsonl<Record<string, unknown>>(path.join(dir, 'opencode-db.jsonl'))) {
      if (row.table === 'session') db.prepare('INSERT INTO session VALUES (?, ?, ?, ?)').run(row.id, row.slug, row.title, row.version);
      if (row.table === 'message') db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(row.id, row.session_id, row.time_created, row.time_updated, JSON.stringify(row.data));
    }
    db.close();
  });

  it("give each model request's tokens, converted from OpenCode's counting to Claude Code's", () => {
    const r = readOpencodeRecords(data, meta.session_id);
    expect(r.warnings).toEqual([]);
    expect(r.requests.map(({ id, model, input, output, cacheRead, cacheWrite }) => ({ id, model, input, output, cacheRead, cacheWrite }))).toEqual(
      meta.usage_records.map((u) => ({ id: u.id, ...claudeSemantics(u) })),
    );
    // OpenCode's output leaves reasoning out (156 + 24), its input already leaves the cache out
    expect(r.requests[0]).toMatchObject({ input: 12000, output: 180, provider: 'agent-replay', cost: 0 });
    expect(r.requests[1]).toMatchObject({ input: 696, cacheRead: 11904 });
    expect(r).toMatchObject({ db: path.join(data, 'opencode.db'), version: '1.18.33', slug: 'shiny-pixel', userMessages: 1, assistantMessages: 4 });
  });

  it('find the session in the database OPENCODE_DB names; say so when there is none', () => {
    expect(readOpencodeRecords(path.join(data, 'opencode.db'), meta.session_id).requests).toHaveLength(4);
    expect(readOpencodeRecords(data, 'ses_unknown').warnings[0]).toMatch(/not in OpenCode's database/);
    expect(readOpencodeRecords(path.join(root, 'nowhere'), meta.session_id).warnings[0]).toMatch(/no OpenCode database there/);
    fs.writeFileSync(path.join(root, 'bad.db'), 'not sqlite');
    expect(readOpencodeRecords(path.join(root, 'bad.db'), meta.session_id).warnings[0]).toMatch(/not readable as OpenCode's database/);
  });
});
