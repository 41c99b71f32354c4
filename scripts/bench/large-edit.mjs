// Issue 11 item 2: the daemon's peak resident memory (VmHWM, /proc/<pid>/status) when an agent edits a
// 200 MB file and the edit is committed, against the same daemon idle (started, nothing to do). The
// documented bound is 256 MB (README, "Hook behaviour and limits"); a file past the snapshot cap gets
// no line attribution (its session says so) instead of being held in memory.
import fs from 'node:fs';
import path from 'node:path';
import { basePayload, git, hookCommand, hookEnv, makeRepo, procStatusKb, row, sleepSync, spoolWaiting, startDaemon, stopDaemon, timeSpawn, trace, waitUntil, writeTranscript } from './lib.mjs';

export const name = 'large-edit';
export const title = 'daemon peak memory for a 200 MB edit vs idle';

const MB = 1024 * 1024;
const BOUND_MB = 256;

function writeBig(file, mb) {
  const chunk = Buffer.alloc(MB, 'abcdefghijklmnopqrstuvwxyz0123456789');
  for (let i = 63; i < MB; i += 64) chunk[i] = 10;
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

export async function run(ctx) {
  const sizeMb = ctx.n(200, 50);
  const { env, home } = ctx.traceHome('large-edit');
  const repo = makeRepo(ctx.dir('large-edit-repo'), { 'README.md': '# bench\n' }, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  const big = path.join(repo, 'data.txt');
  writeBig(big, sizeMb);
  git(repo, ['add', '-A'], env);
  git(repo, ['commit', '-q', '-m', 'a big file, by a human'], env);
  stopDaemon(env);

  // --- baseline: a fresh daemon, idle
  const idlePid = startDaemon(env);
  sleepSync(1500);
  const idleHwm = procStatusKb(idlePid, 'VmHWM');
  stopDaemon(env);

  // --- the edit, through the real hooks, and its commit
  const pid = startDaemon(env);
  const sessionId = 'bench-0000-4000-8000-00000000b1c0';
  const transcript = path.join(ctx.root, 'transcripts', 'large-edit.jsonl');
  writeTranscript(transcript, sessionId);
  const henv = hookEnv(env, repo);
  const base = (event) => basePayload(repo, sessionId, transcript, event);
  const fire = (payload) => timeSpawn('sh', ['-c', hookCommand(repo, payload.hook_event_name, payload.tool_name)], { cwd: repo, env: henv, input: JSON.stringify(payload) }).ms;
  fire({ ...base('SessionStart'), source: 'startup' });
  const input = { file_path: big, old_string: 'abc', new_string: 'ABC' };
  const pre = fire({ ...base('PreToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: 'toolu_big' });
  fs.appendFileSync(big, 'one more line by the agent\n');
  const post = fire({ ...base('PostToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: 'toolu_big', tool_response: { filePath: big, oldString: 'abc', newString: 'ABC', structuredPatch: [], userModified: false, replaceAll: false } });
  git(repo, ['add', 'data.txt'], env);
  const commitMs = timeSpawn('git', ['commit', '-q', '-m', 'the agent appended a line'], { cwd: repo, env }).ms;
  const drained = waitUntil(() => spoolWaiting(home) === 0, 300_000, 100);
  const show = JSON.parse(trace(['show', 'HEAD', '--json'], { cwd: repo, env }).stdout);
  const hwm = procStatusKb(pid, 'VmHWM');
  stopDaemon(env);
  const file = show.code_changes?.files?.find((f) => f.path === 'data.txt');
  ctx.log(`  large-edit: ${sizeMb} MB edit: daemon peak ${(hwm / 1024).toFixed(0)} MB (idle ${(idleHwm / 1024).toFixed(0)} MB); hooks ${pre.toFixed(0)}/${post.toFixed(0)} ms, commit ${commitMs.toFixed(0)} ms`);
  const r = row({
    bench: name, figure: `daemon VmHWM, ${sizeMb} MB file edited and committed`, value: hwm === null ? null : hwm / 1024, unit: 'MB',
    baseline: idleHwm === null ? null : { name: 'idle daemon', value: idleHwm / 1024 }, target: { max: BOUND_MB, on: 'value', text: `< ${BOUND_MB} MB (documented bound)` },
    detail: { sizeMb, hooksMs: { pre, post }, commitMs, drained, file, sessions: show.sessions },
  });
  if (hwm === null) r.skipped = 'no /proc on this platform';
  return [r];
}
