// Shared helpers for `npm run bench`: timing, statistics, result rows, realistic payloads. Processes,
// environments, git, the trace CLI and the daemon come from the test world (test/helpers/, the same
// module the tests and `npm run bench:attribution` use), compiled by `tsc -p bench/tsconfig.json`
// (`npm run bench` runs it first). Every benchmark module gets a `ctx` built by createContext() and
// returns rows built by row().
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hookCommands, writeTranscript as writeDemoTranscript } from '../../dist/src/demo/claude-driver.js';
import { callerEnv, git, ROOT, runTrace, stopDaemons, TRACE_BIN } from '../../dist/test/helpers/index.js';

export { alive, git, sleepSync, startDaemon, stopDaemons as stopDaemon, waitUntilSync as waitUntil } from '../../dist/test/helpers/index.js';

/** The package under test (holds bin/, dist/, shims/). */
export const PACKAGE_ROOT = ROOT;
export { TRACE_BIN };

// ---------------------------------------------------------------------------------------------
// timing and statistics

/**
 * Runs one process and returns its wall time in ms (process.hrtime around spawnSync, so the figure
 * includes fork/exec and the pipe set-up, the same for a command and its baseline).
 */
export function timeSpawn(cmd, args, { cwd, env, input, check = true } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, env, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  // EPIPE: the command exited without reading all of stdin, which a hook may do
  if (check && (r.status !== 0 || (r.error && r.error.code !== 'EPIPE'))) {
    throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''}): ${String(r.stderr).slice(0, 500)}`);
  }
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Median, p95 (nearest rank), mean, min, max of a list of ms. */
export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { n: 0, median: NaN, p95: NaN, mean: NaN, min: NaN, max: NaN };
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const p95 = s[Math.min(n - 1, Math.ceil(0.95 * n) - 1)];
  const mean = s.reduce((a, b) => a + b, 0) / n;
  return { n, median: round(median), p95: round(p95), mean: round(mean), min: round(s[0]), max: round(s[n - 1]) };
}

export const round = (x, digits = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : x);

/** A shuffled copy (Fisher-Yates with a seeded LCG, so a run's order is reproducible). */
export function shuffled(list, seed) {
  const out = [...list];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// result rows

/**
 * One line of the report.
 *  bench, figure: what was measured; value + unit; baseline: { name, value } measured in the same run;
 *  target: { max, on: 'ratio' | 'value', text } (pass when the figure is at most max);
 *  skipped: a reason instead of a figure; detail: anything else worth keeping in results.json.
 */
export function row({ bench, figure, value = null, unit = 'ms', p95 = null, baseline = null, target = null, skipped = null, detail = {} }) {
  const ratio = baseline && value !== null && baseline.value > 0 ? round(value / baseline.value, 2) : null;
  let pass = null;
  if (!skipped && target) {
    const x = target.on === 'value' ? value : ratio;
    pass = x !== null && Number.isFinite(x) ? x <= target.max : false;
  }
  return { bench, figure, value: value === null ? null : round(value), unit, p95: p95 === null ? null : round(p95), baseline, ratio, target, pass, skipped, detail };
}

export function skippedRow(bench, figure, reason) {
  return row({ bench, figure, skipped: reason });
}

// ---------------------------------------------------------------------------------------------
// environment, temp dirs, cleanup

export function createContext({ scale = 1, log = (s) => process.stderr.write(s + '\n') } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-bench-'));
  const userHome = path.join(root, 'user');
  fs.mkdirSync(userHome, { recursive: true });
  const gitconfig = path.join(root, 'gitconfig');
  fs.writeFileSync(
    gitconfig,
    '[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n[core]\n\tfsmonitor = false\n[gc]\n\tauto = 0\n[maintenance]\n\tauto = false\n',
  );
  const baseEnv = { ...callerEnv(), HOME: userHome, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

  const homes = [];
  const ctx = {
    root,
    scale,
    log,
    packageRoot: PACKAGE_ROOT,
    traceBin: TRACE_BIN,
    baseEnv,
    /** Iteration count scaled by --quick, never below `min`. */
    n(count, min = 3) {
      return Math.max(min, Math.round(count * scale));
    },
    /** A fresh directory under the run's temp root. */
    dir(name) {
      const d = path.join(root, name);
      fs.mkdirSync(d, { recursive: true });
      return d;
    },
    /** A fresh, isolated TRACE_HOME (own spool, database, daemon); its daemon is stopped at cleanup. */
    traceHome(name) {
      const home = path.join(root, `th-${name}`);
      fs.mkdirSync(home, { recursive: true, mode: 0o700 });
      homes.push(home);
      return { home, env: { ...baseEnv, TRACE_HOME: home } };
    },
    /** Stops every daemon this run started and removes the temp root (kept with BENCH_KEEP=1, to read its logs). Safe to call twice. */
    cleanup() {
      for (const home of homes.splice(0)) stopDaemons({ ...baseEnv, TRACE_HOME: home });
      if (process.env.BENCH_KEEP) {
        log(`bench files kept in ${root}`);
        return;
      }
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// git and the trace CLI

/** A new repository with `files` ({ relPath: content }) committed once (before any hook exists). */
export function makeRepo(dir, files, env) {
  fs.mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q'], env);
  for (const [rel, content] of Object.entries(files)) {
    const f = path.join(dir, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
  git(dir, ['add', '-A'], env);
  git(dir, ['commit', '-q', '-m', 'initial'], env);
  return dir;
}

/** Runs `node bin/trace.js …` (no time limit); returns { status, stdout, stderr }; throws on failure unless check is false. */
export function trace(args, { cwd, env, check = true } = {}) {
  const r = runTrace(cwd, args, env, 0);
  if (check && r.code !== 0) throw new Error(`trace ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

