import fs from 'node:fs';
import { CommitAttributor } from '../attribution/commit.js';
import { isBinary, splitLines } from '../attribution/lines.js';
import { BASE } from '../attribution/labels.js';
import { carryLabels } from '../attribution/match.js';
import { agentEdit, firstSight, observe, type FileProvenance } from '../attribution/provenance.js';
import { parseClaudePayload, PayloadError } from '../agents/claude/payload.js';
import { emptyTranscriptState, readSubagent, readTranscript, summarizeTranscript, type TranscriptState } from '../agents/claude/transcript.js';
import { EDIT_TOOLS, type HookEvent } from '../agents/events.js';
import { readObjects } from '../git/run.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import { consume, deadLetter, gitSpoolComplete, listSpool, parseGitSpool, type GitSpoolEvent, type SpoolEntry } from '../spool/spool.js';
import { BlobStore } from '../store/blobs.js';
import { CommitStore } from '../store/commits.js';
import type { DB } from '../store/db.js';
import { EventStore } from '../store/events.js';
import { ProvenanceStore } from '../store/provenance.js';
import { SessionStore, type SessionRecord } from '../store/sessions.js';
import { answerCommitRequest, COMMIT_REQUEST_HOOKS } from './commit-request.js';
import { clearMarker, MARKERS, RepoCache, touchMarker } from './repo-cache.js';
import { pickSources } from './picks.js';
import { applyRewrite } from './rewrite.js';
import { ShellTracker } from './shell.js';

const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const MAX_WARNINGS = 50;
const BATCH = 1000;
const SETTLE_MS = 1000;
const PUSH_SETTLE_MS = 300;
const COLLECT_EVERY_MS = 10 * 60 * 1000;

/** Something that consumes git events after the core has applied them (the push queue). */
export interface GitEventSink {
  onGitEvent(ev: GitSpoolEvent): Promise<void>;
}

/** Applies spooled hook events to the store, strictly in the order the shims wrote them. */
export class Recorder {
  readonly sessions: SessionStore;
  readonly provenance: ProvenanceStore;
  readonly commits: CommitStore;
  readonly events: EventStore;
  readonly attributor: CommitAttributor;
  readonly repos = new RepoCache();
  private readonly settledRepos = new Map<string, string>();
  private lastCollect = 0;
  private draining: Promise<number> | null = null;
  private again = false;
  pushSink: GitEventSink | null = null;
  /** Called every BATCH events of a long backlog (the daemon collects garbage there). */
  afterBatch: (() => void) | null = null;
  readonly shell: ShellTracker;

