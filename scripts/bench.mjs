#!/usr/bin/env node
// `npm run bench [-- [--quick] [--list] [name…]]`: ai-trace's performance figures, each next to a
// baseline measured in the same run, with the ratio and the target from the issues.
//
// Each benchmark is one module in scripts/bench/ exporting
//   name: string, title: string, async function run(ctx) → rows   (rows built with row() from lib.mjs)
// To add one, write the module and add a line to BENCHMARKS below. ctx (lib.mjs createContext) gives
// isolated temp dirs, a fresh TRACE_HOME per benchmark (ctx.traceHome(name): its daemon is stopped at
// the end), a clean environment (ctx.baseEnv: no GIT_*, CLAUDE*, TRACE* leaking in) and ctx.n(count)
// for iteration counts that --quick scales down. Nothing here asserts timings: tests never do either.
//
// Results: a table on stdout, and everything (raw statistics included) in .bench/results.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, hyperfineVersion, PACKAGE_ROOT } from './bench/lib.mjs';

const BENCHMARKS = [
  () => import('./bench/shim.mjs'), // issue 2: agent hook per event vs sh/cat floor and node -e 0
  () => import('./bench/agent-hooks.mjs'), // issue 10: every registered agent's hooks vs the same floor
  () => import('./bench/commit.mjs'), // issue 2: git commit with hooks vs without
  () => import('./bench/daemon-rss.mjs'), // issue 2: daemon RSS and ingest rate for 10,000 events
  () => import('./bench/commit-backlog.mjs'), // issue 11: git commit with 2,000 events queued vs none
  () => import('./bench/large-edit.mjs'), // issue 11: daemon peak memory for a 200 MB edit vs idle
  () => import('./bench/hostile-hooks.mjs'), // issue 11: agent hook with a named pipe as file_path / transcript_path vs a small edit
  () => import('./bench/bash-repo-size.mjs'), // issue 4: Bash hook in a 50,000-file repo vs a 10-file repo
  () => import('./bench/blame.mjs'), // issue 4: trace blame on a 10,000-line file
  () => import('./bench/push.mjs'), // issue 3: git push with hooks vs without, push-to-delivered time
  () => import('./bench/server.mjs'), // issue 9: trace server on PostgreSQL: ingest load, dashboard over 100,000 sessions
  () => import('./bench/pr.mjs'), // issue 7: trace pr over 500 commits / 200 sessions vs trace verify --range; peak memory
];

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const list = argv.includes('--list');
const wanted = argv.filter((a) => !a.startsWith('--'));

const modules = [];
for (const load of BENCHMARKS) modules.push(await load());
if (list) {
  for (const m of modules) console.log(`${m.name.padEnd(16)} ${m.title}`);
  process.exit(0);
}
const unknown = wanted.filter((w) => !modules.some((m) => m.name === w));
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; known: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? modules.filter((m) => wanted.includes(m.name)) : modules;

const ctx = createContext({ scale: quick ? 0.1 : 1 });
let cleaned = false;
const cleanup = () => {
  if (cleaned) return;
  cleaned = true;
  try {
    ctx.cleanup();
  } catch (err) {
    console.error(`bench: cleanup: ${err.message} (temp dir ${ctx.root})`);
  }
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`\nbench: ${sig}, stopping daemons and removing ${ctx.root}`);
    cleanup();
    process.exit(130);
  });
}

const started = Date.now();
const machine = {
  node: process.version,
  platform: `${process.platform} ${os.release()}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryMb: Math.round(os.totalmem() / 2 ** 20),
  hyperfine: hyperfineVersion(),
  quick,
  loadavgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
console.error(`ai-trace bench: ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}${machine.hyperfine ? `, ${machine.hyperfine}` : ', no hyperfine (node timing only)'}${quick ? ', --quick' : ''}`);

const rows = [];
const errors = [];
try {
  for (const m of selected) {
    const t0 = Date.now();
    console.error(`▸ ${m.name}: ${m.title}`);
    try {
      rows.push(...(await m.run(ctx)));
    } catch (err) {
      errors.push({ bench: m.name, error: err.stack ?? String(err) });
      rows.push({ bench: m.name, figure: 'error', value: null, unit: '', baseline: null, ratio: null, target: null, pass: false, skipped: null, detail: { error: String(err.message ?? err) } });
      console.error(`  ${m.name} failed: ${err.stack ?? err}`);
    }
    console.error(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
} finally {
  cleanup();
}

machine.loadavgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
printTable(rows);
if (Math.max(machine.loadavgAtStart[0], machine.loadavgAtEnd[0]) > machine.cpus * 0.75) {
  console.log(`\nnote: the machine was busy (load ${machine.loadavgAtStart[0]} → ${machine.loadavgAtEnd[0]} on ${machine.cpus} cpus): figures are inflated and noisy; ratios of interleaved runs hold up best`);
}
const outDir = path.join(PACKAGE_ROOT, '.bench');
fs.mkdirSync(outDir, { recursive: true });
const outFile = path.join(outDir, 'results.json');
const totalS = (Date.now() - started) / 1000;
fs.writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), durationSeconds: totalS, machine, rows, errors }, null, 2) + '\n');
const failed = rows.filter((r) => r.pass === false).length;
console.log(`\n${rows.filter((r) => r.pass === true).length} pass, ${failed} fail, ${rows.filter((r) => r.skipped).length} skipped in ${totalS.toFixed(0)} s; results in ${path.relative(process.cwd(), outFile) || outFile}`);
process.exitCode = errors.length ? 1 : 0;

function fmt(x, unit) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  if (unit === 'ms') return x < 10 ? `${x.toFixed(2)} ms` : x < 100 ? `${x.toFixed(1)} ms` : `${x.toFixed(0)} ms`;
  if (unit === 'MB') return `${x.toFixed(1)} MB`;
  if (unit === 'events/s' || unit === 'events') return `${Math.round(x)} ${unit}`;
  return `${x}${unit ? ' ' + unit : ''}`;
}

function printTable(rs) {
  const head = ['BENCHMARK', 'FIGURE', 'VALUE (p95)', 'BASELINE (p95)', 'RATIO', 'TARGET', 'RESULT'];
  const body = rs.map((r) => {
    if (r.skipped) return [r.bench, r.figure, '-', '-', '-', '-', `SKIP: ${r.skipped}`];
    const v = fmt(r.value, r.unit) + (r.p95 !== null && r.p95 !== undefined ? ` (${fmt(r.p95, r.unit)})` : '');
    const b = r.baseline ? `${r.baseline.name} ${fmt(r.baseline.value, r.unit)}${r.baseline.p95 != null ? ` (${fmt(r.baseline.p95, r.unit)})` : ''}` : '-';
    return [r.bench, r.figure, v, b, r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`, r.target?.text ?? '-', r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? String(c) : String(c).padEnd(widths[i]))).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}