export function traceJson(args, opts) {
  return JSON.parse(trace([...args, '--json'], opts).stdout);
}

/** The hook command `.claude/settings.json` of `repo` runs for `event` (the first of ours). */
export function hookCommand(repo, event, toolName) {
  const [command] = hookCommands(repo, event, toolName);
  if (!command) throw new Error(`no ${event} hook${toolName ? ` for ${toolName}` : ''} in ${repo}/.claude/settings.json`);
  return command;
}

/** Environment Claude Code gives a hook. */
export function hookEnv(env, repo) {
  return { ...env, CLAUDE_PROJECT_DIR: repo, CLAUDECODE: '1' };
}

// ---------------------------------------------------------------------------------------------
// waiting, spool, /proc

export function spoolWaiting(home) {
  try {
    return fs.readdirSync(path.join(home, 'spool', 'new')).length;
  } catch {
    return 0;
  }
}

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM…), or null off Linux. */
export function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps (kB): the brk heap (malloc), other
 * anonymous mappings (V8's heap pages, malloc arenas, stacks) and file-backed mappings by file.
 */
export function smapsSummary(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return null;
  }
  const out = { brkHeapKb: 0, anonKb: 0, anonRegions: 0, fileKb: {}, largestAnonKb: [] };
  let name = null;
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1];
      continue;
    }
    const m = /^Rss:\s+(\d+) kB/.exec(line);
    if (!m || name === null) continue;
    const kb = Number(m[1]);
    if (name === '[heap]') out.brkHeapKb += kb;
    else if (name === '' || name.startsWith('[anon')) {
      out.anonKb += kb;
      out.anonRegions++;
      out.largestAnonKb.push(kb);
    } else if (!name.startsWith('[')) {
      const key = path.basename(name);
      out.fileKb[key] = (out.fileKb[key] ?? 0) + kb;
    }
  }
  out.largestAnonKb = out.largestAnonKb.sort((a, b) => b - a).slice(0, 8);
  out.fileKb = Object.fromEntries(Object.entries(out.fileKb).sort((a, b) => b[1] - a[1]).slice(0, 6));
  return out;
}

// ---------------------------------------------------------------------------------------------
// realistic content and payloads

/** A TypeScript-looking file of `lines` lines; `seed` varies the text. */
export function sourceFile(lines, seed = 0) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    if (i % 20 === 0) out.push(`export function handler${seed}_${i}(input: Record<string, unknown>): string {`);
    else if (i % 20 === 19) out.push('}');
    else out.push(`  const v${i} = String(input['key${(i * 7 + seed) % 97}'] ?? 'default-${seed}-${i}'); // line ${i + 1}`);
  }
  return out.join('\n') + '\n';
}

export function basePayload(repo, sessionId, transcriptPath, event) {
  return {
    session_id: sessionId,
    transcript_path: transcriptPath,
    cwd: repo,
    prompt_id: '293fb8f7-be2f-44b4-8d01-95f13586a46c',
    permission_mode: 'bypassPermissions',
    hook_event_name: event,
  };
}

/**
 * Claude Code-shaped payloads (compact JSON, as Claude Code sends them) for the event mix the shim
 * benchmark uses; `file` is an absolute path inside `repo` whose current content goes into the
 * PostToolUse Edit payload (Claude Code sends originalFile and a structuredPatch).
 */
