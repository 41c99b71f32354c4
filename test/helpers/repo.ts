/**
 * TestRepo: a throw-away git repository with its own HOME, TRACE_HOME and TMPDIR, `trace init` run in
 * it, and a runner for the real CLI (`node bin/trace.js`) with that environment. Nothing is written
 * outside the temporary root; `cleanup()` stops the repository's daemon and removes the root.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScriptedSession, writeTranscript } from '../../src/demo/claude-driver.js';
import { daemonPid, drain, processesOf, stopDaemons } from './daemon.js';
import { isolatedEnv, ROOT, TRACE_BIN } from './env.js';
import { git, runAsync, runTrace, type Run } from './proc.js';

export { ROOT, TRACE_BIN, type Run };

// the contract's shapes (`trace show --json`), from the product: a test that drifts from them fails to type-check
import type { FileChange } from '../../src/attribution/code-changes.js';
import type { LineRange } from '../../src/attribution/ranges.js';
import type { ShowResponse } from '../../src/protocol/types.js';
export type Range = LineRange;
export type ShowFile = FileChange;
export type Show = ShowResponse;

export const SHOW_KEYS = ['code_changes', 'commit', 'sessions'];
export const CODE_CHANGES_KEYS = [
  'ai_lines_added', 'ai_lines_removed', 'files', 'files_created', 'files_deleted', 'files_modified',
  'human_lines_added', 'human_lines_removed', 'lines_added', 'lines_removed',
];
export const FILE_KEYS = [
  'ai_lines_added', 'ai_lines_removed', 'attribution', 'human_line_ranges', 'human_lines_added', 'human_lines_removed',
  'line_ranges', 'lines_added', 'lines_removed', 'path', 'session_ids', 'status',
];

export interface TestRepoOptions {
  /** Run `trace init` (default true). */
  init?: boolean;
  /** Files to commit before `trace init` (the base commit), relative path → content. */
  files?: Record<string, string>;
  /** More environment for every process of this repository (e.g. GIT_EDITOR). */
  env?: NodeJS.ProcessEnv;
  /** Start the daemon after `trace init`, as after `trace daemon install` (default false: the hooks start it). */
  daemon?: boolean;
}

export class TestRepo {
  readonly root: string;
  readonly repo: string;
  readonly home: string;
  readonly traceHome: string;
  readonly tmp: string;
  readonly env: NodeJS.ProcessEnv;
  private sessions = 0;

  private constructor(root: string, extraEnv: NodeJS.ProcessEnv = {}) {
    this.root = root;
    this.repo = path.join(root, 'repo');
    this.home = path.join(root, 'home');
    this.traceHome = path.join(root, 'trace');
    this.tmp = path.join(root, 'tmp');
    for (const d of [this.repo, this.home, this.tmp]) fs.mkdirSync(d, { recursive: true });
    this.env = isolatedEnv({ home: this.home, traceHome: this.traceHome, tmp: this.tmp }, extraEnv);
  }

