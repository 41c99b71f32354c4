/**
 * The attribution benchmark's harness: each scenario runs in the test world's TestRepo (test/helpers: a
 * real temporary repository with its own HOME, TRACE_HOME and `trace init`, its daemon running), drives Claude Code-shaped sessions through the installed hooks
 * (ScriptedSession), edits files as a human (plain writes) and runs git. Every file version it writes
 * is a Doc whose lines carry their true origin, so the truth of every committed added line is known
 * by construction; `evaluate()` compares it with `trace show --json` line by line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main.js';
import type { ScriptedSession } from '../../src/demo/claude-driver.js';
import { gitTry as tryGit, runTrace, sleep, sleepSync, type Run } from '../../test/helpers/proc.js';
import { TestRepo, type Range, type Show, type ShowFile } from '../../test/helpers/repo.js';
import { ai, BASE, Doc, isAiOrigin, sessionName, splitText, type Origin } from './doc.js';

export type { Range, Show, ShowFile };

export const TRAILER_KEY = 'Chainloop-Trace-Sessions';

/** One scenario of the corpus. */
export interface Scenario {
  /** Short stable id (bench row, test name). */
  id: string;
  /** The module (test file) it belongs to. */
  group: string;
  /** What it covers, one line (README table). */
  covers: string;
  /** False when the truth depends on timing (the bench still reports it, without the 100% target). */
  deterministic?: boolean;
  /** Needs the daemon's shell-change capture (agent Bash commands that change files). */
  shell?: boolean;
  /** Base files committed before `trace init` (their lines are `base`). */
  base?: Record<string, string>;
  run(lab: Lab): Promise<void>;
}

/** A commit the scenario wants checked, with the true content (and origins) of its changed files. */
export interface CheckSpec {
  label: string;
  sha: string;
  /** The commit's version of every file its diff adds lines to (default: what the harness recorded). */
  files?: Record<string, Doc>;
  /** Sessions (by name) a file's session_ids must name beyond those of its AI-added lines (agent removals). */
  removedBy?: Record<string, string[]>;
  /** Expected commit-level sessions (names); default: the union of the files' sessions. */
  sessions?: string[];
  /** Expected trailer sessions (names); default: `sessions`. */
  trailer?: string[];
}

/** The expected `trace show` of one file, derived from the truth. */
export interface ExpectedFile {
  path: string;
  status: string;
  line_ranges: Range[];
  human_line_ranges: Range[];
  /** AI ranges per session name. */
  by_session: Record<string, Range[]>;
  session_ids: string[];
}

/** The expected attribution of one commit. */
export interface ExpectedCommit {
  label: string;
  sha: string;
  sessions: string[];
  trailer: string[];
  files: ExpectedFile[];
}

/** The product's answer for one commit, with session ids mapped to the scenario's names. */
export interface ActualCommit {
  sessions: string[];
  /** Every Chainloop-Trace-Sessions line of the message, ids mapped to names. */
  trailerLines: string[][];
  files: (ExpectedFile & { raw: ShowFile })[];
}

/** Line counts over the added lines of the checked commits. */
export interface Tally {
  lines: number;
  right: number;
  /** AI lines labelled AI (any session). */
  tp: number;
  /** Human lines labelled AI. */
  fp: number;
  /** AI lines labelled human (or not labelled). */
  fn: number;
  /** AI lines labelled AI with the wrong session. */
  wrongSession: number;
  /** Lines the product reports as added that the commit's diff does not add. */
  extra: number;
}

export interface CheckResult {
  expected: ExpectedCommit;
  actual: ActualCommit;
  tally: Tally;
  /** Human-readable differences (empty when the commit is exactly right). */
  problems: string[];
  /** The trailer names exactly the expected sessions, once, in one line. */
  trailerOk: boolean;
}

export interface ScenarioResult {
  scenario: Scenario;
  checks: CheckResult[];
  tally: Tally;
  ms: number;
  /** Set when the scenario itself could not run (a harness or product crash). */
  error?: string;
}

/** A problem in the scenario's construction (its truth does not match what git holds). */
export class HarnessError extends Error {}

/** The least time a person takes between a hand edit and the next git or agent shell command. */
export const HUMAN_PACE_MS = 300;

