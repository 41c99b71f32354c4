// Issue 11 item 2: the agent hook's time when the payload names a named pipe in the work tree, as an
// Edit's file_path and as the transcript_path, against the same hook for a normal small edit (target:
// the hook stays under 100 ms; test/robust/hostile-paths.test.ts only checks it never hangs). The pipe
// has no writer: anything that opened it for reading would block. Afterwards the daemon must still
// answer `trace status` (checked, reported in detail).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { basePayload, hookCommand, hookEnv, makeRepo, row, sourceFile, startDaemon, stats, stopDaemon, timeSpawn, trace, writeTranscript } from './lib.mjs';

export const name = 'hostile-hooks';
export const title = 'agent hook with a named pipe as file_path / transcript_path vs a small edit';

export async function run(ctx) {
  const runs = ctx.n(40, 5);
  const { env } = ctx.traceHome('hostile');
  const repo = makeRepo(ctx.dir('hostile-repo'), { 'src/app.ts': sourceFile(200, 1) }, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  const fifo = path.join(repo, 'pipe');
  const tfifo = path.join(repo, 'transcript.jsonl');
  for (const f of [fifo, tfifo]) if (spawnSync('mkfifo', [f]).status !== 0) throw new Error(`mkfifo ${f} failed`);
  const sessionId = 'bench-0000-4000-8000-0000000f1f0a';
  const transcript = path.join(ctx.root, 'transcripts', 'hostile.jsonl');
  writeTranscript(transcript, sessionId);
  startDaemon(env);
  const henv = hookEnv(env, repo);
  const small = path.join(repo, 'src', 'app.ts');
  const payload = (file, tpath, id) => ({
    ...basePayload(repo, sessionId, tpath, 'PreToolUse'), tool_name: 'Edit', tool_use_id: id,
    tool_input: { file_path: file, old_string: 'default', new_string: 'edited', replace_all: false },
  });
  const command = hookCommand(repo, 'PreToolUse', 'Edit');
  const cases = {
    'small edit': () => payload(small, transcript, 'toolu_small'),
    'file_path a named pipe': () => payload(fifo, transcript, 'toolu_fifo'),
    'transcript_path a named pipe': () => payload(small, tfifo, 'toolu_tfifo'),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const keys = Object.keys(cases);
  for (let i = -2; i < runs; i++) {
    for (let j = 0; j < keys.length; j++) {
      const k = keys[(i + 2 + j) % keys.length]; // each case first in turn
      const ms = timeSpawn('sh', ['-c', command], { cwd: repo, env: henv, input: JSON.stringify(cases[k]()) }).ms;
      if (i >= 0) samples[k].push(ms);
    }
  }
  // the transcript is read by the daemon at Stop: it must not block it
  timeSpawn('sh', ['-c', hookCommand(repo, 'Stop')], { cwd: repo, env: henv, input: JSON.stringify({ ...basePayload(repo, sessionId, tfifo, 'Stop'), stop_hook_active: false }) });
  const t0 = Date.now();
  const status = trace(['status', '--json'], { cwd: repo, env, check: false });
  const statusMs = Date.now() - t0;
  stopDaemon(env);
  const S = stats(samples['small edit']);
  const rows = [];
  for (const k of keys.slice(1)) {
    const X = stats(samples[k]);
    rows.push(row({
      bench: name, figure: `Edit hook, ${k}`, value: X.median, p95: X.p95, baseline: { name: 'small edit', value: S.median },
      target: { max: 100, on: 'value', text: '< 100 ms' }, detail: { stats: X, baseline: S },
    }));
  }
  rows.push(row({
    bench: name, figure: 'trace status afterwards (daemon answering)', value: statusMs, target: { max: 10_000, on: 'value', text: 'answers' },
    detail: { exit: status.status },
  }));
  rows.at(-1).pass = status.status === 0 && statusMs < 10_000;
  ctx.log(`  hostile-hooks: small ${S.median.toFixed(1)} ms; ${keys.slice(1).map((k) => `${k} ${stats(samples[k]).median.toFixed(1)} ms`).join('; ')}; status ${statusMs} ms`);
  return rows;
}
