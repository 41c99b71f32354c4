/**
 * The usage readers against the records the real clients wrote (../shared/fixtures/<agent>/<version>/),
 * checked against the per-request usage the fixture's meta.json lists (read by the harness's usage.js,
 * in its convention: input INCLUDES cached, output INCLUDES reasoning).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatRecords, emptyChatState, readChat } from '../../src/agents/gemini/chat.js';
import { emptyRolloutState, readRollout, rolloutPrompts, rolloutRecords } from '../../src/agents/codex/rollout.js';

import { FIXTURES, type HarnessUsage as HarnessRecord, readMeta } from './fixtures.js';

/** The harness's record in Claude Code's semantics. */
const claudeSemantics = (r: HarnessRecord) => ({
  input_tokens: r.input - r.cached - r.cache_write,
  output_tokens: r.output,
  cache_read_input_tokens: r.cached,
  cache_creation_input_tokens: r.cache_write,
});

describe('Gemini CLI chat record', () => {
  const dir = path.join(FIXTURES, 'gemini-cli/0.61.0/write-edit-bash');
  it('gives one record per model response (last line per id), in Claude Code semantics', () => {
    const st = readChat(path.join(dir, 'chat-session.jsonl'), emptyChatState());
    const want = readMeta(dir).usage_records;
    expect(chatRecords(st).map((r) => ({ id: r.id, model: r.model, ...r.usage }))).toEqual(want.map((r) => ({ id: r.id, model: r.model, ...claudeSemantics(r) })));
    expect(Object.keys(st.prompts)).toHaveLength(1);
    expect(Object.values(st.toolCalls).sort()).toEqual(['replace', 'run_shell_command', 'write_file']);
    expect(st.warnings).toEqual([]);
  });

  it('reads a growing file incrementally to the same result, leaving a half-written line for later', () => {
    const text = fs.readFileSync(path.join(dir, 'chat-session.jsonl'));
    const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'chat-'));
    const file = path.join(tmp, 'chat.jsonl');
    const cut = text.indexOf(10, Math.floor(text.length / 2)) + 20;
    fs.writeFileSync(file, text.subarray(0, cut));
    let st = readChat(file, emptyChatState());
    expect(st.offset).toBeLessThan(cut);
    fs.writeFileSync(file, text);
    st = readChat(file, st);
    expect(chatRecords(st)).toEqual(chatRecords(readChat(path.join(dir, 'chat-session.jsonl'), emptyChatState())));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('warns once about a missing file', () => {
    const st = readChat('/nonexistent/chat.jsonl', readChat('/nonexistent/chat.jsonl', emptyChatState()));
    expect(st.warnings).toHaveLength(1);
  });
});

describe('Codex rollout', () => {
  const dir = path.join(FIXTURES, 'codex/0.171.0/write-edit-bash');
  it('gives one record per token_usage_record, in Claude Code semantics, with the CLI version and model', () => {
    const st = readRollout(path.join(dir, 'rollout.jsonl'), emptyRolloutState());
    const want = readMeta(dir).usage_records;
    expect(rolloutRecords(st).map((r) => ({ id: r.id, model: r.model, ...r.usage }))).toEqual(want.map((r) => ({ id: r.id, model: r.model, ...claudeSemantics(r) })));
    expect(st.version).toBe('0.171.0');
    expect(st.model).toBe('gpt-5.5');
    expect(rolloutPrompts(st)).toBe(1);
  });

  it('falls back to token_count events for a rollout without token_usage_record lines', () => {
    const text = fs.readFileSync(path.join(dir, 'rollout.jsonl'), 'utf8').split('\n').filter((l) => !l.includes('"type":"token_usage_record"')).join('\n');
    const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'rollout-'));
    fs.writeFileSync(path.join(tmp, 'r.jsonl'), text);
    const st = readRollout(path.join(tmp, 'r.jsonl'), emptyRolloutState());
    const want = readMeta(dir).usage_records;
    expect(rolloutRecords(st).map((r) => r.usage)).toEqual(want.map(claudeSemantics));
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
