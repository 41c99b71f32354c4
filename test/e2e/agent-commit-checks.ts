/**
 * What an end-to-end run of the write-edit-shell-commit scenarios (test/e2e/scenarios/<client>/) must
 * leave behind, whatever the agent: hello.sh written then edited, README.md changed by a shell command,
 * one commit of both made through the agent's shell, that commit's trailer naming the session, exactly
 * the agent's lines attributed to it, and the session's tokens equal to the client's own usage records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { validateSessionData } from '../../src/attest/verify.js';
import type { ShowResponse, StatusResponse } from '../../src/protocol/types.js';
import { shimEvents, trailerSessions, type AgentWorld } from '../helpers/agent-world.js';
import { claudeSemantics, type AgentRun } from './agent-replay-run.js';

/** The parts of `trace session show --json` these checks read. */
export interface SessionEvidence {
  agent: { name: string; version?: string };
  model: { primary: string; models_used: string[] };
  usage: Record<string, number | null>;
  git_context: { commits: string[] };
  tools_used: { summary: { tool_name: string; invocation_count: number }[] };
  conversation: { user_messages: number; assistant_messages: number };
}

export interface Expect {
  /** `data.agent.name`. */
  agent: string;
  /** The shim's name for the agent (the hook log's second field). */
  shim: string;
  /** The agent events the shim logged, in order (the log line's first word); absent: the caller checks them. */
  events?: string[];
  model: string;
  /** Model requests (one usage record each). */
  requests: number;
  tools: Record<string, number>;
}

/** Checks the commit, the trailer, the attribution, the session's evidence and status; returns the evidence. */
export async function expectTracedCommit(w: AgentWorld, run: AgentRun, e: Expect): Promise<SessionEvidence> {
  // the tools really ran, and the agent's shell made exactly one commit of exactly its files
  expect(fs.readFileSync(path.join(w.repo, 'hello.sh'), 'utf8')).toBe('#!/bin/sh\necho "hello, edited by replay"\n');
  expect(fs.readFileSync(path.join(w.repo, 'README.md'), 'utf8')).toBe('# e2e\nhello, edited by replay\n');
  expect(await w.git('status', '--porcelain')).toBe('');
  expect(await w.git('rev-parse', 'HEAD^')).toBe(w.initCommit);
  expect(await w.git('log', '-1', '--format=%s')).toBe('Add hello.sh');
  expect((await w.git('show', '--name-status', '--format=', 'HEAD')).split('\n')).toEqual(['M\tREADME.md', 'A\thello.sh']);

  // git ran ai-trace's commit hooks inside the agent's shell: the trailer names the session
  expect(trailerSessions(await w.git('log', '-1', '--format=%B'))).toEqual([run.sessionId]);
  // every hook reached the shim, in order, and nothing failed
  if (e.events) expect(shimEvents(w.repo, e.shim).map((l) => l.split(' ')[0])).toEqual(e.events);
  expect(fs.readFileSync(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8')).not.toMatch(/error|failed|skipped/);

  // the AI lines are exactly the client's: hello.sh whole, README.md's appended line
  const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as ShowResponse;
  expect(show.sessions).toEqual([run.sessionId]);
  const files = [...show.code_changes.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  expect(files).toEqual([
    expect.objectContaining({ path: 'README.md', status: 'modified', lines_added: 1, lines_removed: 0, line_ranges: [{ start: 2, end: 2 }], ai_lines_added: 1, human_lines_added: 0, session_ids: [run.sessionId] }),
    expect.objectContaining({ path: 'hello.sh', status: 'created', lines_added: 2, lines_removed: 0, line_ranges: [{ start: 1, end: 2 }], ai_lines_added: 2, human_lines_added: 0, session_ids: [run.sessionId] }),
  ]);
  expect(show.code_changes).toMatchObject({ lines_added: 3, ai_lines_added: 3, human_lines_added: 0 });

  // the session's tokens are the client's own usage records, in Claude Code's semantics
  const data = JSON.parse(await w.trace('session', 'show', run.sessionId, '--json')) as SessionEvidence;
  expect(validateSessionData(data)).toEqual([]);
  expect(data.agent).toEqual({ name: e.agent, version: run.clientVersion });
  expect(run.usage).toHaveLength(e.requests);
  const want = claudeSemantics(run.usage);
  expect(want.cache_read_input_tokens).toBeGreaterThan(0);
  expect(data.usage).toMatchObject(want);
  expect(data.usage.total_tokens).toBe(want.input_tokens + want.output_tokens);
  expect(data.model).toMatchObject({ primary: e.model, models_used: [e.model] });
  expect(data.conversation).toMatchObject({ user_messages: 1, assistant_messages: e.requests });
  expect(data.git_context.commits).toEqual([await w.git('rev-parse', 'HEAD')]);
  expect(Object.fromEntries(data.tools_used.summary.map((t) => [t.tool_name, t.invocation_count]))).toEqual(e.tools);

  const status = JSON.parse(await w.trace('status', '--json')) as StatusResponse;
  expect(status.sessions).toEqual([expect.objectContaining({ id: run.sessionId, agent: e.agent, repo: w.repo })]);
  expect(status.spool).toEqual({ waiting: 0, dead: 0 });
  return data;
}
