// A commit hook's question answered ahead of a backlog: the answer the daemon would give once every
// event queued before the question is applied, computed without applying them. Only edit events can
// change which sessions' lines are staged; those on the staged paths are replayed onto an in-memory
// copy of the provenance maps, the real maps stay untouched until the backlog reaches them in order.
import fs from 'node:fs';
import path from 'node:path';
import { CommitAttributor } from '../attribution/commit.js';
import type { FileProvenance } from '../attribution/provenance.js';
import { PayloadError, type AgentAdapter } from '../agents/adapter.js';
import type { TraceEvent } from '../agents/events.js';
import { adapterForShim } from '../agents/registry.js';
import { diffFiles, emptyTree } from '../git/diff.js';
import { consume, parseGitSpool, type GitSpoolEvent, type SpoolEntry } from '../spool/spool.js';
import type { DB } from '../store/db.js';
import { ProvenanceStore } from '../store/provenance.js';
import { answerCommitRequest, COMMIT_REQUEST_HOOKS, indexBase, isAmend, questionArgs } from './commit-answer.js';
import { afterEdit, beforeEdit, resolveFile, type EditDeps } from './edits.js';
import { agentEventName, attachSnapshot, readAgentPayload, readGitSpoolText, readSnapshot } from './payload.js';
import type { ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';

/** What answering ahead reads: the stores (never written but for the answer's event), the tree watchers. */
export interface AheadDeps {
  db: DB;
  state: Pick<CaptureState, 'commits' | 'events' | 'repos'>;
  shell: Pick<ShellTracker, 'watching' | 'window' | 'openShellStarts' | 'mayHaveChanged'>;
  adapters: readonly AgentAdapter[];
}

/**
 * Attribution as it will be once `queued` is applied, for the commit being made in `repo`; or what keeps
 * it from being known now: `blocker`, a queued event that changes more than edits can say (a shell
 * command that changed a staged file, another commit of the repository), to be applied in order first.
 */
export type Ahead =
  | { attributor: CommitAttributor; replayed: number }
  | { blocked: string; blocker?: SpoolEntry };

/** The edits queued before a commit in `top`, replayed onto a copy of the provenance maps. */
export async function simulateQueued(
  deps: AheadDeps, repo: string, queued: SpoolEntry[], commit: { indexFile?: string; gitCommand?: string },
): Promise<Ahead> {
  const { repos } = deps.state;
  const top = await repos.top(repo);
  if (!top) return { blocked: 'not a work tree' };
  // the session's first event starts the watcher, which takes in what changed before it: in order only
  if (!deps.shell.watching(top)) return { blocked: 'the work tree is not watched yet' };
  const edits: { entry: SpoolEntry; adapter: AgentAdapter; ev: TraceEvent; first: boolean }[] = [];
  // shell commands' windows: what a command changed is only known by closing its window in order, so
  // one that may have changed a staged file blocks (checked below, once the staged paths are known)
  const now = Date.now();
  const windows: { from: number; to: number; entry?: SpoolEntry }[] = deps.shell.openShellStarts(top).map((from) => ({ from, to: now }));
  const opened = new Map<string, { from: number; entry: SpoolEntry }>();
  for (const entry of queued) {
    if (!fs.existsSync(entry.file) || deps.state.events.seen(entry.key)) continue;
    if (entry.kind === 'git') {
      const g = await readGit(entry);
      if (g && !COMMIT_REQUEST_HOOKS.has(g.hook) && (await repos.top(g.repo)) === top) return { blocked: `a queued ${g.hook} of this repository`, blocker: entry };
      continue;
    }
    const adapter = adapterForShim(entry.agent, deps.adapters);
    if (!adapter) continue; // dead-lettered in order: changes nothing
    let events: TraceEvent[];
    try {
      const payload = await readAgentPayload(entry);
      events = adapter.parse({ event: agentEventName(entry), payload, ts: entry.ts, atMs: entry.atMs });
    } catch (err) {
      if (err instanceof PayloadError) continue; // dead-lettered in order as well
      return { blocked: `unreadable queued event: ${(err as Error).message}`, blocker: entry };
    }
    for (const [i, ev] of events.entries()) {
      if ((await repos.top(ev.cwd ?? ev.projectDir ?? '')) !== top) continue;
      const call = `${ev.sessionId}:${ev.toolUseId ?? ''}`;
      if (ev.name === 'shell.before') opened.set(call, { from: ev.atMs ?? entry.atMs, entry });
      else if (ev.name === 'shell.after') {
        const from = opened.get(call)?.from ?? deps.shell.window(call)?.start;
        if (from === undefined) return { blocked: `a queued shell command of session ${ev.sessionId} whose start is unknown`, blocker: entry };
        opened.delete(call);
        windows.push({ from, to: ev.atMs ?? entry.atMs, entry });
      }
      // an edit tool matched by the other-tools hook as well is a duplicate the recorder skips
      if (ev.name.startsWith('edit.') && !entry.event.endsWith('-o')) edits.push({ entry, adapter, ev, first: i === 0 });
    }
  }
  for (const { from, entry } of opened.values()) windows.push({ from, to: now, entry }); // still running
  const overlay = new ProvenanceOverlay(deps.db);
  const attributor = new CommitAttributor(overlay, deps.state.commits);
  if (edits.length === 0 && windows.length === 0) return { attributor, replayed: 0 };
  // which paths the commit carries: a new file may be an agent's file moved by hand, found by content
  // among every map, so then every queued edit (and every shell change) counts
  const indexFile = commit.indexFile ? path.resolve(repo, commit.indexFile) : undefined;
  const base = (await indexBase(top, isAmend(commit.gitCommand))) || (await emptyTree(top));
  const diffs = await diffFiles(top, base, { index: true, indexFile });
  const staged = new Set(diffs.flatMap((d) => [d.path, d.oldPath]));
  const all = diffs.some((d) => d.status === 'created');
  for (const w of windows) {
    if (deps.shell.mayHaveChanged(top, all ? null : staged, w.from, w.to)) return { blocked: 'a shell command may have changed a staged file', ...(w.entry ? { blocker: w.entry } : {}) };
  }
  const editDeps: EditDeps = { provenance: overlay, attributor, repos };
  let replayed = 0;
  for (const { entry, adapter, ev, first } of edits) {
    const files = (ev.files ?? []).filter((f) => {
      const r = resolveFile(editDeps, top, f, ev.toolName);
      return 'rel' in r && (all || staged.has(r.rel));
    });
    if (files.length === 0) continue;
    if (first) attachSnapshot(ev, readSnapshot(entry));
    ev.atMs ??= entry.atMs;
    const session = { filesTouched: [] as string[] };
    for (const file of files) {
      if (ev.name === 'edit.before') await beforeEdit(editDeps, adapter, ev, top, file);
      else await afterEdit(editDeps, adapter, session, ev, top, file);
    }
    replayed++;
  }
  return { attributor, replayed };
}

/**
 * Answers a commit hook's question (`question`, behind `queued` in the spool) now, as it would be
 * answered once they are applied; the question is then consumed (its event row says so). Returns why
 * not when the backlog must reach it first.
 */
export async function answerQuestionAhead(
  deps: AheadDeps, question: SpoolEntry, queued: SpoolEntry[],
): Promise<{ note: string } | { blocked: string; blocker?: SpoolEntry }> {
  const ev = await readGit(question);
  if (!ev || !fs.existsSync(question.file)) return { blocked: 'withdrawn' };
  const { indexFile, gitCommand } = questionArgs(ev);
  const sim = await simulateQueued(deps, ev.repo, queued, { indexFile, gitCommand });
  if ('blocked' in sim) return sim;
  const answered = await answerCommitRequest({ commits: deps.state.commits, attributor: sim.attributor, repos: deps.state.repos }, ev, question);
  const note = `${answered}; answered ahead of ${queued.length} queued event(s), ${sim.replayed} edit(s) replayed`;
  deps.state.events.add({ spoolKey: question.key, repo: ev.repo, ts: question.ts, agent: 'git', name: ev.hook, note });
  consume(question);
  return { note };
}

async function readGit(entry: SpoolEntry): Promise<GitSpoolEvent | null> {
  try {
    return parseGitSpool(await readGitSpoolText(entry));
  } catch {
    return null; // gone or unreadable: dead-lettered in order, changes nothing
  }
}

/** The provenance maps with writes kept in memory: what-if replays read the real maps and change none. */
class ProvenanceOverlay extends ProvenanceStore {
  private readonly changed = new Map<string, FileProvenance | null>();

  override get(repo: string, path: string): FileProvenance | undefined {
    const k = `${repo}\0${path}`;
    return this.changed.has(k) ? (this.changed.get(k) ?? undefined) : super.get(repo, path);
  }

  override put(repo: string, path: string, prov: FileProvenance): void {
    this.changed.set(`${repo}\0${path}`, prov);
  }

  override delete(repo: string, path: string): void {
    this.changed.set(`${repo}\0${path}`, null);
  }

  override paths(repo: string): string[] {
    const out = new Set(super.paths(repo));
    for (const [k, v] of this.changed) {
      const [r, p] = k.split('\0') as [string, string];
      if (r !== repo) continue;
      if (v) out.add(p);
      else out.delete(p);
    }
    return [...out];
  }
}
