import { trailerSessions, type ExtraSources } from '../attribution/commit.js';
import { applyRewrite } from '../attribution/rewrites/amend-rebase.js';
import { pickSources } from '../attribution/rewrites/pick-revert.js';
import { parseGitSpool, type GitSpoolEvent, type SpoolEntry } from '../spool/spool.js';
import { answerCommitRequest, COMMIT_REQUEST_HOOKS } from './commit-answer.js';
import { MARKERS, touchMarker, type MarkerSettler } from './markers.js';
import { readGitSpoolText } from './payload.js';
import type { CaptureState } from './state.js';

const PUSH_SETTLE_MS = 300;

/** Something that consumes git events after the core has applied them (the push queue). */
export interface GitEventSink {
  onGitEvent(ev: GitSpoolEvent): Promise<void>;
}

/** What the git side of capture needs. */
export interface GitEventDeps {
  state: Pick<CaptureState, 'commits' | 'attributor' | 'repos'> & Partial<Pick<CaptureState, 'unanswered'>>;
  markers: MarkerSettler;
  pushSink: () => GitEventSink | null;
  /** Before a commit is asked about or recorded: lets shell commands still running there hand in their changes. */
  beforeCommit?: (repo: string, at: number) => Promise<void>;
  /** After a commit is recorded: what it holds that nothing could attribute for sure (a note, or none). */
  afterCommit?: (repo: string, sessions: string[], paths: string[]) => Promise<string | undefined>;
  /** Before a push is attested: commits whose events the spool could not take are recorded first. */
  beforePush?: (repo: string) => Promise<void>;
}

/** Attributes and stores a commit, then updates the hooks' markers for its repository. */
export async function recordCommit(deps: Omit<GitEventDeps, 'pushSink'>, repo: string, sha: string, extra?: ExtraSources) {
  const r = await deps.state.attributor.recordCommit(repo, sha, extra);
  const gd = await deps.state.repos.gitDir(repo);
  if (gd) {
    if (r.sessions.length > 0) touchMarker(gd, MARKERS.unpushed);
    deps.markers.committed(repo, gd);
  }
  return r;
}

/** Applies one git hook's spool file: a commit, a rewrite, a commit hook's question; then hands it to the push side. */
export async function applyGitEvent(deps: GitEventDeps, entry: SpoolEntry): Promise<{ ev: GitSpoolEvent; note?: string }> {
  const ev = parseGitSpool(await readGitSpoolText(entry));
  // let git finish sending the push before building, signing and delivering compete with it for the
  // CPU; the event stays in the spool meanwhile, so a stop here loses nothing
  const wait = ev.hook === 'pre-push' ? PUSH_SETTLE_MS - (Date.now() - entry.atMs) : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const record = (repo: string, sha: string, extra?: ExtraSources) => recordCommit(deps, repo, sha, extra);
  let note: string | undefined;
  if (deps.beforeCommit && (ev.hook === 'post-commit' || COMMIT_REQUEST_HOOKS.has(ev.hook))) await deps.beforeCommit(ev.repo, entry.atMs);
  if (ev.hook === 'post-commit') {
    const head = ev.args.find((a) => a.startsWith('head='))?.slice(5);
    if (!head) throw new Error('post-commit event without HEAD');
    const r = await record(ev.repo, head, await pickSources(deps.state, ev.repo, head));
    note = `commit ${head.slice(0, 12)}: ${r.sessions.length} session(s)`;
    const unsure = await deps.afterCommit?.(ev.repo, r.sessions, r.codeChanges.files.map((f) => f.path));
    if (unsure) note += `; ${unsure}`;
    const unanswered = ev.args.find((a) => a.startsWith('unanswered='))?.slice(11);
    if (unanswered !== undefined) note += await noteUnanswered(deps, ev.repo, head, r.sessions, Number(unanswered) || 0);
  } else if (ev.hook === 'post-rewrite') {
    const n = await applyRewrite({ commits: deps.state.commits, recordCommit: record }, ev.repo, ev.args[0] ?? 'amend', ev.stdin);
    note = `${ev.args[0]}: ${n} commit(s) re-attributed`;
  } else if (COMMIT_REQUEST_HOOKS.has(ev.hook)) {
    note = await answerCommitRequest(deps.state, ev, entry);
  }
  const sink = deps.pushSink();
  if (sink && ev.hook === 'pre-push') await deps.beforePush?.(ev.repo);
  if (sink) await sink.onGitEvent(ev);
  return { ev, note };
}

/**
 * A commit whose hook gave up waiting for the daemon (busy past TRACE_COMMIT_WAIT with `queued` events):
 * the sessions its message does not name are kept for `trace status` until a push attests them.
 */
async function noteUnanswered(deps: GitEventDeps, repo: string, sha: string, sessions: string[], queued: number): Promise<string> {
  const named = new Set(await trailerSessions(repo, sha));
  const missing = sessions.filter((s) => !named.has(s));
  if (missing.length === 0) return '; made without the answer, no session missing from its message';
  deps.state.unanswered?.add({ repo, sha, queued, sessions: missing, createdAt: new Date().toISOString() });
  return `; made while ${queued} events were queued, without the trailer for ${missing.join(', ')}`;
}