/** A scenario's temporary world: repository, HOME, TRACE_HOME; the truth of every file it wrote. */
export class Lab {
  readonly root: string;
  readonly repo: string;
  readonly home: string;
  readonly traceHome: string;
  readonly env: NodeJS.ProcessEnv;
  /** The working tree's files as the scenario knows them. */
  readonly work = new Map<string, Doc>();
  /** Recorded tree versions of commits the harness made: sha → path → Doc. */
  private readonly trees = new Map<string, Map<string, Doc>>();
  private readonly specs: CheckSpec[] = [];
  private readonly agents: Agent[] = [];
  /** When the human last changed the work tree by hand (see `pace`). */
  private humanAt = 0;

  private constructor(readonly world: TestRepo) {
    this.root = world.root;
    this.repo = world.repo;
    this.home = world.home;
    this.traceHome = world.traceHome;
    this.env = world.env;
  }

  /**
   * A fresh repository: base files committed (lines `base`), then `trace init` and its config committed,
   * and the daemon up before any agent runs (as after `trace daemon install`).
   */
  static create(base: Record<string, string> = {}): Lab {
    const lab = new Lab(TestRepo.create({ files: base, env: { GIT_EDITOR: 'true' }, daemon: true }));
    try {
      lab.git('config', 'rebase.autoStash', 'false');
      for (const [rel, text] of Object.entries(base)) lab.work.set(rel, Doc.of(BASE, text));
      lab.trees.set(lab.head(), new Map(lab.work));
    } catch (err) {
      lab.cleanup();
      throw err;
    }
    return lab;
  }

  // ── processes ────────────────────────────────────────────────────────────────────────────────

  /**
   * A human takes a moment between saving a file and running the next git command (or the agent its
   * next shell command): at least HUMAN_PACE_MS, as the daemon's watcher judges a hand-made change
   * once it has settled (~100 ms). Scenarios never depend on being faster than a person.
   */
  pace(): void {
    const wait = this.humanAt + HUMAN_PACE_MS - Date.now();
    if (wait > 0) sleepSync(wait);
    this.humanAt = 0;
  }

