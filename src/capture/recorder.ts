import fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CommitAttributor } from '../attribution/commit.js';
import { PayloadError, type AgentAdapter } from '../agents/adapter.js';
import type { TraceEvent } from '../agents/events.js';
import { adapterForShim, ADAPTERS } from '../agents/registry.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import { consume, deadLetter, listSpool, type SpoolEntry } from '../spool/spool.js';
import { BlobStore } from '../store/blobs.js';
import { CommitStore } from '../store/commits.js';
import type { DB } from '../store/db.js';
import { EventStore } from '../store/events.js';
import { ProvenanceStore } from '../store/provenance.js';
import { SessionStore } from '../store/sessions.js';
import { UnansweredCommitStore } from '../store/unanswered.js';
import { SignalRecorder } from '../signals/recorder.js';
import { answerQuestionAhead, simulateQueued } from './answer-ahead.js';
import type { CommitAnswerDeps } from './commit-answer.js';
import { applyGitEvent, recordCommit, type GitEventSink } from './git-events.js';
import { MarkerSettler } from './markers.js';
import { agentEventName, attachSnapshot, readAgentPayload, readSnapshot } from './payload.js';
import { RepoCache } from './repo-cache.js';
import { applyTraceEvent } from './session-events.js';
import { checkpointShells, warnBlindChanges } from './shell-events.js';
import { ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';
import { AttemptCounter, classifyFailure, MAX_ATTEMPTS } from '../guard/failures.js';
import type { HealthWarning } from '../health/checks.js';
import { recoverLostEvents } from './lost-events.js';

export type { GitEventSink } from './git-events.js';

const BATCH = 1000;
const COLLECT_EVERY_MS = 10 * 60 * 1000;
/** During a backlog, how often the spool is looked at for commit hooks' questions (besides the watcher's word). */
const QUESTION_SCAN_MS = 250;
/**
 * The longest a drain runs without letting the event loop take its I/O: entries that need no real I/O
 * resolve in microtasks, and a backlog of them would keep the socket (`trace status`, `daemon stop`) unanswered.
 */
const YIELD_MS = 20;
/** A question blocked by nothing in particular (a running shell command) is tried again this often. */
const RETRY_AHEAD_MS = 1000;
const QUESTION = /-git-(?:prepare-commit-msg|commit-msg)\.git$/;

/**
 * Ingests the spool strictly in the order the shims wrote it: each agent file goes through its
 * adapter (`agents/registry.ts`) into internal events, applied by `session-events.ts`; each git file
 * goes to `git-events.ts`. It owns the stores and hands each module the few it uses.
 */
export class Recorder implements CaptureState {
  readonly sessions: SessionStore;
  readonly provenance: ProvenanceStore;
  readonly commits: CommitStore;
  readonly events: EventStore;
  readonly unanswered: UnansweredCommitStore;
  readonly attributor: CommitAttributor;
  readonly repos = new RepoCache();
  readonly shell: ShellTracker;
  /** Capture-time session signals (secrets, dangerous commands, test runs, churn…): `src/signals/`. */
  readonly signals: SignalRecorder;
  private readonly markers: MarkerSettler;
  private lastCollect = 0;
  private draining: Promise<number> | null = null;
  private again = false;
  private halted = false;
  pushSink: GitEventSink | null = null;
  /** Called every BATCH events of a long backlog (the daemon collects garbage there). */
  afterBatch: (() => void) | null = null;
  private readonly attempts = new AttemptCounter();
  private questionSeen = false;
  private lastQuestionScan = 0;
  /** Questions left to the ordered ingest: the queued entry to apply first ('' when none in particular), since when. */
  private readonly blockedAhead = new Map<string, { blocker: string; at: number }>();
  /** Told when an event cannot be applied for lack of space (the health monitor shows it). */
  onDiskFull: ((error: string) => void) | null = null;
  /** Told once per drain that ends without error, with how many events it ingested. */
  onDrained: ((ingested: number) => void) | null = null;

  constructor(
    readonly db: DB,
    private readonly paths: TracePaths,
    private readonly log: Logger,
    /** Watch work trees for shell-made changes (the daemon does; one-shot CLI fallbacks do not). */
    private readonly watchTrees = false,
    /** The agents whose spool files are read (tests pass their own). */
    private readonly adapters: readonly AgentAdapter[] = ADAPTERS,
  ) {
    this.sessions = new SessionStore(db);
    this.provenance = new ProvenanceStore(db);
    this.commits = new CommitStore(db);
    this.events = new EventStore(db);
    this.unanswered = new UnansweredCommitStore(db);
    this.attributor = new CommitAttributor(this.provenance, this.commits);
    this.shell = new ShellTracker(this.provenance, log, () => this.drain());
    this.signals = new SignalRecorder(db, log);
    this.markers = new MarkerSettler((repo) => this.attributor.pendingSessions(repo).length + this.shell.openShellWindows(repo), () => listSpool(this.paths).length === 0);
  }

  /** Periodic upkeep: stop watching work trees where no agent has worked for a while. */
  async maintain(idleMs = 30 * 60 * 1000): Promise<void> {
    await this.shell.sweep(idleMs);
    if (Date.now() - this.lastCollect > COLLECT_EVERY_MS) {
      this.lastCollect = Date.now();
      const n = new BlobStore(this.db).collect();
      if (n) this.log.info({ blobs: n }, 'dropped snapshots no provenance map uses');
    }
  }

  async close(): Promise<void> {
    await this.shell.close();
  }

  /** Ingests everything in the spool; concurrent calls share one pass and a follow-up pass. */
  drain(): Promise<number> {
    if (this.halted) return Promise.resolve(0);
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      let total = 0;
      let turn = Date.now();
      do {
        this.again = false;
        for (const entry of listSpool(this.paths)) {
          if (this.halted) break;
          if (this.watchTrees && (this.questionSeen || Date.now() - this.lastQuestionScan > QUESTION_SCAN_MS)) await this.answerQuestionsAhead();
          await this.apply(entry);
          if (++total % BATCH === 0) this.afterBatch?.();
          if (Date.now() - turn > YIELD_MS) {
            await nextTurn();
            turn = Date.now();
          }
        }
      } while (!this.halted && (this.again || listSpool(this.paths).length > 0));
      this.markers.settle();
      this.onDrained?.(total);
      return total;
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Ends the running drain after the entry it is applying, and every later one at once: the daemon is stopping, the rest stays in the spool for its next start. */
  halt(): void {
    this.halted = true;
  }

  /**
   * Starts a drain, or asks the running one for another pass, for callers that want no result (the
   * daemon's spool watcher and timer): a drain's end reaches `onDrained` once, however many kicks it
   * took in, where a promise per kick would run their follow-ups (a full GC) once each, thousands of
   * times after a backlog. A failure is logged once.
   */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.drain().catch((err: Error) => this.log.error({ err: err.message }, 'spool drain failed'));
  }

  /** A file appeared in the spool (the daemon's watcher says which, when it can): a question is looked for at once. */
  spoolChanged(name?: string | null): void {
    if (!name || QUESTION.test(name)) this.questionSeen = true;
  }

  /**
   * Answers the commit hooks' questions that wait behind queued events, ahead of them, when the answer
   * can be known now (see answer-ahead.ts); the others are answered when the ordered ingest reaches them.
   */
  private async answerQuestionsAhead(): Promise<void> {
    this.questionSeen = false;
    this.lastQuestionScan = Date.now();
    let names: string[];
    try {
      names = fs.readdirSync(this.paths.spoolNew);
    } catch {
      return;
    }
    if (!names.some((n) => QUESTION.test(n))) return;
    const list = listSpool(this.paths);
    for (const [i, q] of list.entries()) {
      if (i === 0 || q.kind !== 'git' || !QUESTION.test(q.file)) continue;
      const blocked = this.blockedAhead.get(q.key);
      if (blocked && (blocked.blocker ? fs.existsSync(blocked.blocker) : Date.now() - blocked.at < RETRY_AHEAD_MS)) continue;
      const deps = { db: this.db, state: this, shell: this.shell, adapters: this.adapters };
      const r = await answerQuestionAhead(deps, q, list.slice(0, i)).catch((err: Error) => ({ blocked: err.message, blocker: undefined }));
      if ('note' in r) {
        this.blockedAhead.delete(q.key);
        this.log.info({ spool: q.key, queued: i, note: r.note }, 'commit question answered ahead of the backlog');
      } else {
        if (!this.blockedAhead.has(q.key)) this.log.info({ spool: q.key, queued: i, reason: r.blocked }, 'commit question left to the ordered ingest');
        this.blockedAhead.set(q.key, { blocker: r.blocker?.file ?? '', at: Date.now() });
      }
    }
  }

  /**
   * What answers a commit asked over the socket: the stores once the queued events are in (replayed
   * ahead when they can be, else applied), or null when applying them takes longer than `waitMs`.
   */
  async readyToAnswer(req: { repo: string; indexFile?: string; gitCommand?: string }, waitMs: number): Promise<CommitAnswerDeps | null> {
    const queued = this.watchTrees ? listSpool(this.paths) : [];
    if (queued.length) {
      const sim = await simulateQueued({ db: this.db, state: this, shell: this.shell, adapters: this.adapters }, req.repo, queued, req).catch(() => null);
      if (sim && 'attributor' in sim) return { commits: this.commits, attributor: sim.attributor, repos: this.repos };
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((res) => {
      timer = setTimeout(() => res(false), waitMs);
    });
    const done = await Promise.race([this.drain().then(() => true, () => true), late]).finally(() => clearTimeout(timer));
    if (!done) this.log.info({ repo: req.repo, waitMs }, 'commit asked over the socket: queued events take longer than its bound, no answer');
    return done ? this : null;
  }

  /** Attributes and stores a commit (the one-shot CLI fallback and the rewrites use it). */
  recordCommit(repo: string, sha: string, extra?: Parameters<CommitAttributor['recordCommit']>[2]) {
    return recordCommit({ state: this, markers: this.markers }, repo, sha, extra);
  }

  /** Events the hooks could not spool in `repo` (TRACE_HOME was full): its unrecorded commits recorded, the warning. */
  async recoverLost(repo: string): Promise<HealthWarning | null> {
    const [top, gd] = await Promise.all([this.repos.top(repo), this.repos.gitDir(repo)]);
    return top && gd ? recoverLostEvents(this, top, gd) : null;
  }

  /** `trace status`: the repositories the daemon knows (and `asking`, the caller's) where hooks could not spool events. */
  async lostEventWarnings(asking?: string): Promise<HealthWarning[]> {
    const recent = this.db.prepare('SELECT DISTINCT repo FROM commits ORDER BY rowid DESC LIMIT 20').all() as { repo: string }[];
    const repos = new Set([...this.sessions.list(50).map((s) => s.repo), ...recent.map((r) => r.repo), asking].filter((r): r is string => !!r));
    const out: HealthWarning[] = [];
    for (const repo of repos) {
      const w = await this.recoverLost(repo).catch(() => null);
      if (w) out.push(w);
    }
    return out;
  }

  /** Applies one internal event of `adapter`'s agent; returns a note when part of it was skipped. */
  applyEvent(ev: TraceEvent, adapter: AgentAdapter, provenance?: ProvenanceStore): Promise<string | undefined> {
    const state = provenance ? { sessions: this.sessions, provenance, attributor: this.attributor, repos: this.repos, commits: this.commits } : this;
    return applyTraceEvent(
      { state, shell: this.shell, log: this.log, watchTrees: this.watchTrees, recordCommit: (repo, sha) => this.recordCommit(repo, sha), home: this.paths.home },
      adapter,
      ev,
    );
  }

  private async apply(entry: SpoolEntry): Promise<void> {
    if (this.events.seen(entry.key)) {
      consume(entry);
      return;
    }
    this.blockedAhead.delete(entry.key);
    if (entry.kind === 'git' && QUESTION.test(entry.file) && !fs.existsSync(entry.file)) {
      // listed, then withdrawn by its hook (no answer within the commit's bound)
      this.events.add({ spoolKey: entry.key, ts: entry.ts, agent: 'git', name: entry.event, note: 'withdrawn by the hook: not answered' });
      return;
    }
    try {
      if (entry.kind === 'git') {
        const beforeCommit = async (repo: string, at: number) => {
          const top = await this.repos.top(repo);
          if (top) await checkpointShells(this, this.shell, top, at);
        };
        const afterCommit = async (repo: string, sessions: string[], paths: string[]) => {
          const top = await this.repos.top(repo);
          return top ? warnBlindChanges(this, this.shell, top, sessions, paths) : undefined;
        };
        const beforePush = async (repo: string) => void (await this.recoverLost(repo));
        const { ev, note } = await applyGitEvent({ state: this, markers: this.markers, pushSink: () => this.pushSink, beforeCommit, afterCommit, beforePush }, entry);
        this.events.add({ spoolKey: entry.key, repo: ev.repo, ts: entry.ts, agent: 'git', name: ev.hook, note });
      } else await this.applyAgent(entry);
      consume(entry);
      this.attempts.done(entry.key);
    } catch (err) {
      let reason = err instanceof Error ? err.message : String(err);
      const kind = classifyFailure(err);
      if (kind === 'disk-full') {
        // nothing is lost: the entry and everything after it wait for space (the daemon retries)
        this.onDiskFull?.(reason);
        this.log.error({ spool: entry.key, err: reason }, 'TRACE_HOME is full: events wait in the spool');
        throw err;
      }
      if (kind === 'transient' && !this.attempts.failed(entry.key)) {
        this.log.warn({ spool: entry.key, err: reason }, 'spool entry failed; it is tried again');
        throw err;
      }
      if (kind === 'transient') reason = `failed ${MAX_ATTEMPTS} times: ${reason}`;
      this.attempts.done(entry.key);
      this.log.warn({ spool: entry.key, err: reason }, 'spool entry skipped');
      this.events.add({ spoolKey: entry.key, ts: entry.ts, agent: entry.agent, name: entry.event, note: `skipped: ${reason}` });
      deadLetter(this.paths, entry.file, reason);
      fs.rmSync(entry.blobFile, { force: true });
      fs.rmSync(entry.doneFile, { force: true });
    }
  }

  private async applyAgent(entry: SpoolEntry): Promise<void> {
    const payload = await readAgentPayload(entry);
    const adapter = adapterForShim(entry.agent, this.adapters);
    if (!adapter) throw new PayloadError(`agent ${entry.agent} is not supported yet`);
    const events = adapter.parse({ event: agentEventName(entry), payload, ts: entry.ts, atMs: entry.atMs });
    if (events.length === 0) {
      this.events.add({ spoolKey: entry.key, ts: entry.ts, agent: adapter.name, name: agentEventName(entry), note: 'no event of interest' });
      return;
    }
    const blob = readSnapshot(entry);
    for (const [i, ev] of events.entries()) {
      ev.atMs ??= entry.atMs;
      const key = i === 0 ? entry.key : `${entry.key}#${i}`;
      if (entry.event.endsWith('-o') && ev.name.startsWith('edit.')) {
        // an edit tool matched the other-tools hook too: the edit-tools hook (with snapshots) records it
        this.events.add({ spoolKey: key, sessionId: ev.sessionId, ts: ev.ts, agent: ev.agent, name: ev.name, tool: ev.toolName, note: 'duplicate of the edit-tools hook: skipped' });
        continue;
      }
      if (i === 0) attachSnapshot(ev, blob);
      const top = await this.repos.top(ev.cwd ?? ev.projectDir ?? '');
      await this.signals.apply('before', ev, payload, top);
      const note = await this.applyEvent(ev, adapter, this.signals.tap(this.provenance, ev, top));
      await this.signals.apply('after', ev, payload, top);
      this.events.add({ spoolKey: key, sessionId: ev.sessionId, ts: ev.ts, agent: ev.agent, name: ev.name, tool: ev.toolName, file: ev.files?.join(' '), note });
      if (note) this.log.info({ session: ev.sessionId, event: ev.agentEvent, note }, 'event noted');
    }
  }
}