export function claudePayloads(repo, file, transcriptPath, sessionId = 'bench-0000-4000-8000-000000000001') {
  const original = fs.readFileSync(file, 'utf8');
  const lines = original.split('\n');
  const oldLine = lines[41];
  const newLine = oldLine.replace('default', 'edited');
  const editInput = { file_path: file, old_string: oldLine, new_string: newLine, replace_all: false };
  const base = (event) => basePayload(repo, sessionId, transcriptPath, event);
  const bashInput = { command: 'npm test -- --run test/attribution.test.ts', description: 'Run the attribution tests' };
  const bashOut = Array.from({ length: 40 }, (_, i) => ` ✓ test/attribution.test.ts > case ${i} (${i % 7} ms)`).join('\n');
  return {
    'PreToolUse Edit': { ...base('PreToolUse'), tool_name: 'Edit', tool_input: editInput, tool_use_id: 'toolu_01Bench0000000000000Edit' },
    'PostToolUse Edit': {
      ...base('PostToolUse'),
      tool_name: 'Edit',
      tool_input: editInput,
      tool_response: {
        filePath: file,
        oldString: oldLine,
        newString: newLine,
        originalFile: original,
        structuredPatch: [{ oldStart: 39, oldLines: 7, newStart: 39, newLines: 7, lines: [...lines.slice(38, 41).map((l) => ' ' + l), '-' + oldLine, '+' + newLine, ...lines.slice(42, 45).map((l) => ' ' + l)] }],
        userModified: false,
        replaceAll: false,
      },
      tool_use_id: 'toolu_01Bench0000000000000Edit',
      duration_ms: 4,
    },
    'PreToolUse Bash': { ...base('PreToolUse'), tool_name: 'Bash', tool_input: bashInput, tool_use_id: 'toolu_01Bench0000000000000Bash' },
    'PostToolUse Bash': {
      ...base('PostToolUse'),
      tool_name: 'Bash',
      tool_input: bashInput,
      tool_response: { stdout: bashOut, stderr: '', interrupted: false, isImage: false, noOutputExpected: false },
      tool_use_id: 'toolu_01Bench0000000000000Bash',
      duration_ms: 2140,
    },
    UserPromptSubmit: { ...base('UserPromptSubmit'), prompt: 'Refactor the handlers in src/app.ts so each validates its input, then run the tests and fix what fails.' },
    Stop: { ...base('Stop'), stop_hook_active: false, last_assistant_message: 'Done: the handlers validate their input and the tests pass.', background_tasks: [], session_crons: [] },
  };
}

/** A small Claude Code-shaped transcript (one prompt, `turns` assistant messages with usage), as the demo writes it. */
export function writeTranscript(file, sessionId, turns = 3, model = 'claude-sonnet-4-5-20250929') {
  const usage = Array.from({ length: turns }, (_, i) => ({ input: 1200 + i, output: 300 + i, cacheRead: 20000, cacheWrite: 500 }));
  writeDemoTranscript(file, sessionId, { model, version: '2.1.197', turns: usage });
}

/** Runs one hook command exactly as Claude Code does: `sh -c <command>`, payload on stdin, cwd the repo. */
export function timeHook(command, repo, env, payloadText) {
  return timeSpawn('sh', ['-c', command], { cwd: repo, env, input: payloadText }).ms;
}

// ---------------------------------------------------------------------------------------------
// hyperfine (optional cross-check)

export function hyperfineVersion() {
  const r = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** POSIX single-quoting, which hyperfine's word splitting (-N) understands. */
export function shQuote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs hyperfine (-N: no intermediate shell) on `commands` (each an argv list) with `inputFile` on
 * stdin; returns per command { median, p95, mean, n, mode } in ms. Blocks of runs, not interleaved.
 * hyperfine < 1.16 has no --input: there each command runs as `sh -c 'exec "$@" <FILE'`, one more
 * shell start in every figure, the command's and the baseline's alike.
 */
export function hyperfine(commands, { cwd, env, inputFile, runs = 100, warmup = 10, exportDir }) {
  const out = path.join(exportDir, `hyperfine-${process.hrtime.bigint()}.json`);
  const args = ['-N', '--style', 'none', '--warmup', String(warmup), '--runs', String(runs), '--export-json', out];
  const help = spawnSync('hyperfine', ['--help'], { encoding: 'utf8' }).stdout ?? '';
  const native = !inputFile || help.includes('--input');
  if (inputFile && native) args.push('--input', inputFile);
  for (const argv of commands) {
    const full = native ? argv : ['sh', '-c', 'f=$1; shift; exec "$@" <"$f"', 'sh', inputFile, ...argv];
    args.push(full.map(shQuote).join(' '));
  }
  const r = spawnSync('hyperfine', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
  const data = JSON.parse(fs.readFileSync(out, 'utf8'));
  return data.results.map((res) => ({ ...stats(res.times.map((t) => t * 1000)), mode: native ? '--input' : 'stdin via one more sh' }));
}
