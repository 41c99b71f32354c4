// Benchmark 1 (issue 2): the agent hook's wall time per event, run exactly as Claude Code runs it
// (the command from .claude/settings.json through `sh -c`, JSON on stdin, CLAUDE_PROJECT_DIR set, cwd
// the repository), against the floor `sh -c 'cat >/dev/null'` fed the same payload and against
// `node -e 0`. Runs are interleaved (shim, floor, shim, floor… in a shuffled event order per round) so
// that drift on the machine hits both alike. The daemon is left stopped: the shim never talks to it,
// and its ingest would only add noise; the events pile up in the spool (which the shim never lists).
import fs from 'node:fs';
import path from 'node:path';
import {
  claudePayloads, hookCommand, hookEnv, hyperfine, hyperfineVersion, makeRepo, row, shuffled, sourceFile, stats, stopDaemon,
  timeHook, timeSpawn, trace, writeTranscript,
} from './lib.mjs';

export const name = 'shim';
export const title = 'agent hook per event vs the floor of spawning a shell';

const FLOOR = "sh -c 'cat >/dev/null'";
const TARGET = { max: 2, on: 'ratio', text: '≤ 2× floor' };

export async function run(ctx) {
  const { env, home } = ctx.traceHome('shim');
  const repo = makeRepo(ctx.dir('shim-repo'), { 'src/app.ts': sourceFile(200, 1), 'README.md': '# bench\n' }, env);
  trace(['init', '--project', 'bench'], { cwd: repo, env });
  stopDaemon(env); // init does not need it; make sure nothing ingests while we time
  const transcript = path.join(ctx.root, 'transcripts', 'shim.jsonl');
  writeTranscript(transcript, 'bench-0000-4000-8000-000000000001');
  const payloads = claudePayloads(repo, path.join(repo, 'src/app.ts'), transcript);
  const kinds = Object.keys(payloads);
  const texts = Object.fromEntries(kinds.map((k) => [k, JSON.stringify(payloads[k])]));
  const commands = Object.fromEntries(kinds.map((k) => [k, hookCommand(repo, k.split(' ')[0], k.split(' ')[1])]));
  const henv = hookEnv(env, repo);

  const rounds = ctx.n(300, 10);
  const nodeEvery = 5;
  const shim = Object.fromEntries(kinds.map((k) => [k, []]));
  const floor = Object.fromEntries(kinds.map((k) => [k, []]));
  const node = [];
  const spawnTrue = [];

  // warm-up: page cache, dynamic loader, the spool's directories
  for (const k of kinds) {
    timeHook(commands[k], repo, henv, texts[k]);
    timeHook('cat >/dev/null', repo, henv, texts[k]);
  }
  timeSpawn(process.execPath, ['-e', '0'], { cwd: repo, env: henv });

  const t0 = Date.now();
  for (let r = 0; r < rounds; r++) {
    for (const k of shuffled(kinds, r + 1)) {
      if (r % 2) {
        shim[k].push(timeHook(commands[k], repo, henv, texts[k]));
        floor[k].push(timeHook('cat >/dev/null', repo, henv, texts[k]));
      } else {
        floor[k].push(timeHook('cat >/dev/null', repo, henv, texts[k]));
        shim[k].push(timeHook(commands[k], repo, henv, texts[k]));
      }
    }
    spawnTrue.push(timeSpawn('true', [], { cwd: repo, env: henv }).ms);
    if (r % nodeEvery === 0) node.push(timeSpawn(process.execPath, ['-e', '0'], { cwd: repo, env: henv }).ms);
  }
  const elapsed = Date.now() - t0;

  // sanity: every shim run left exactly one event in the spool, and every edit a snapshot
  const spooled = fs.readdirSync(path.join(home, 'spool', 'new')).length;
  const blobs = fs.readdirSync(path.join(home, 'spool', 'blobs')).filter((n) => !n.endsWith('.done')).length;
  const expectedEvents = (rounds + 1) * kinds.length;
  const expectedBlobs = (rounds + 1) * 2;

  const rows = [];
  const all = [];
  const allFloor = [];
  for (const k of kinds) {
    const s = stats(shim[k]);
    const f = stats(floor[k]);
    all.push(...shim[k]);
    allFloor.push(...floor[k]);
    rows.push(row({
      bench: name, figure: `${k} (${texts[k].length} B)`, value: s.median, p95: s.p95,
      baseline: { name: 'floor', value: f.median, p95: f.p95 }, target: TARGET, detail: { shim: s, floor: f, payloadBytes: texts[k].length },
    }));
  }
  const sa = stats(all);
  const fa = stats(allFloor);
  const na = stats(node);
  rows.push(row({ bench: name, figure: 'all events', value: sa.median, p95: sa.p95, baseline: { name: 'floor', value: fa.median, p95: fa.p95 }, target: TARGET, detail: { shim: sa, floor: fa } }));
  rows.push(row({ bench: name, figure: 'all events vs node -e 0', value: sa.median, p95: sa.p95, baseline: { name: 'node -e 0', value: na.median, p95: na.p95 }, detail: { node: na } }));
  const st = stats(spawnTrue);
  rows.push(row({ bench: name, figure: 'harness: spawnSync(true)', value: st.median, p95: st.p95, detail: { note: 'fixed cost included in every figure above', true: st } }));
  const ok = spooled === expectedEvents && blobs === expectedBlobs;
  rows.push(row({
    bench: name, figure: 'events spooled / expected', value: spooled, unit: 'events', baseline: { name: 'expected', value: expectedEvents },
    target: { max: 1, on: 'ratio', text: 'none lost' }, detail: { blobs, expectedBlobs, ok, elapsedMs: elapsed, rounds },
  }));
  rows.at(-1).pass = ok; // blobs count too: one before/after snapshot per edit event

  // optional cross-check with hyperfine (blocks of runs, not interleaved; no intermediate shell)
  const hf = hyperfineVersion();
  if (hf) {
    for (const k of ['PostToolUse Edit', 'PreToolUse Bash']) {
      const input = path.join(ctx.root, `payload-${k.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(input, texts[k]);
      const [s, f] = hyperfine([['sh', '-c', commands[k]], ['sh', '-c', 'cat >/dev/null']], { cwd: repo, env: henv, inputFile: input, runs: ctx.n(200, 10), exportDir: ctx.root });
      rows.push(row({ bench: name, figure: `${k} (hyperfine${s.mode === '--input' ? '' : ', +1 sh'})`, value: s.median, p95: s.p95, baseline: { name: 'floor', value: f.median, p95: f.p95 }, detail: { tool: hf, note: 'cross-check: blocks of runs, not interleaved', shim: s, floor: f } }));
    }
  }
  ctx.log(`  shim: ${rounds} rounds × ${kinds.length} events in ${(elapsed / 1000).toFixed(1)} s; floor = ${FLOOR}${hf ? `; cross-checked with ${hf}` : ''}`);
  return rows;
}
