// Issue 11 item 3: `git commit` right after an agent edit with 2,000 hook events queued (the daemon was
// down and has just started, as after a reboot or a crash) against the same commit with none queued,
// in the same repository, daemon and run. The queued events are a working session's, in the shim's
// format: prompts, Edits of other files, Bash and Read calls, stops; the staged file's edit goes
// through the real hooks halfway. The question is answered ahead of the backlog
// (capture/answer-ahead.ts); before that the commit waited for all of it, whose ordered ingest is
// timed as well.
import fs from 'node:fs';
import path from 'node:path';
import {
  basePayload, git, hookCommand, hookEnv, makeRepo, row, sourceFile, spoolWaiting, startDaemon, stats, stopDaemon, timeSpawn, trace,
  waitUntil, writeTranscript,
} from './lib.mjs';

export const name = 'commit-backlog';
export const title = 'git commit with 2,000 events queued vs none';

const QUEUED = 2000;
const BOUND_MS = 10_000; // TRACE_COMMIT_WAIT's default

export async function run(ctx) {
  const queued = ctx.n(QUEUED, 200);
  const rounds = ctx.n(2, 1);
  const { env, home } = ctx.traceHome('backlog');
  const files = { 'README.md': '# bench\n' };
  for (let i = 0; i < 40; i++) files[`src/mod${i}.ts`] = sourceFile(120, i);
  const repo = makeRepo(ctx.dir('backlog-repo'), files, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  git(repo, ['add', '-A'], env);
  git(repo, ['commit', '-q', '-m', 'add ai-trace config'], env);
  const hookLog = path.join(repo, '.git', 'chainloop-trace', 'log.txt');

  const sessionId = 'bench-0000-4000-8000-0000000bac10';
  const transcript = path.join(ctx.root, 'transcripts', 'backlog.jsonl');
  writeTranscript(transcript, sessionId);
  const henv = { ...hookEnv(env, repo), TRACE_AUTOSTART: '0' };
  const fire = (payload) => timeSpawn('sh', ['-c', hookCommand(repo, payload.hook_event_name, payload.tool_name)], { cwd: repo, env: henv, input: JSON.stringify(payload) });
  const base = (event) => basePayload(repo, sessionId, transcript, event);
  let tool = 0;
  /** The Edit tool through the real hooks: appends a line to `rel`. */
  const edit = (rel, line) => {
    const file = path.join(repo, rel);
    const before = fs.readFileSync(file, 'utf8');
    const input = { file_path: file, old_string: before.slice(-60), new_string: before.slice(-60) + line, replace_all: false };
    const id = `toolu_bench_backlog_${++tool}`;
    fire({ ...base('PreToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id });
    fs.writeFileSync(file, before + line);
    fire({ ...base('PostToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id, tool_response: { filePath: file, oldString: input.old_string, newString: input.new_string, originalFile: before, structuredPatch: [], userModified: false, replaceAll: false }, duration_ms: 3 });
  };
  const spool = path.join(home, 'spool');
  let filler = 0;
  /**
   * `n` hook events of a working session, written in the shim's exact format (spool/new/<seq>-<pid>-
   * claude-<Event>[-e].json, an edit's snapshot in spool/blobs/<key> and its `.done` file): prompts,
   * Edits of files other than `avoid` (each a new change, snapshots before and after), Bash and Read
   * calls, stops. The work tree ends as the edits left it.
   */
  const queueSession = (n, avoid) => {
    let seq = Number(fs.readFileSync(path.join(spool, 'seq'), 'utf8').trim()) || 0;
    const put = (event, payload, edit, blob) => {
      const key = `${++seq}-${40_000 + seq}-claude-${event}${edit ? '-e' : ''}`;
      if (edit) {
        if (blob !== undefined) fs.writeFileSync(path.join(spool, 'blobs', key), blob);
        fs.writeFileSync(path.join(spool, 'blobs', `${key}.done`), 'cap 8388608\n');
      }
      fs.writeFileSync(path.join(spool, 'new', `${key}.json`), JSON.stringify(payload));
    };
    const rels = Object.keys(files).filter((r) => r !== avoid && r.startsWith('src/'));
    let left = n;
    while (left > 0) {
      put('UserPromptSubmit', { ...base('UserPromptSubmit'), prompt: `Turn ${++filler}: improve the handlers and run the tests.` });
      left--;
      for (let c = 0; c < 4 && left >= 2; c++, left -= 2) {
        const id = `toolu_bench_fill_${filler}_${c}`;
        if (c % 4 === 0) {
          const rel = rels[(filler * 7 + c) % rels.length];
          const file = path.join(repo, rel);
          const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
          const before = lines.join('\n') + '\n';
          const at = (filler * 13 + c) % lines.length;
          const oldLine = lines[at];
          lines[at] = `${oldLine} // turn ${filler}`;
          const after = lines.join('\n') + '\n';
          const input = { file_path: file, old_string: oldLine, new_string: lines[at], replace_all: false };
          put('PreToolUse', { ...base('PreToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id }, true, before);
          fs.writeFileSync(file, after);
          put('PostToolUse', { ...base('PostToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id, duration_ms: 4, tool_response: { filePath: file, oldString: oldLine, newString: lines[at], originalFile: before, structuredPatch: [], userModified: false, replaceAll: false } }, true, after);
        } else if (c % 4 === 1) {
          const input = { command: 'npm test -- --run', description: 'Run the tests' };
          put('PreToolUse', { ...base('PreToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: id });
          put('PostToolUse', { ...base('PostToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: id, duration_ms: 1800, tool_response: { stdout: ' ✓ 12 tests passed\n', stderr: '', interrupted: false, isImage: false } });
        } else {
          const file = path.join(repo, rels[(filler + c) % rels.length]);
          put('PreToolUse', { ...base('PreToolUse'), tool_name: 'Read', tool_input: { file_path: file }, tool_use_id: id });
          put('PostToolUse', { ...base('PostToolUse'), tool_name: 'Read', tool_input: { file_path: file }, tool_use_id: id, duration_ms: 2, tool_response: { type: 'text', file: { filePath: file, content: '…', numLines: 80, startLine: 1, totalLines: 120 } } });
        }
      }
      if (left > 0) {
        put('Stop', { ...base('Stop'), stop_hook_active: false, last_assistant_message: `Turn ${filler} done.` });
        left--;
      }
    }
    fs.writeFileSync(path.join(spool, 'seq'), `${seq}\n`);
  };
  const commit = (msg) => {
    const r = timeSpawn('git', ['commit', '-q', '-m', msg], { cwd: repo, env });
    const trailer = git(repo, ['log', '-1', '--format=%(trailers:key=Chainloop-Trace-Sessions,valueonly)'], env).trim();
    return { ms: r.ms, trailer: trailer === sessionId };
  };
  const drained = (ms) => waitUntil(() => spoolWaiting(home) === 0, ms, 50);

  startDaemon(env);
  fire({ ...base('SessionStart'), source: 'startup' });
  fire({ ...base('UserPromptSubmit'), prompt: 'Add an export to each module, one commit each.' });
  drained(30_000);

  const none = [];
  const backlog = [];
  const ingest = [];
  const answers = { none: 0, backlog: 0, gaveUp: 0 };
  let k = 0;
  for (let i = -1; i < rounds; i++) {
    // --- none queued: the edit is ingested, then the commit
    const rel = `src/mod${k++ % 40}.ts`;
    edit(rel, `export const none${i + 1} = ${i};\n`);
    drained(30_000);
    git(repo, ['add', rel], env);
    const a = commit(`none queued ${i}`);
    drained(30_000);
    if (i < 0) continue; // warm-up
    // --- queued: the daemon is down while the agent works on, then starts; the commit comes at once
    stopDaemon(env);
    const staged = `src/mod${k++ % 40}.ts`;
    queueSession(Math.floor(queued / 2), staged);
    edit(staged, `export const queued${i + 1} = ${i};\n`);
    queueSession(queued - Math.floor(queued / 2) - 2, staged);
    startDaemon(env);
    git(repo, ['add', staged], env);
    const waiting = spoolWaiting(home);
    const logBefore = fs.existsSync(hookLog) ? fs.readFileSync(hookLog, 'utf8').length : 0;
    const b = commit(`${waiting} queued ${i}`);
    const t0 = Date.now();
    drained(600_000);
    const ingestMs = Date.now() - t0;
    none.push(a.ms);
    backlog.push(b.ms);
    ingest.push(ingestMs + b.ms);
    if (a.trailer) answers.none++;
    if (b.trailer) answers.backlog++;
    if (fs.readFileSync(hookLog, 'utf8').slice(logBefore).includes('no answer within')) answers.gaveUp++;
    ctx.log(`  commit-backlog: round ${i + 1}/${rounds}: ${b.ms.toFixed(0)} ms with ${waiting} queued (none: ${a.ms.toFixed(0)} ms); the backlog took ${(ingestMs / 1000).toFixed(1)} s more to ingest`);
  }
  stopDaemon(env);
  const N = stats(none);
  const B = stats(backlog);
  const I = stats(ingest);
  const rows = [
    row({
      bench: name, figure: `git commit after an agent edit, ${queued} events queued`, value: B.median, p95: B.p95,
      baseline: { name: 'none queued', value: N.median }, target: { max: BOUND_MS, on: 'value', text: `within the bounded wait (TRACE_COMMIT_WAIT, ${BOUND_MS / 1000} s)` },
      detail: { backlog: B, none: N, trailers: answers, rounds },
    }),
    row({
      bench: name, figure: `ordered ingest of the ${queued} events (what the commit used to wait for)`, value: I.median, p95: I.p95,
      baseline: { name: 'git commit with them queued', value: B.median }, detail: { ingest: I },
    }),
    row({
      bench: name, figure: 'commits that carried their trailer (with a backlog / without)', value: answers.backlog, unit: 'commits',
      baseline: { name: 'none queued', value: answers.none }, target: { max: 1, on: 'ratio', text: 'all' },
      detail: { gaveUp: answers.gaveUp },
    }),
  ];
  rows.at(-1).pass = answers.backlog === rounds && answers.none === rounds;
  return rows;
}