  /** A fresh repository (`git init -b main`, local user config), optionally with a base commit, then `trace init`. */
  static create(options: TestRepoOptions = {}): TestRepo {
    // short prefix: the daemon's socket path must stay under ~100 bytes
    const t = new TestRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'trt-')), options.env);
    t.git('init', '-q', '-b', 'main');
    t.git('config', 'user.name', 'Test Human');
    t.git('config', 'user.email', 'human@example.com');
    t.git('config', 'commit.gpgsign', 'false');
    if (options.files && Object.keys(options.files).length) {
      for (const [rel, content] of Object.entries(options.files)) t.write(rel, content);
      t.git('add', '-A');
      t.git('commit', '-q', '-m', 'base');
    }
    if (options.init !== false) {
      const r = t.trace('init', '--project', 'test', '--org', 'acme');
      if (r.code !== 0) throw new Error(`trace init failed: ${r.stderr}`);
      // the config files init writes are committed by the team, not by an agent
      t.git('add', '.chainloop.yml', '.claude/settings.json');
      t.git('commit', '-q', '-m', 'Trace AI coding sessions');
    }
    if (options.daemon) {
      const r = t.trace('daemon', 'start');
      if (r.code !== 0) throw new Error(`trace daemon start failed: ${r.stderr}${r.stdout}`);
    }
    return t;
  }

  /** Runs git in the repository; throws with stderr on failure. */
  git(...args: string[]): string {
    return this.gitIn(this.repo, args);
  }

  gitIn(cwd: string, args: string[], input?: string): string {
    return git(cwd, args, this.env, input);
  }

  /** Runs a shell command in the repository with the test environment. */
  sh(command: string, env: NodeJS.ProcessEnv = {}): string {
    const r = spawnSync('sh', ['-c', command], { cwd: this.repo, env: { ...this.env, ...env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  }

  /** Runs `node bin/trace.js …` in `cwd` (default the repository) with the test environment. */
  trace(...args: string[]): Run {
    return this.traceIn(this.repo, args);
  }

  traceIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
    return runTrace(cwd, args, { ...this.env, ...env }, 60_000);
  }

  /** Like `traceIn`, without blocking (to run several commands at once). */
  traceAsync(cwd: string, args: string[]): Promise<Run> {
    return runAsync(process.execPath, [TRACE_BIN, ...args], cwd, this.env);
  }

  /** Waits until the running daemon has applied every spooled event (its own drain; see daemon.ts). */
  drain(timeoutMs?: number): Promise<number> {
    return drain(this.traceHome, timeoutMs);
  }

  /** `trace … --json` parsed; throws with the output when it fails. */
  json<T>(...args: string[]): T {
    const r = this.trace(...args, '--json');
    if (r.code !== 0) throw new Error(`trace ${args.join(' ')} --json exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  }

  show(rev = 'HEAD'): Show {
    return this.json<Show>('show', rev);
  }

  write(rel: string, content: string): void {
    const file = path.join(this.repo, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }

  read(rel: string): string {
    return fs.readFileSync(path.join(this.repo, rel), 'utf8');
  }

  /** `git add -A && git commit -m msg` (through the installed hooks); returns the new HEAD. */
  commitAll(message: string): string {
    this.git('add', '-A');
    return this.commit(message);
  }

  /** `git commit -m msg` of what is staged; returns the new HEAD. */
  commit(message: string, ...extra: string[]): string {
    this.git('commit', '-q', '-m', message, ...extra);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** The Chainloop-Trace-Sessions trailer lines of a commit's message. */
  trailers(rev = 'HEAD'): string[] {
    return this.git('log', '-1', '--format=%B', rev).split('\n').filter((l) => l.startsWith('Chainloop-Trace-Sessions:'));
  }

  /** A Claude Code-shaped session driven through the installed hooks, with a small transcript in HOME. */
  session(id: string = randomUUID(), env: NodeJS.ProcessEnv = {}): ScriptedSession {
    const transcript = path.join(this.home, '.claude', 'projects', `-test-${++this.sessions}`, `${id}.jsonl`);
    writeTranscript(transcript, id, { model: 'claude-sonnet-4-5-20250929', version: '2.1.330', turns: [{ input: 3, output: 50, cacheRead: 0, cacheWrite: 100 }] });
    return new ScriptedSession(this.repo, id, transcript, { ...this.env, ...env });
  }

  /** The repository's hook log (`.git/chainloop-trace/log.txt`) as lines. */
  hookLog(): string[] {
    const file = path.join(this.repo, '.git', 'chainloop-trace', 'log.txt');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  }

  spoolFiles(dir: 'new' | 'blobs' | 'dead' = 'new'): string[] {
    try {
      // in the order the daemon ingests them: by mtime, then by the shims' counter (the name's first field)
      const d = path.join(this.traceHome, 'spool', dir);
      const at = (n: string) => fs.statSync(path.join(d, n), { bigint: true }).mtimeNs;
      const seq = (n: string) => Number(/^\d+/.exec(n)?.[0] ?? 0);
      return fs.readdirSync(d).sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : seq(a) - seq(b) || (a < b ? -1 : 1)));
    } catch {
      return [];
    }
  }

  daemonLog(): string {
    const file = path.join(this.traceHome, 'log', 'daemon.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  daemonPid(): number | null {
    return daemonPid(this.traceHome);
  }

  /** Pids of the live daemon processes (dist/daemon/main.js) of this TRACE_HOME (Linux). */
  daemonProcesses(): number[] {
    return processesOf(this.traceHome).filter((p) => p.daemon).map((p) => p.pid);
  }

  /** `trace daemon stop`; throws when it fails. */
  stopDaemon(): void {
    if (!fs.existsSync(this.traceHome)) return;
    const r = this.traceIn(this.root, ['daemon', 'stop']);
    if (r.code !== 0) throw new Error(`trace daemon stop exited ${r.code}: ${r.stderr}`);
  }

  /** Stops every daemon of this TRACE_HOME (killing what `trace daemon stop` leaves) and removes everything. */
  cleanup(keep = false): void {
    stopDaemons(this.env, this.root);
    if (!keep) fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Creates TestRepos for one test and cleans all of them up after it (call `cleanupAll` in afterEach). */
export class RepoPool {
  private repos: TestRepo[] = [];
  create(options?: TestRepoOptions): TestRepo {
    const t = TestRepo.create(options);
    this.repos.push(t);
    return t;
  }
  cleanupAll(): void {
    const errors: unknown[] = [];
    for (const t of this.repos.splice(0)) {
      try {
        t.cleanup();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  }
}

/** Every path under `dir` (files and directories), relative, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      out.push(rel);
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Lines `a..b` as `{start, end}` (for readable expectations). */
export const r = (start: number, end = start): Range => ({ start, end });

/** `n` numbered lines `prefix1 … prefixN`, newline-terminated. */
export function lines(prefix: string, n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}\n`).join('');
}
