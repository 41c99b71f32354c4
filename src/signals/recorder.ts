import type { TraceEvent } from '../agents/events.js';
import type { FileProvenance } from '../attribution/provenance.js';
import { loadRepoConfig } from '../config/chainloop.js';
import type { Logger } from '../log/logger.js';
import type { ProvenanceStore } from '../store/provenance.js';
import { SignalStore } from '../store/signals.js';
import type { DB } from '../store/db.js';
import { churnStep } from './churn.js';
import { signalEvents } from './from-event.js';
import { repoRelative } from './claude.js';
import { applySignal, emptyState, noteChurn, noteEdit, type SignalOptions, type SignalState } from './state.js';

const CONFIG_TTL_MS = 30_000;

/**
 * The daemon's side of the session signals: around each internal event it applies, the capture core
 * calls `before` and `after` with the hook's raw payload, and lets provenance changes pass through
 * `tap` (churn, and which tool call last changed a file). State is kept per session in SQLite. Nothing
 * read from a payload is kept or logged; only rule ids, counts and locations.
 */
export class SignalRecorder {
  private readonly store: SignalStore;
  private readonly options = new Map<string, { at: number; opts: SignalOptions }>();

  constructor(db: DB, private readonly log: Logger) {
    this.store = new SignalStore(db);
  }

  /** The user's choices for a repository (`signals.includeCommands` in .chainloop.yml), re-read every 30 s. */
  private optionsFor(top: string | null): SignalOptions {
    if (!top) return {};
    const cached = this.options.get(top);
    if (cached && Date.now() - cached.at < CONFIG_TTL_MS) return cached.opts;
    let opts: SignalOptions = {};
    try {
      const signals = loadRepoConfig(top)?.signals;
      opts = { includeCommands: signals?.includeCommands === true };
    } catch {
      // an invalid .chainloop.yml is reported elsewhere; signals keep the private default
    }
    this.options.set(top, { at: Date.now(), opts });
    return opts;
  }

  private state(sessionId: string): SignalState {
    return this.store.get(sessionId) ?? emptyState();
  }

  /**
   * Applies one event's signals: before the capture core applies the event for prompts and tool starts,
   * after it for tool ends (so a file change the event made is credited to the call still open).
   */
  async apply(phase: 'before' | 'after', ev: TraceEvent, payload: unknown, top: string | null): Promise<void> {
    const ending = ev.name.endsWith('.after');
    if ((phase === 'after') !== ending) return;
    const sevs = signalEvents(ev, payload, (f) => repoRelative(f, top ?? undefined));
    if (sevs.length === 0) return;
    try {
      const st = this.state(ev.sessionId);
      const place = { ...(top ? { top } : {}), ...(ev.cwd ? { cwd: ev.cwd } : {}), ...(process.env.HOME ? { home: process.env.HOME } : {}) };
      for (const s of sevs) await applySignal(st, s, place, this.optionsFor(top));
      this.store.put(ev.sessionId, st);
    } catch (err) {
      // signals never stop capture; the message names no payload content
      this.log.warn({ session: ev.sessionId, event: ev.agentEvent, err: err instanceof Error ? err.name : 'error' }, 'session signals skipped for an event');
    }
  }

  /**
   * A provenance store that reports each change of a file's map during `ev`: AI lines written and
   * removed (churn, for every session whose lines they are), and, for the acting session, that its
   * open tool call changed a file.
   */
  tap(provenance: ProvenanceStore, ev: TraceEvent, top: string | null): ProvenanceStore {
    const tapped = Object.create(provenance) as ProvenanceStore;
    const record = (repo: string, path: string, before: FileProvenance | undefined, after: Pick<FileProvenance, 'lines' | 'labels'>) => {
      try {
        const step = churnStep(before, after);
        for (const session of step.keys()) {
          const st = this.state(session);
          noteChurn(st, session, path, step);
          if (session === ev.sessionId && ev.name.endsWith('.after')) noteEdit(st, { ...(ev.toolUseId ? { id: ev.toolUseId } : {}), ...(ev.toolName ? { tool: ev.toolName } : {}) });
          this.store.put(session, st);
        }
        if (!step.has(ev.sessionId) && ev.name.endsWith('.after') && repo === top) {
          // a change the agent made that left no AI line (a deletion of human lines, a file removed)
          const st = this.state(ev.sessionId);
          noteEdit(st, { ...(ev.toolUseId ? { id: ev.toolUseId } : {}), ...(ev.toolName ? { tool: ev.toolName } : {}) });
          this.store.put(ev.sessionId, st);
        }
      } catch (err) {
        this.log.warn({ session: ev.sessionId, err: err instanceof Error ? err.message : String(err) }, 'churn not recorded for a provenance change');
      }
    };
    tapped.put = (repo: string, path: string, prov: FileProvenance) => {
      const before = provenance.get(repo, path);
      provenance.put(repo, path, prov);
      record(repo, path, before, prov);
    };
    tapped.delete = (repo: string, path: string) => {
      const before = provenance.get(repo, path);
      provenance.delete(repo, path);
      record(repo, path, before, { lines: [], labels: [] });
    };
    return tapped;
  }

  /** The stored state of a session (for the push's signals material). */
  get(sessionId: string): SignalState | undefined {
    return this.store.get(sessionId);
  }
}
