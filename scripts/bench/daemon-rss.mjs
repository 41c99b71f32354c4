// Benchmark 3 (issue 2): the daemon's resident memory after ingesting 10,000 events, and its ingest rate.
// The events are written straight into a fresh spool in the shim's exact format (shims/hook.sh:
// spool/new/<19-digit ns>-<pid>-claude-<Event>.json holding the payload, and for an edit tool the
// file's snapshot at spool/blobs/<same name without .json>), as 20 Claude Code-shaped sessions that
// edit real files of a traced repository. Then the daemon starts and drains the spool; VmRSS is read
// from /proc/<pid>/status (pid from `trace daemon status --json`) once `spool.waiting` is 0.
import fs from 'node:fs';
import path from 'node:path';
import {
  basePayload, makeRepo, procStatusKb, row, sleepSync, smapsSummary, sourceFile, spoolWaiting, startDaemon, stopDaemon, trace, traceJson, waitUntil,
  writeTranscript,
} from './lib.mjs';

export const name = 'daemon-rss';
export const title = 'daemon memory and ingest rate for 10,000 spooled events';

const FILES = 40;

/** A small deterministic PRNG, so every run spools the same events. */
function rng(seed) {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

export async function run(ctx) {
  const total = ctx.n(10_000, 500);
  const sessionsN = Math.max(2, Math.round(total / 500));
  const { env, home } = ctx.traceHome('rss');
  const files = {};
  for (let i = 0; i < FILES; i++) files[`src/m${i}.ts`] = sourceFile(200, i);
  const repo = makeRepo(ctx.dir('rss-repo'), files, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  stopDaemon(env);

  // --- baseline: the same daemon idle, with nothing to ingest
  const idlePid = startDaemon(env);
  sleepSync(1000);
  const idle = { rssKb: procStatusKb(idlePid, 'VmRSS'), anonKb: procStatusKb(idlePid, 'RssAnon'), smaps: smapsSummary(idlePid) };
  stopDaemon(env);

  // --- spool the events
  const t0 = Date.now();
  const spool = path.join(home, 'spool');
  for (const d of ['tmp', 'new', 'blobs']) fs.mkdirSync(path.join(spool, d), { recursive: true, mode: 0o700 });
  const content = Object.fromEntries(Object.entries(files).map(([rel, c]) => [rel, c.split('\n').slice(0, -1)]));
  const rand = rng(42);
  let ns = BigInt(Date.now() - 2 * 3600_000) * 1_000_000n;
  let written = 0;
  let blobs = 0;
  const put = (pid, event, payload, blob) => {
    ns += 1_000_000n + BigInt(rand(1_000_000));
    const id = `${ns.toString().padStart(19, '0')}-${pid}-claude-${event}`;
    fs.writeFileSync(path.join(spool, 'new', `${id}.json`), JSON.stringify(payload));
    if (blob !== undefined) {
      fs.writeFileSync(path.join(spool, 'blobs', id), blob);
      blobs++;
    }
    written++;
  };
  const perSession = Math.ceil(total / sessionsN);
  for (let s = 0; s < sessionsN && written < total; s++) {
    const sessionId = `bench-rss-4000-8000-${String(s).padStart(12, '0')}`;
    const transcript = path.join(ctx.root, 'transcripts', `rss-${s}.jsonl`);
    const base = (event) => basePayload(repo, sessionId, transcript, event);
    const limit = Math.min(total, written + perSession);
    let pid = 20_000 + s * 1000;
    let turns = 0;
    let tool = 0;
    put(++pid, 'SessionStart', { ...base('SessionStart'), source: 'startup' });
    while (written < limit - 1) {
      turns++;
      put(++pid, 'UserPromptSubmit', { ...base('UserPromptSubmit'), prompt: `Turn ${turns}: improve the handlers and run the tests.` });
      const calls = 2 + rand(6);
      for (let c = 0; c < calls && written < limit - 3; c++) {
        const id = `toolu_rss_${s}_${++tool}`;
        const kind = rand(10);
        if (kind < 4) {
          // Edit: before snapshot, the change, after snapshot (as the shim takes both)
          const rel = `src/m${rand(FILES)}.ts`;
          const file = path.join(repo, rel);
          const lines = content[rel];
          const before = lines.join('\n') + '\n';
          const at = rand(lines.length);
          const oldLine = lines[at];
          const newLine = `${oldLine} // s${s} t${turns}`;
          lines[at] = newLine;
          if (rand(3) === 0) lines.splice(at + 1, 0, `  // added by session ${s}, turn ${turns}`);
          const after = lines.join('\n') + '\n';
          const input = { file_path: file, old_string: oldLine, new_string: newLine, replace_all: false };
          put(++pid, 'PreToolUse', { ...base('PreToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id }, before);
          put(++pid, 'PostToolUse', {
            ...base('PostToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id, duration_ms: 4,
            tool_response: { filePath: file, oldString: oldLine, newString: newLine, originalFile: before, structuredPatch: [], userModified: false, replaceAll: false },
          }, after);
        } else if (kind < 7) {
          const input = { command: `npm test -- --run test/m${rand(FILES)}.test.ts`, description: 'Run the tests' };
          put(++pid, 'PreToolUse', { ...base('PreToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: id });
          put(++pid, 'PostToolUse', { ...base('PostToolUse'), tool_name: 'Bash', tool_input: input, tool_use_id: id, duration_ms: 1800, tool_response: { stdout: ' ✓ 12 tests passed\n'.repeat(20), stderr: '', interrupted: false, isImage: false } });
        } else {
          const rel = `src/m${rand(FILES)}.ts`;
          const input = { file_path: path.join(repo, rel) };
          put(++pid, 'PreToolUse', { ...base('PreToolUse'), tool_name: 'Read', tool_input: input, tool_use_id: id });
          put(++pid, 'PostToolUse', { ...base('PostToolUse'), tool_name: 'Read', tool_input: input, tool_use_id: id, duration_ms: 2, tool_response: { type: 'text', file: { filePath: input.file_path, content: content[rel].slice(0, 80).join('\n'), numLines: 80, startLine: 1, totalLines: content[rel].length } } });
        }
      }
      put(++pid, 'Stop', { ...base('Stop'), stop_hook_active: false, last_assistant_message: `Turn ${turns} done.`, background_tasks: [], session_crons: [] });
    }
    put(++pid, 'SessionEnd', { ...base('SessionEnd'), reason: 'other' });
    writeTranscript(transcript, sessionId, turns * 3);
  }
  // the working tree ends as the agents left it
  for (const [rel, lines] of Object.entries(content)) fs.writeFileSync(path.join(repo, rel), lines.join('\n') + '\n');
  const spoolMs = Date.now() - t0;
  const waitingBefore = spoolWaiting(home);

  // --- ingest
  const t1 = process.hrtime.bigint();
  const pid = startDaemon(env);
  const startedMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const drained = waitUntil(() => spoolWaiting(home) === 0, 150_000, 50);
  const ingestMs = Number(process.hrtime.bigint() - t1) / 1e6;
  // read as the idle baseline is: a second after the work, once the daemon has given back what it freed
  sleepSync(1000);
  const rssKb = procStatusKb(pid, 'VmRSS');
  const hwmKb = procStatusKb(pid, 'VmHWM');
  const anonKb = procStatusKb(pid, 'RssAnon');
  const fileKb = procStatusKb(pid, 'RssFile');
  const smaps = smapsSummary(pid);
  const status = traceJson(['status'], { env });
  const events = status.sessions.reduce((a, x) => a + (x.events ?? 0), 0);
  stopDaemon(env);

  const rows = [];
  rows.push(row({
    bench: name, figure: `VmRSS after ${written} events`, value: rssKb === null ? null : rssKb / 1024, unit: 'MB',
    baseline: idle.rssKb === null ? null : { name: 'idle daemon', value: idle.rssKb / 1024 }, target: { max: 100, on: 'value', text: '< 100 MB' },
    detail: { rssKb, hwmKb, anonKb, fileKb, idle, pid, smaps, nodeOptions: env.NODE_OPTIONS ?? null },
  }));
  if (rssKb === null) rows.at(-1).skipped = 'no /proc on this platform';
  rows.push(row({ bench: name, figure: 'VmHWM (peak RSS)', value: hwmKb === null ? null : hwmKb / 1024, unit: 'MB', detail: {} }));
  rows.push(row({ bench: name, figure: `RssAnon (private; RssFile ${fileKb === null ? '?' : (fileKb / 1024).toFixed(0)} MB)`, value: anonKb === null ? null : anonKb / 1024, unit: 'MB', baseline: idle.anonKb === null ? null : { name: 'idle', value: idle.anonKb / 1024 }, detail: { note: 'RssFile is mostly the node binary and libraries, shared with other node processes', fileKb, idle } }));
  rows.push(row({
    bench: name, figure: 'ingest rate (incl. daemon start)', value: drained ? written / (ingestMs / 1000) : 0, unit: 'events/s',
    detail: { events: written, blobs, waitingBefore, ingestMs: Math.round(ingestMs), daemonStartMs: Math.round(startedMs), spoolWriteMs: spoolMs, drained },
  }));
  rows.push(row({
    bench: name, figure: 'events ingested / spooled', value: events, unit: 'events', baseline: { name: 'spooled', value: written },
    target: { max: 1, on: 'ratio', text: 'all, none dead' }, detail: { waiting: status.spool?.waiting, dead: status.spool?.dead, sessions: status.sessions.length },
  }));
  rows.at(-1).pass = drained && events === written && !status.spool?.dead;
  ctx.log(`  daemon-rss: ${written} events (${blobs} snapshots) in ${sessionsN} sessions; drained in ${(ingestMs / 1000).toFixed(1)} s`);
  return rows;
}
