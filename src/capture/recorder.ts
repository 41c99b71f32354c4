import fs from 'node:fs';
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
import { SignalRecorder } from '../signals/recorder.js';
import { applyGitEvent, recordCommit, type GitEventSink } from './git-events.js';
import { MarkerSettler } from './markers.js';
import { agentEventName, readAgentPayload } from './payload.js';
import { RepoCache } from './repo-cache.js';
import { applyTraceEvent } from './session-events.js';
import { checkpointShells, warnBlindChanges } from './shell-events.js';
import { ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';
import { AttemptCounter, classifyFailure, MAX_ATTEMPTS } from '../guard/failures.js';
import { limits, mb } from '../guard/limits.js';

export type { GitEventSink } from './git-events.js';

const BATCH = 1000;
const COLLECT_EVERY_MS = 10 * 60 * 1000;

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
  readonly attributor: CommitAttributor;
  readonly repos = new RepoCache();
  readonly shell: ShellTracker;
  /** Capture-time session signals (secrets, dangerous commands, test runs, churn…): `src/signals/`. */
  readonly signals: SignalRecorder;
  private readonly markers: MarkerSettler;
  private lastCollect = 0;
  private draining: Promise<number> | null = null;
  private again = false;
  pushSink: GitEventSink | null = null;
  /** Called every BATCH events of a long backlog (the daemon collects garbage there). */
  afterBatch: (() => void) | null = null;
  private readonly attempts = new AttemptCounter();
  /** Told when an event cannot be applied for lack of space (the health monitor shows it). */
  onDiskFull: ((error: string) => void) | null = null;
  /** Told when the spool has been drained without error. */
  onDrained: (() => void) | null = null;

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
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      let total = 0;
      do {
        this.again = false;
        for (const entry of listSpool(this.paths)) {
          await this.apply(entry);
          if (++total % BATCH === 0) this.afterBatch?.();
        }
      } while (this.again || listSpool(this.paths).length > 0);
      this.markers.settle();
      this.onDrained?.();
      return total;
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Attributes and stores a commit (the one-shot CLI fallback and the rewrites use it). */
  recordCommit(repo: string, sha: string, extra?: Parameters<CommitAttributor['recordCommit']>[2]) {
    return recordCommit({ state: this, markers: this.markers }, repo, sha, extra);
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
        const { ev, note } = await applyGitEvent({ state: this, markers: this.markers, pushSink: () => this.pushSink, beforeCommit, afterCommit }, entry);
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
      // the shim snapshots one file: the first the event names
      if (i === 0 && typeof blob === 'string' && ev.files?.[0]) (ev.snapshotSkipped ??= new Map()).set(ev.files[0], blob);
      else if (i === 0 && blob && ev.files?.[0] && !ev.snapshots?.has(ev.files[0])) (ev.snapshots ??= new Map()).set(ev.files[0], blob);
      const top = await this.repos.top(ev.cwd ?? ev.projectDir ?? '');
      await this.signals.apply('before', ev, payload, top);
      const note = await this.applyEvent(ev, adapter, this.signals.tap(this.provenance, ev, top));
      await this.signals.apply('after', ev, payload, top);
      this.events.add({ spoolKey: key, sessionId: ev.sessionId, ts: ev.ts, agent: ev.agent, name: ev.name, tool: ev.toolName, file: ev.files?.join(' '), note });
      if (note) this.log.info({ session: ev.sessionId, event: ev.agentEvent, note }, 'event noted');
    }
  }
}

/**
 * An edit event's snapshot: its bytes, undefined when the shim took none (no file), or why it is not
 * used: larger than the cap the shim copied with (it copies one byte more, so a file past the cap shows).
 */
function readSnapshot(entry: SpoolEntry): Buffer | undefined | string {
  let size: number;
  try {
    size = fs.statSync(entry.blobFile).size;
  } catch {
    return undefined;
  }
  let cap = limits().snapshotBytes;
  try {
    const m = /^cap (\d+)/.exec(fs.readFileSync(entry.doneFile, 'utf8'));
    if (m) cap = Math.min(cap, Number(m[1]));
  } catch {
    /* an older shim: no cap line */
  }
  if (size > cap) return `larger than the ${mb(cap)} snapshot cap (TRACE_MAX_SNAPSHOT_BYTES): line attribution skipped`;
  return fs.readFileSync(entry.blobFile);
}