  constructor(
    readonly db: DB,
    private readonly paths: TracePaths,
    private readonly log: Logger,
    /** Watch work trees for shell-made changes (the daemon does; one-shot CLI fallbacks do not). */
    private readonly watchTrees = false,
  ) {
    this.sessions = new SessionStore(db);
    this.provenance = new ProvenanceStore(db);
    this.commits = new CommitStore(db);
    this.events = new EventStore(db);
    this.attributor = new CommitAttributor(this.provenance, this.commits);
    this.shell = new ShellTracker(this.provenance, log, () => this.drain());
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
      this.settleMarkers();
      return total;
    })().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async apply(entry: SpoolEntry): Promise<void> {
    if (this.events.seen(entry.key)) {
      consume(entry);
      return;
    }
    try {
      if (entry.kind === 'git') await this.applyGit(entry);
      else await this.applyAgent(entry);
      consume(entry);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.warn({ spool: entry.key, err: reason }, 'spool entry skipped');
      this.events.add({ spoolKey: entry.key, ts: entry.ts, agent: entry.agent, name: entry.event, note: `skipped: ${reason}` });
      deadLetter(this.paths, entry.file, reason);
      fs.rmSync(entry.blobFile, { force: true });
      fs.rmSync(entry.doneFile, { force: true });
    }
  }

  /**
   * The payload of an agent event. Shims write most events straight into spool/new (no rename, to stay
   * cheap), so an empty or unparsable file may still be being written: it is judged only once nothing
   * has written to it for SETTLE_MS.
   */
  private async readPayload(entry: SpoolEntry): Promise<unknown> {
    const edit = entry.event.endsWith('-e');
    const event = entry.event.replace(/-[oe]$/, '');
    for (;;) {
      const st = fs.statSync(entry.file);
      if (st.size > MAX_PAYLOAD_BYTES) throw new PayloadError(`${event}: payload of ${st.size} bytes is over the limit`);
      const settled = Date.now() - st.mtimeMs >= SETTLE_MS;
      const complete = !edit || fs.existsSync(entry.doneFile);
      if (st.size > 0 && (complete || settled)) {
        try {
          return JSON.parse(fs.readFileSync(entry.file, 'utf8'));
        } catch {
          if (settled) throw new PayloadError(`${event}: payload is not valid JSON`);
        }
      } else if (settled) throw new PayloadError(`${event}: empty payload`);
      await new Promise((r) => setTimeout(r, complete ? Math.max(10, SETTLE_MS - (Date.now() - st.mtimeMs)) : 5));
    }
  }

  private async applyAgent(entry: SpoolEntry): Promise<void> {
    const raw = await this.readPayload(entry);
    if (entry.agent !== 'claude') throw new PayloadError(`agent ${entry.agent} is not supported yet`);
    const ev = parseClaudePayload(raw, { event: entry.event.replace(/-[oe]$/, ''), ts: entry.ts });
    ev.atMs = entry.atMs;
    if (entry.event.endsWith('-o') && ev.toolName && EDIT_TOOLS.has(ev.toolName)) {
      // an edit tool matched the other-tools hook too: the edit-tools hook (with snapshots) records it
      this.events.add({ spoolKey: entry.key, sessionId: ev.sessionId, ts: ev.ts, agent: ev.agent, name: ev.name, tool: ev.toolName, note: 'duplicate of the edit-tools hook: skipped' });
      return;
    }
    if (fs.existsSync(entry.blobFile)) ev.snapshot = fs.readFileSync(entry.blobFile);
    const note = await this.applyEvent(ev);
    this.events.add({ spoolKey: entry.key, sessionId: ev.sessionId, ts: ev.ts, agent: ev.agent, name: ev.name, tool: ev.toolName, file: ev.filePath, note });
    if (note) this.log.info({ session: ev.sessionId, event: ev.name, note }, 'event noted');
  }

  /** Applies one event; returns a note when part of it was skipped. */
  async applyEvent(ev: HookEvent): Promise<string | undefined> {
    const top = await this.repos.top(ev.cwd ?? ev.projectDir ?? '');
    const s = this.sessions.ensure(ev.sessionId, { agent: ev.agent, startedAt: ev.ts, repo: top, cwd: ev.cwd });
    s.events++;
    if (!s.repo && top) s.repo = top;
    if (ev.transcriptPath) s.transcriptPath = ev.transcriptPath;
    if (ev.ts < s.startedAt) s.startedAt = ev.ts;
    if (ev.model && !s.model) s.model = ev.model;
    if (top && this.watchTrees) await this.shell.watch(top);
    const at = ev.atMs ?? Date.parse(ev.ts);
    const callKey = `${ev.sessionId}:${ev.toolUseId ?? ''}`;
    let note: string | undefined;
    switch (ev.name) {
      case 'UserPromptSubmit':
        s.prompts++;
        break;
      case 'PreToolUse':
        if (ev.toolName) s.tools[ev.toolName] = (s.tools[ev.toolName] ?? 0) + 1;
        if (ev.toolName && EDIT_TOOLS.has(ev.toolName)) {
          note = await this.beforeEdit(s, ev, top);
          const f = top ? this.resolveFile(ev, top) : undefined;
          if (top && f && 'rel' in f) this.shell.open(callKey, { top, session: ev.sessionId, start: at, rel: f.rel });
        } else if (top && ev.toolName === 'Bash') this.shell.open(callKey, { top, session: ev.sessionId, start: at });
        break;
      case 'PostToolUse':
      case 'PostToolUseFailure':
        if (ev.toolName && EDIT_TOOLS.has(ev.toolName)) {
          note = await this.afterEdit(s, ev, top);
          this.shell.closeEdit(callKey, at);
        } else if (top && ev.toolName === 'Bash') await this.afterShell(s, top, callKey, at);
        break;
      case 'Stop':
      case 'StopFailure':
        s.stops++;
        this.refreshTranscript(s);
        break;
      case 'SubagentStop':
        this.recordSubagent(s, ev);
        break;
      case 'SessionEnd':
        s.endedAt = ev.ts;
        this.refreshTranscript(s);
        break;
      case 'SessionStart':
        break;
      default:
        // an event ai-trace does not hook (a hand-written hook, a newer agent): counted, nothing else
        this.log.info({ session: ev.sessionId, event: ev.name }, 'event has no handler: recorded, otherwise ignored');
        break;
    }
    if (note && s.warnings.length < MAX_WARNINGS && !s.warnings.includes(note)) s.warnings.push(note);
    this.sessions.save(s);
    return note;
  }

  private resolveFile(ev: HookEvent, top: string | null): { rel: string } | { skip: string } {
    if (!ev.filePath) return { skip: `${ev.toolName} without a file path: skipped` };
    if (!top) return { skip: `${ev.filePath}: not in a git work tree: skipped` };
    const rel = this.repos.relative(top, ev.filePath);
    if (!rel) return { skip: `${ev.filePath}: outside the repository: skipped` };
    if (rel.split('/')[0] === '.git') return { skip: `${rel}: inside .git: skipped` };
    return { rel };
  }

  private async currentProvenance(top: string, rel: string, content: string[]): Promise<FileProvenance> {
    const known = this.provenance.get(top, rel);
    if (known) return observe(known, content);
    const [head] = await readObjects(top, [`HEAD:${rel}`]).catch(() => [null]);
    const committed = head && !isBinary(head) ? splitLines(head.toString('utf8')) : null;
    // committed lines an agent wrote stay the agent's (a later squash or amend must not make them base)
    const recorded = committed ? await this.attributor.inheritedLabels(top, 'HEAD', rel).catch(() => undefined) : undefined;
    return firstSight(committed, content, recorded && carryLabels(recorded.lines, recorded.labels, committed!, BASE));
  }

  private async beforeEdit(_s: SessionRecord, ev: HookEvent, top: string | null): Promise<string | undefined> {
    const f = this.resolveFile(ev, top);
    if ('skip' in f) return f.skip;
    const before = ev.snapshot ?? null;
    if (before && isBinary(before)) return `${f.rel}: binary file: line attribution skipped`;
    const prov = await this.currentProvenance(top!, f.rel, before ? splitLines(before.toString('utf8')) : []);
    this.provenance.put(top!, f.rel, prov);
    return undefined;
  }

  private async afterEdit(s: SessionRecord, ev: HookEvent, top: string | null): Promise<string | undefined> {
    const f = this.resolveFile(ev, top);
    if ('skip' in f) return f.skip;
    let after = ev.snapshot;
    if (after === undefined) after = fs.existsSync(ev.filePath!) ? fs.readFileSync(ev.filePath!) : null;
    if (after && isBinary(after)) return `${f.rel}: binary file: line attribution skipped`;
    let prov = this.provenance.get(top!, f.rel);
    if (!prov) {
      // no before-snapshot reached us: fall back to the agent's own record of the file
      const original = typeof ev.originalFile === 'string' ? splitLines(ev.originalFile) : [];
      prov = await this.currentProvenance(top!, f.rel, original);
    }
    const afterLines = after ? splitLines(after.toString('utf8')) : [];
    const sessionKey = ev.sessionId;
    this.provenance.put(top!, f.rel, agentEdit(prov, afterLines, sessionKey));
    if (!s.filesTouched.includes(f.rel)) s.filesTouched.push(f.rel);
    const gd = await this.repos.gitDir(top!);
    if (gd) {
      touchMarker(gd, MARKERS.aiPending);
      touchMarker(gd, MARKERS.traced);
    }
    return undefined;
  }

  /** Reads whatever the transcript gained since the last event and stores it. */
  refreshSession(s: SessionRecord): void {
    this.refreshTranscript(s);
    this.sessions.save(s);
  }

  /** Files the agent changed through a Bash call: each gets the agent's lines, moves keep their labels. */
  private async afterShell(s: SessionRecord, top: string, callKey: string, at: number): Promise<void> {
    const changes = await this.shell.closeBash(callKey, at, s.id);
    for (const c of changes) {
      if (c.prov === null) this.provenance.delete(top, c.rel);
      else {
        this.provenance.put(top, c.rel, c.prov);
        if (!s.filesTouched.includes(c.rel)) s.filesTouched.push(c.rel);
      }
    }
    if (changes.length === 0) return;
    const gd = await this.repos.gitDir(top);
    if (gd) {
      touchMarker(gd, MARKERS.aiPending);
      touchMarker(gd, MARKERS.traced);
    }
  }

  private refreshTranscript(s: SessionRecord): void {
    if (!s.transcriptPath) return;
    const state = readTranscript(s.transcriptPath, (s.transcriptState as TranscriptState | null) ?? emptyTranscriptState());
    s.transcriptState = state;
    const sum = summarizeTranscript(state);
    if (sum.version) s.agentVersion = sum.version;
    if (sum.slug) s.slug = sum.slug;
    if (sum.primaryModel) s.model = sum.primaryModel;
  }

  private recordSubagent(s: SessionRecord, ev: HookEvent): void {
    if (!ev.subagent) return;
    const sub = ev.subagent.transcriptPath ? readSubagent(ev.subagent.transcriptPath) : undefined;
    const rec = {
      id: ev.subagent.id,
      ...(ev.subagent.type ?? sub?.type ? { type: ev.subagent.type ?? sub?.type } : {}),
      ...(sub?.description ? { description: sub.description } : {}),
      ...(sub ? { tokens: sub.tokens } : {}),
    };
    const i = s.subagents.findIndex((x) => x.id === rec.id);
    if (i >= 0) s.subagents[i] = rec;
    else s.subagents.push(rec);
  }

  private async applyGit(entry: SpoolEntry): Promise<void> {
    const ev = parseGitSpool(await this.readGitSpool(entry));
    // let git finish sending the push before building, signing and delivering compete with it for the
    // CPU; the event stays in the spool meanwhile, so a stop here loses nothing
    const wait = ev.hook === 'pre-push' ? PUSH_SETTLE_MS - (Date.now() - entry.atMs) : 0;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    let note: string | undefined;
    if (ev.hook === 'post-commit') {
      const head = ev.args.find((a) => a.startsWith('head='))?.slice(5);
      if (!head) throw new Error('post-commit event without HEAD');
      const r = await this.recordCommit(ev.repo, head, await pickSources(this, ev.repo, head));
      note = `commit ${head.slice(0, 12)}: ${r.sessions.length} session(s)`;
    } else if (ev.hook === 'post-rewrite') {
      const n = await applyRewrite(this, ev.repo, ev.args[0] ?? 'amend', ev.stdin);
      note = `${ev.args[0]}: ${n} commit(s) re-attributed`;
    } else if (COMMIT_REQUEST_HOOKS.has(ev.hook)) {
      note = await answerCommitRequest(this, ev, entry);
    }
    if (this.pushSink) await this.pushSink.onGitEvent(ev);
    this.events.add({ spoolKey: entry.key, repo: ev.repo, ts: entry.ts, agent: 'git', name: ev.hook, note });
  }

  /**
   * A git hook's spool file, once the shim has written its end line; one without it is taken as it is
   * once nothing has written to it for SETTLE_MS (a hook that was killed, or written by an older shim).
   */
  private async readGitSpool(entry: SpoolEntry): Promise<string> {
    for (;;) {
      const text = fs.readFileSync(entry.file, 'utf8');
      const idle = Date.now() - fs.statSync(entry.file).mtimeMs;
      if (gitSpoolComplete(text) || idle >= SETTLE_MS) return text;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Attributes and stores a commit, then updates the hooks' markers for its repository. */
  async recordCommit(repo: string, sha: string, extra?: Parameters<CommitAttributor['recordCommit']>[2]) {
    const r = await this.attributor.recordCommit(repo, sha, extra);
    const gd = await this.repos.gitDir(repo);
    if (gd) {
      if (r.sessions.length > 0) touchMarker(gd, MARKERS.unpushed);
      if (this.attributor.pendingSessions(repo).length === 0) this.settledRepos.set(repo, gd);
    }
    return r;
  }

  /**
   * Drops the `ai-pending` marker of repositories whose agent lines are all committed — only once the
   * spool is empty, and put back if an event arrived meanwhile: a shim writes its event before it
   * touches the marker, so an edit the daemon has not read yet can never lose its marker.
   */
  private settleMarkers(): void {
    for (const [repo, gd] of this.settledRepos) {
      if (this.attributor.pendingSessions(repo).length === 0) {
        clearMarker(gd, MARKERS.aiPending);
        if (listSpool(this.paths).length > 0) touchMarker(gd, MARKERS.aiPending);
      }
    }
    this.settledRepos.clear();
  }
}
