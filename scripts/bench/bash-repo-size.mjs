// Benchmark 4 (issue 4): the Bash hook's wall time in a repository of 50,000 files against one of 10
// files: the cost of a Bash hook must not grow with the size of the repository. Both repositories are
// traced, the daemon runs, a session is started in each (so a future per-session watcher is in place),
// and PreToolUse/PostToolUse Bash run interleaved between the two, through the installed hook command.
import fs from 'node:fs';
import path from 'node:path';
import { basePayload, git, hookCommand, hookEnv, makeRepo, row, sourceFile, spoolWaiting, startDaemon, stats, stopDaemon, timeHook, trace, waitUntil, writeTranscript } from './lib.mjs';

export const name = 'bash-repo-size';
export const title = 'Bash hook in a 50,000-file repository vs a 10-file repository';

const TARGET = { max: 1.2, on: 'ratio', text: '≤ 1.2× small repo' };

/** A repository of `count` small files in directories of 500, built with one git fast-import and one checkout. */
function bigRepo(dir, count, env) {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q'], env);
  const parts = [];
  const paths = [];
  for (let i = 0; i < count; i++) {
    const body = `export const value${i} = ${i}; // file ${i}\n`;
    parts.push(`blob\nmark :${i + 1}\ndata ${Buffer.byteLength(body)}\n${body}\n`);
    paths.push(`M 100644 :${i + 1} pkg${String(Math.floor(i / 500)).padStart(3, '0')}/file${String(i).padStart(5, '0')}.ts\n`);
  }
  const msg = 'initial\n';
  parts.push(`commit refs/heads/main\nauthor Bench <bench@example.invalid> 1700000000 +0000\ncommitter Bench <bench@example.invalid> 1700000000 +0000\ndata ${msg.length}\n${msg}`);
  parts.push(...paths, '\n');
  git(dir, ['fast-import', '--quiet'], env, parts.join(''));
  git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/main'], env);
  git(dir, ['reset', '-q', '--hard'], env);
  return dir;
}

export async function run(ctx) {
  const count = ctx.n(50_000, 5_000);
  const { env, home } = ctx.traceHome('bashsize');
  const t0 = Date.now();
  const big = bigRepo(ctx.dir('bash-big'), count, env);
  const buildMs = Date.now() - t0;
  const small = makeRepo(ctx.dir('bash-small'), Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`pkg/file${i}.ts`, sourceFile(20, i)])), env);
  const tracked = Number(git(big, ['ls-files'], env).split('\n').length - 1);
  for (const repo of [big, small]) trace(['init', '--project', 'bench'], { cwd: repo, env });
  startDaemon(env);

  const setup = (repo, tag) => {
    const sessionId = `bench-bash-4000-8000-0000000${tag}`;
    const transcript = path.join(ctx.root, 'transcripts', `bash-${tag}.jsonl`);
    writeTranscript(transcript, sessionId);
    const base = (event) => basePayload(repo, sessionId, transcript, event);
    const input = { command: 'npx prettier --write src && git status --short', description: 'Format the sources' };
    const payloads = {
      PreToolUse: JSON.stringify({ ...base('PreToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: 'toolu_bench_bash' }),
      PostToolUse: JSON.stringify({ ...base('PostToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: 'toolu_bench_bash', duration_ms: 900, tool_response: { stdout: 'src/app.ts 41ms\n'.repeat(10), stderr: '', interrupted: false, isImage: false, noOutputExpected: false } }),
    };
    const henv = hookEnv(env, repo);
    const cmd = (event, tool = 'Bash') => hookCommand(repo, event, tool);
    timeHook(cmd('SessionStart'), repo, henv, JSON.stringify({ ...base('SessionStart'), source: 'startup' }));
    timeHook(cmd('UserPromptSubmit'), repo, henv, JSON.stringify({ ...base('UserPromptSubmit'), prompt: 'Format the code and check git status.' }));
    return { repo, henv, payloads, pre: cmd('PreToolUse'), post: cmd('PostToolUse') };
  };
  const B = setup(big, 'b');
  const S = setup(small, 's');
  waitUntil(() => spoolWaiting(home) === 0, 15_000);

  const rounds = ctx.n(150, 10);
  const samples = { big: { PreToolUse: [], PostToolUse: [] }, small: { PreToolUse: [], PostToolUse: [] } };
  const once = (which, r, event) => samples[which][event].push(timeHook(event === 'PreToolUse' ? r.pre : r.post, r.repo, r.henv, r.payloads[event]));
  for (let i = -3; i < rounds; i++) {
    const order = i % 2 ? [['big', B], ['small', S]] : [['small', S], ['big', B]];
    for (const event of ['PreToolUse', 'PostToolUse']) {
      for (const [which, r] of order) {
        if (i < 0) timeHook(event === 'PreToolUse' ? r.pre : r.post, r.repo, r.henv, r.payloads[event]);
        else once(which, r, event);
      }
    }
  }
  const drained = waitUntil(() => spoolWaiting(home) === 0, 30_000);
  stopDaemon(env);

  const rows = [];
  for (const event of ['PreToolUse', 'PostToolUse']) {
    const b = stats(samples.big[event]);
    const s = stats(samples.small[event]);
    rows.push(row({
      bench: name, figure: `${event} Bash, ${tracked} files`, value: b.median, p95: b.p95, baseline: { name: '10 files', value: s.median, p95: s.p95 },
      target: TARGET, detail: { big: b, small: s, files: tracked, buildMs, drained },
    }));
  }
  ctx.log(`  bash-repo-size: built ${tracked} files in ${(buildMs / 1000).toFixed(1)} s; ${rounds} rounds`);
  return rows;
}
