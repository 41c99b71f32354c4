// Benchmark 5 (issue 4): `trace blame <file> --json` on a 10,000-line file whose lines come from an
// agent session, a human and the base commit, against `git blame --porcelain` of the same file.
// Skipped until the CLI has a `blame` command.
import fs from 'node:fs';
import path from 'node:path';
import { basePayload, git, hookCommand, hookEnv, makeRepo, row, skippedRow, sourceFile, spoolWaiting, startDaemon, stats, stopDaemon, timeSpawn, trace, waitUntil, writeTranscript } from './lib.mjs';

export const name = 'blame';
export const title = 'trace blame on a 10,000-line file';

/** True when the built CLI knows `blame` (an unknown command exits 2 with "unknown command"). */
function blameBuilt(env) {
  const r = trace(['blame', '--help'], { env, check: false });
  return !/unknown command/.test(r.stderr);
}

export async function run(ctx) {
  const { env, home } = ctx.traceHome('blame');
  if (!blameBuilt(env)) return [skippedRow(name, 'trace blame, 10,000 lines', 'trace blame not built yet')];

  const lines = 10_000;
  const repo = makeRepo(ctx.dir('blame-repo'), { 'src/big.ts': sourceFile(lines, 7) }, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  startDaemon(env);
  // an agent edit every 100 lines, a human edit every 250, committed
  const file = path.join(repo, 'src/big.ts');
  const sessionId = 'bench-blame-4000-8000-000000000001';
  const transcript = path.join(ctx.root, 'transcripts', 'blame.jsonl');
  writeTranscript(transcript, sessionId);
  const henv = hookEnv(env, repo);
  const fire = (p) => timeSpawn('sh', ['-c', hookCommand(repo, p.hook_event_name, p.tool_name)], { cwd: repo, env: henv, input: JSON.stringify(p) });
  const base = (event) => basePayload(repo, sessionId, transcript, event);
  fire({ ...base('SessionStart'), source: 'startup' });
  const before = fs.readFileSync(file, 'utf8');
  const text = before.split('\n');
  for (let i = 0; i < lines; i += 250) text[i] = `${text[i]} // human ${i}`;
  fs.writeFileSync(file, text.join('\n'));
  const mid = fs.readFileSync(file, 'utf8');
  for (let i = 50; i < lines; i += 100) text[i] = `${text[i]} // agent ${i}`;
  const after = text.join('\n');
  const input = { file_path: file, content: after };
  fire({ ...base('PreToolUse'), tool_name: 'Write', tool_input: input, tool_use_id: 'toolu_blame' });
  fs.writeFileSync(file, after);
  fire({ ...base('PostToolUse'), tool_name: 'Write', tool_input: input, tool_use_id: 'toolu_blame', tool_response: { type: 'update', filePath: file, content: after, structuredPatch: [], originalFile: mid } });
  waitUntil(() => spoolWaiting(home) === 0, 15_000);
  git(repo, ['commit', '-q', '-am', 'agent and human edits'], env);
  waitUntil(() => spoolWaiting(home) === 0, 15_000);

  const runs = ctx.n(5, 3);
  const t = [];
  const g = [];
  trace(['blame', 'src/big.ts', '--json'], { cwd: repo, env }); // warm-up
  for (let i = 0; i < runs; i++) {
    t.push(timeSpawn(process.execPath, [ctx.traceBin, 'blame', 'src/big.ts', '--json'], { cwd: repo, env }).ms);
    g.push(timeSpawn('git', ['blame', '--porcelain', 'src/big.ts'], { cwd: repo, env }).ms);
  }
  stopDaemon(env);
  const ts = stats(t);
  const gs = stats(g);
  return [row({
    bench: name, figure: `trace blame --json, ${lines} lines`, value: ts.median, p95: ts.p95, baseline: { name: 'git blame', value: gs.median, p95: gs.p95 },
    target: { max: 1000, on: 'value', text: '< 1 s (issue: "fast")' }, detail: { trace: ts, git: gs, runs },
  })];
}