  /** Runs git; throws with stderr on failure. */
  git(...args: string[]): string {
    const r = this.gitTry(args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Runs git and returns its status and output (for commands expected to stop, e.g. on a conflict). */
  gitTry(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): { status: number; stdout: string; stderr: string } {
    this.pace();
    if (args[0] === 'mv' || args[0] === 'rm') this.humanAt = Date.now();
    const r = tryGit(this.repo, args, { ...this.env, ...env }, input);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs a shell command in the repository as the human would. */
  sh(command: string, env: NodeJS.ProcessEnv = {}): string {
    this.pace();
    try {
      return this.world.sh(command, env);
    } finally {
      this.humanAt = Date.now();
    }
  }

  /**
   * `trace <args>` with this lab's environment. By default the CLI's `main` runs in this process (the
   * same code `bin/trace.js` runs, without a Node start-up per call); TRACE_BENCH_CLI=spawn runs bin/trace.js.
   */
  async cli(...args: string[]): Promise<Omit<Run, 'ms'>> {
    if (process.env.TRACE_BENCH_CLI === 'spawn') return runTrace(this.repo, args, this.env);
    let stdout = '';
    let stderr = '';
    const code = await main(args, { cwd: this.repo, env: this.env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  }

  /** `trace show <rev> --json`. */
  async show(rev: string): Promise<Show> {
    const r = await this.cli('show', rev, '--json');
    if (r.code !== 0) throw new Error(`trace show ${rev} --json exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as Show;
  }

  /** Per-line sessions of a file at a commit from `trace blame --rev --json`; null when blame is not available. */
  async blameSessions(rev: string, file: string): Promise<(string | undefined)[] | null> {
    const r = await this.cli('blame', '--rev', rev, file, '--json');
    if (r.code !== 0) return null;
    try {
      const j = JSON.parse(r.stdout) as { lines: { line: number; origin: string; session?: string }[] };
      const out: (string | undefined)[] = [];
      for (const l of j.lines) out[l.line - 1] = l.origin === 'ai' ? l.session : undefined;
      return out;
    } catch {
      return null;
    }
  }

  /**
   * Waits until the daemon has taken in everything so far. After an agent's shell command the daemon's
   * work-tree watcher reports a change only once it has been quiet for ~100 ms, and nothing announces
   * that: `settleMs` waits that window out on purpose; then the daemon's drain, repeated until the
   * spool stays empty.
   */
  async quiesce(settleMs = 300): Promise<void> {
    if (settleMs) await sleep(settleMs);
    for (let i = 0; i < 20; i++) {
      await this.world.drain();
      if (this.world.spoolFiles('new').length === 0) return;
    }
    throw new Error(`the daemon of ${this.traceHome} keeps finding new spool entries`);
  }

  // ── files ─────────────────────────────────────────────────────────────────────────────────────

  read(rel: string): string | null {
    const file = path.join(this.repo, rel);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  }

  /** The scenario's current version of a working-tree file. */
  doc(rel: string): Doc {
    const d = this.work.get(rel);
    if (!d) throw new HarnessError(`no known version of ${rel}`);
    return d;
  }

  /** A human writes the file (an editor save). */
  human(rel: string, doc: Doc): void {
    this.world.write(rel, doc.text());
    this.work.set(rel, doc);
    this.humanAt = Date.now();
  }

  /** A human edit of the current version: `fn` gets the doc and the human origin. */
  humanEdit(rel: string, fn: (d: Doc, o: Origin) => Doc): Doc {
    const d = fn(this.doc(rel), 'human');
    this.human(rel, d);
    return d;
  }

  /** A human deletes the file. */
  humanRm(rel: string): void {
    fs.rmSync(path.join(this.repo, rel));
    this.work.delete(rel);
    this.humanAt = Date.now();
  }

  /**
   * Declares what the working tree holds after a git command changed it (checkout, stash, rebase…):
   * verifies the file has exactly this content (null: absent) and adopts the doc.
   */
  expectWork(rel: string, doc: Doc | null): void {
    const actual = this.read(rel);
    if (doc === null) {
      if (actual !== null) throw new HarnessError(`${rel} should be gone from the work tree`);
      this.work.delete(rel);
      return;
    }
    if (actual !== doc.text()) throw new HarnessError(`${rel} in the work tree is not what the scenario expects:\n${diffText(doc.text(), actual ?? '(missing)')}`);
    this.work.set(rel, doc);
  }

  /** The work tree now holds commit `sha`'s recorded tree (after a checkout/reset): verifies and adopts it. */
  expectWorkTree(sha: string): void {
    const tree = this.tree(sha);
    for (const rel of [...this.work.keys()]) if (!tree.has(rel)) this.expectWork(rel, null);
    for (const [rel, d] of tree) this.expectWork(rel, d);
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────

  /** A Claude Code-shaped session (named for the truth, with a real UUID id) driven through the hooks. */
  agent(name: string): Agent {
    const a = new Agent(this, name, this.world.session());
    this.agents.push(a);
    return a;
  }

  nameOf(sessionId: string): string {
    return this.agents.find((a) => a.id === sessionId)?.name ?? `?${sessionId.slice(0, 8)}`;
  }

  // ── commits ───────────────────────────────────────────────────────────────────────────────────

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  rev(r: string): string {
    return this.git('rev-parse', r).trim();
  }

  /** The recorded tree of a commit the harness made or was told about. */
  tree(sha: string): Map<string, Doc> {
    const t = this.trees.get(this.rev(sha));
    if (!t) throw new HarnessError(`no recorded tree for ${sha}`);
    return t;
  }

  /** Declares the tree of a commit git made (rebase, cherry-pick…): `parentTree` with `changes` (null deletes). */
  setTree(sha: string, parentTree: Map<string, Doc>, changes: Record<string, Doc | null> = {}): Map<string, Doc> {
    const t = new Map(parentTree);
    for (const [rel, d] of Object.entries(changes)) {
      if (d === null) t.delete(rel);
      else t.set(rel, d);
    }
    this.trees.set(this.rev(sha), t);
    return t;
  }

  /** `git checkout <args>` of a branch or commit whose tree the harness knows; adopts that tree as the work tree. */
  checkout(ref: string, ...flags: string[]): void {
    this.git('checkout', '-q', ...flags, ref);
    this.expectWorkTree('HEAD');
  }

  /** `git add -A && git commit` through the hooks; the commit's tree is the work tree. */
  commitAll(message: string, ...extra: string[]): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message, ...extra);
    const sha = this.head();
    this.trees.set(sha, new Map(this.work));
    return sha;
  }

  /**
   * `git commit` of what is staged; `staged` names the index's version of every file that differs
   * from the parent's (partial staging), verified against the commit.
   */
  commitStaged(message: string, staged: Record<string, Doc | null>, ...extra: string[]): string {
    const parent = this.tree('HEAD');
    this.git('commit', '-q', '-m', message, ...extra);
    const sha = this.head();
    return this.recordTree(sha, parent, staged);
  }

  /** Stages only hunks `keep` (0-based) of `git diff -U1 -- rel`, with `git apply --cached` (what `git add -p` does). */
  stageHunks(rel: string, keep: number[]): void {
    const patch = this.git('diff', '-U1', '--', rel);
    const [head, ...hunks] = patch.split(/^(?=@@ )/m);
    if (hunks.length <= Math.max(...keep)) throw new HarnessError(`${rel} has ${hunks.length} hunks`);
    const r = this.gitTry(['apply', '--cached', '-'], {}, head + hunks.filter((_, i) => keep.includes(i)).join(''));
    if (r.status !== 0) throw new HarnessError(`git apply --cached failed: ${r.stderr}`);
  }

  /** Records (and verifies against git) the tree of `sha` as `parentTree` plus `changes`. */
  recordTree(sha: string, parentTree: Map<string, Doc>, changes: Record<string, Doc | null>): string {
    const full = this.rev(sha);
    this.setTree(full, parentTree, changes);
    for (const [rel, d] of Object.entries(changes)) {
      const blob = this.gitTry(['show', `${full}:${rel}`]);
      if (d === null ? blob.status === 0 : blob.stdout !== d.text()) throw new HarnessError(`${rel} in ${full.slice(0, 8)} is not what the scenario expects`);
    }
    return full;
  }

  // ── checks ────────────────────────────────────────────────────────────────────────────────────

  /** Queues a commit for evaluation at the end of the scenario. */
  check(spec: CheckSpec): void {
    this.specs.push({ ...spec, sha: this.rev(spec.sha) });
  }

  /** The expected attribution of every checked commit, from the truth and the commit's own diff. */
  expected(): ExpectedCommit[] {
    return this.specs.map((spec) => this.expectedOf(spec));
  }

  private expectedOf(spec: CheckSpec): ExpectedCommit {
    const parent = this.gitTry(['rev-parse', '--verify', '--quiet', `${spec.sha}^`]).stdout.trim() || this.git('hash-object', '-t', 'tree', '/dev/null').trim();
    const diffs = parseDiff(this.git('diff', '-M', '--unified=0', '--no-color', '--no-ext-diff', parent, spec.sha));
    const tree = spec.files ? null : this.trees.get(spec.sha);
    const files: ExpectedFile[] = [];
    for (const d of diffs) {
      const by: Record<string, number[]> = {};
      const human: number[] = [];
      if (d.added.length && !d.binary) {
        const doc = spec.files?.[d.path] ?? tree?.get(d.path);
        if (!doc) throw new HarnessError(`${spec.label}: no truth for ${d.path}`);
        const blob = this.git('show', `${spec.sha}:${d.path}`);
        if (blob !== doc.text()) throw new HarnessError(`${spec.label}: ${d.path} at ${spec.sha.slice(0, 8)} is not what the scenario expects:\n${diffText(doc.text(), blob)}`);
        for (const n of d.added) {
          const o = doc.lines[n - 1]!.origin;
          if (isAiOrigin(o)) (by[sessionName(o)!] ??= []).push(n);
          else human.push(n);
        }
      }
      const aiLines = Object.values(by).flat();
      const sessions = [...new Set([...Object.keys(by), ...(spec.removedBy?.[d.path] ?? [])])].sort();
      files.push({
        path: d.path,
        status: d.status,
        line_ranges: toRanges(aiLines),
        human_line_ranges: toRanges(human),
        by_session: Object.fromEntries(Object.entries(by).sort().map(([k, v]) => [k, toRanges(v)])),
        session_ids: sessions,
      });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const sessions = spec.sessions ? [...spec.sessions].sort() : [...new Set(files.flatMap((f) => f.session_ids))].sort();
    return { label: spec.label, sha: spec.sha, sessions, trailer: spec.trailer ? [...spec.trailer].sort() : sessions, files };
  }

  /** The product's answer for a commit: `trace show --json`, per-line sessions from blame, the trailers. */
  async actual(e: ExpectedCommit): Promise<ActualCommit> {
    const show = await this.show(e.sha);
    const files: ActualCommit['files'] = [];
    for (const f of show.code_changes.files) {
      const names = f.session_ids.map((s) => this.nameOf(s)).sort();
      const by: Record<string, number[]> = {};
      const aiLines = expand(f.line_ranges);
      if (aiLines.length) {
        let perLine: (string | undefined)[] | null = null;
        if (names.length === 1) perLine = aiLines.map(() => undefined);
        else perLine = await this.blameSessions(e.sha, f.path);
        for (const n of aiLines) {
          const sid = names.length === 1 ? f.session_ids[0] : perLine?.[n - 1];
          const name = sid ? this.nameOf(sid) : '?';
          (by[name] ??= []).push(n);
        }
      }
      files.push({
        path: f.path,
        status: f.status,
        line_ranges: f.line_ranges,
        human_line_ranges: f.human_line_ranges,
        by_session: Object.fromEntries(Object.entries(by).sort().map(([k, v]) => [k, toRanges(v)])),
        session_ids: names,
        raw: f,
      });
    }
    const message = this.git('log', '-1', '--format=%B', e.sha);
    const trailerLines = message
      .split('\n')
      .filter((l) => l.toLowerCase().startsWith(TRAILER_KEY.toLowerCase() + ':'))
      .map((l) => l.slice(TRAILER_KEY.length + 1).split(/[,\s]+/).filter(Boolean).map((id) => this.nameOf(id)));
    return { sessions: show.sessions.map((s) => this.nameOf(s)).sort(), trailerLines, files };
  }

  /** Compares every checked commit with the product's answer. */
  async evaluate(): Promise<CheckResult[]> {
    const out: CheckResult[] = [];
    for (const e of this.expected()) {
      const a = await this.actual(e);
      out.push(compare(e, a));
    }
    return out;
  }

  /** Stops this lab's daemon and removes its directory (kept with TRACE_BENCH_KEEP=1). */
  cleanup(): void {
    this.world.cleanup(process.env.TRACE_BENCH_KEEP === '1');
  }
}

/** One scripted agent session: its tool calls go through the installed hooks; the truth follows. */
export class Agent {
  constructor(
    readonly lab: Lab,
    readonly name: string,
    readonly session: ScriptedSession,
  ) {}

  get id(): string {
    return this.session.sessionId;
  }

  /** The origin of lines this agent writes. */
  get o(): Origin {
    return ai(this.name);
  }

  start(prompt = `task for ${this.name}`): void {
    this.session.start();
    this.session.prompt(prompt);
  }

  stop(): void {
    this.session.stop();
  }

  end(): void {
    this.session.stop();
    this.session.end();
  }

  /** The Write tool with the whole new content. */
  write(rel: string, doc: Doc): void {
    this.session.write(rel, doc.text());
    this.lab.expectWork(rel, doc);
  }

  /**
   * The Edit tool turning the current file into `doc`: old_string/new_string are the changed lines
   * (widened with context until old_string is unique), exactly as the agent would send them.
   */
  edit(rel: string, doc: Doc): void {
    const before = this.lab.read(rel);
    if (before === null) throw new HarnessError(`${rel}: the Edit tool needs an existing file`);
    const after = doc.text();
    const e = editStrings(before, after);
    if (!e) throw new HarnessError(`${rel}: no unique Edit turns the file into the expected version`);
    this.session.edit(rel, e.oldString, e.newString);
    this.lab.expectWork(rel, doc);
  }

  /** An Edit of the current version: `fn` gets the doc and this agent's origin. */
  change(rel: string, fn: (d: Doc, o: Origin) => Doc): Doc {
    const d = fn(this.lab.doc(rel), this.o);
    this.edit(rel, d);
    return d;
  }

  /**
   * The Bash tool running `command`; `effects` is what it does to the work tree (null: the file is
   * gone), verified. Then waits for the daemon to take the change in.
   */
  async bash(command: string, effects: Record<string, Doc | null>): Promise<void> {
    // the daemon has taken in the session's earlier events (its work-tree watcher is up), as it has
    // in a real session, where the model takes seconds between tool calls
    this.lab.pace();
    await this.lab.quiesce(0);
    this.session.bash(command);
    for (const [rel, d] of Object.entries(effects)) this.lab.expectWork(rel, d);
    await this.lab.quiesce();
  }
}

/** old_string/new_string for an Edit that turns `before` into `after`, or null. */
export function editStrings(before: string, after: string): { oldString: string; newString: string } | null {
  const b = splitText(before);
  const a = splitText(after);
  let p = 0;
  while (p < b.length && p < a.length && b[p] === a[p]) p++;
  let s = 0;
  while (s < b.length - p && s < a.length - p && b[b.length - 1 - s] === a[a.length - 1 - s]) s++;
  // widen with context (before, then after) until old_string is non-empty and occurs once
  for (let ctx = 0; ctx <= Math.max(b.length, 1); ctx++) {
    for (const [pre, post] of [[ctx, 0], [0, ctx], [ctx, ctx]] as const) {
      const lo = Math.max(0, p - pre);
      const hiB = Math.min(b.length, b.length - s + post);
      const hiA = a.length - (b.length - hiB);
      const oldString = b.slice(lo, hiB).map((l) => l + '\n').join('');
      const newString = a.slice(lo, hiA).map((l) => l + '\n').join('');
      if (!oldString) continue;
      if (before.indexOf(oldString) !== before.lastIndexOf(oldString)) continue;
      if (before.replace(oldString, () => newString) === after) return { oldString, newString };
    }
  }
  return null;
}

interface DiffEntry {
  path: string;
  status: string;
  binary: boolean;
  added: number[];
}

/** Parses `git diff -M --unified=0`: each file's new path, status and added line numbers. */
export function parseDiff(patch: string): DiffEntry[] {
  const out: DiffEntry[] = [];
  let cur: DiffEntry | undefined;
  let n = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      const m = / b\/(.*)$/.exec(line);
      cur = { path: m ? m[1]! : '', status: 'modified', binary: false, added: [] };
      out.push(cur);
      inHunk = false;
      continue;
    }
    if (!cur) continue;
    if (!inHunk) {
      if (line.startsWith('new file mode')) cur.status = 'created';
      else if (line.startsWith('deleted file mode')) cur.status = 'deleted';
      else if (line.startsWith('rename to ')) {
        cur.status = 'renamed';
        cur.path = line.slice('rename to '.length);
      } else if (line.startsWith('+++ b/')) cur.path = line.slice(6);
      else if (line.startsWith('Binary files ')) cur.binary = true;
    }
    if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      n = Number(m?.[1] ?? 0);
      inHunk = true;
      continue;
    }
    if (inHunk && line.startsWith('+')) cur.added.push(n++);
  }
  return out;
}

/** Compares one commit's truth with the product's answer. */
export function compare(e: ExpectedCommit, a: ActualCommit): CheckResult {
  const problems: string[] = [];
  const tally = emptyTally();
  const fmt = (r: Range[]) => formatRanges(r) || '-';
  const actualByPath = new Map(a.files.map((f) => [f.path, f]));
  for (const ef of e.files) {
    const af = actualByPath.get(ef.path);
    actualByPath.delete(ef.path);
    const truth = new Map<number, string | null>();
    for (const [s, rs] of Object.entries(ef.by_session)) for (const n of expand(rs)) truth.set(n, s);
    for (const n of expand(ef.human_line_ranges)) truth.set(n, null);
    const pred = new Map<number, string | null>();
    if (af) {
      for (const [s, rs] of Object.entries(af.by_session)) for (const n of expand(rs)) pred.set(n, s);
      for (const n of expand(af.human_line_ranges)) if (!pred.has(n)) pred.set(n, null);
    }
    for (const [n, t] of truth) {
      tally.lines++;
      const p = pred.has(n) ? pred.get(n)! : undefined;
      if (t !== null) {
        if (p === undefined || p === null) tally.fn++;
        else {
          tally.tp++;
          if (p === t) tally.right++;
          else tally.wrongSession++;
        }
      } else if (p === null) tally.right++;
      else if (p !== undefined) tally.fp++;
    }
    for (const [n, p] of pred) {
      if (truth.has(n)) continue;
      tally.extra++;
      if (p !== null) tally.fp++;
    }
    if (!af) {
      problems.push(`${ef.path}: missing from trace show`);
      continue;
    }
    if (af.status !== ef.status) problems.push(`${ef.path}: status ${af.status}, expected ${ef.status}`);
    if (fmt(af.line_ranges) !== fmt(ef.line_ranges) || fmt(af.human_line_ranges) !== fmt(ef.human_line_ranges)) {
      problems.push(`${ef.path}: ai ${fmt(af.line_ranges)} human ${fmt(af.human_line_ranges)}; expected ai ${fmt(ef.line_ranges)} human ${fmt(ef.human_line_ranges)}`);
    } else if (JSON.stringify(af.by_session) !== JSON.stringify(ef.by_session)) {
      problems.push(`${ef.path}: per-session ${JSON.stringify(mapRanges(af.by_session))}, expected ${JSON.stringify(mapRanges(ef.by_session))}`);
    }
    if (af.session_ids.join() !== ef.session_ids.join()) problems.push(`${ef.path}: session_ids [${af.session_ids}], expected [${ef.session_ids}]`);
  }
  for (const extra of actualByPath.keys()) problems.push(`${extra}: in trace show but not in the commit's diff`);
  if (a.sessions.join() !== e.sessions.join()) problems.push(`sessions [${a.sessions}], expected [${e.sessions}]`);
  const trailerIds = a.trailerLines.flat();
  const before = problems.length;
  if (e.trailer.length === 0 && a.trailerLines.length) problems.push(`trailer names [${trailerIds}], expected none`);
  if (e.trailer.length) {
    if (a.trailerLines.length !== 1) problems.push(`${a.trailerLines.length} ${TRAILER_KEY} lines, expected 1`);
    if (new Set(trailerIds).size !== trailerIds.length) problems.push(`trailer repeats a session: [${trailerIds}]`);
    if ([...new Set(trailerIds)].sort().join() !== e.trailer.join()) problems.push(`trailer names [${[...new Set(trailerIds)].sort()}], expected [${e.trailer}]`);
  }
  return { expected: e, actual: a, tally, problems: problems.map((p) => `${e.label}: ${p}`), trailerOk: problems.length === before };
}

export function emptyTally(): Tally {
  return { lines: 0, right: 0, tp: 0, fp: 0, fn: 0, wrongSession: 0, extra: 0 };
}

export function addTally(into: Tally, t: Tally): Tally {
  for (const k of Object.keys(into) as (keyof Tally)[]) into[k] += t[k];
  return into;
}

/** Precision and recall of `ai` labels, and the share of lines labelled right (null when undefined). */
export function figures(t: Tally): { precision: number | null; recall: number | null; right: number | null } {
  return {
    precision: t.tp + t.fp ? t.tp / (t.tp + t.fp) : null,
    recall: t.tp + t.fn ? t.tp / (t.tp + t.fn) : null,
    right: t.lines + t.extra ? t.right / (t.lines + t.extra) : null,
  };
}

/** Runs one scenario in a fresh lab and evaluates its checks. */
export async function runScenario(s: Scenario): Promise<ScenarioResult> {
  const t0 = Date.now();
  let lab: Lab | undefined;
  try {
    lab = Lab.create(s.base);
    await s.run(lab);
    const checks = await lab.evaluate();
    const tally = checks.reduce((acc, c) => addTally(acc, c.tally), emptyTally());
    return { scenario: s, checks, tally, ms: Date.now() - t0 };
  } catch (err) {
    const e = err as Error;
    return { scenario: s, checks: [], tally: emptyTally(), ms: Date.now() - t0, error: `${e instanceof HarnessError ? 'harness: ' : ''}${e.stack ?? e.message}` };
  } finally {
    lab?.cleanup();
  }
}

/** True when the scenario's result meets the target: every line right, every check exact. */
export function passed(r: ScenarioResult): boolean {
  return !r.error && r.checks.length > 0 && r.checks.every((c) => c.problems.length === 0) && r.tally.right === r.tally.lines && r.tally.extra === 0;
}

export function toRanges(lines: Iterable<number>): Range[] {
  const sorted = [...new Set(lines)].sort((x, y) => x - y);
  const out: Range[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last.end + 1) last.end = n;
    else out.push({ start: n, end: n });
  }
  return out;
}

export function expand(ranges: readonly Range[]): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let n = r.start; n <= r.end; n++) out.push(n);
  return out;
}

/** `1-3,7` */
export function formatRanges(ranges: readonly Range[]): string {
  return ranges.map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`)).join(',');
}

function mapRanges(by: Record<string, Range[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, formatRanges(v)]));
}

/** A small line diff for harness errors. */
function diffText(expected: string, actual: string): string {
  const e = splitText(expected);
  const a = splitText(actual);
  const out: string[] = [];
  for (let i = 0; i < Math.max(e.length, a.length) && out.length < 12; i++) {
    if (e[i] !== a[i]) out.push(`  line ${i + 1}: expected ${JSON.stringify(e[i])}, got ${JSON.stringify(a[i])}`);
  }
  return out.join('\n');
}
