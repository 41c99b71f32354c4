import { MAX_SESSION_WARNINGS, type SessionRecord } from '../store/sessions.js';
import { markAiPending } from './markers.js';
import type { ShellChange, ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';

type ShellDeps = Pick<CaptureState, 'provenance' | 'repos'>;

/** Files an agent changed through its shell each get the agent's lines; moves keep their labels. True when any did. */
function applyShellChanges(deps: ShellDeps, s: SessionRecord, top: string, changes: ShellChange[]): boolean {
  for (const c of changes) {
    if (c.prov === null) deps.provenance.delete(top, c.rel);
    else {
      deps.provenance.put(top, c.rel, c.prov);
      if (!s.filesTouched.includes(c.rel)) s.filesTouched.push(c.rel);
    }
  }
  return changes.length > 0;
}

/** `shell.after`: what the command changed is the session's. */
export async function afterShell(deps: ShellDeps, shell: ShellTracker, s: SessionRecord, top: string, callKey: string, at: number): Promise<void> {
  if (applyShellChanges(deps, s, top, await shell.closeBash(callKey, at, s.id))) markAiPending(await deps.repos.gitDir(top));
}

/**
 * A commit is being made while shell commands still run in `top` (`git commit` inside a Bash call, or
 * under `trace run`): what they changed so far becomes their sessions' before the commit is attributed.
 */
export async function checkpointShells(deps: ShellDeps & Pick<CaptureState, 'sessions'>, shell: ShellTracker, top: string, at: number): Promise<void> {
  if (shell.openShellWindows(top) === 0) return;
  for (const { session, changes } of await shell.checkpoint(top, at)) {
    const s = deps.sessions.get(session);
    if (s && applyShellChanges(deps, s, top, changes)) deps.sessions.save(s);
  }
}

/**
 * After a commit in `top`: files it holds that changed while the work tree was not watched (the daemon
 * was down) and inside no recorded tool call are labelled human, though the truth cannot be known. The
 * commit's sessions, and those active in the tree meanwhile, say so in their `warnings` (and so in
 * their CHAINLOOP_AI_CODING_SESSION material).
 */
export function warnBlindChanges(deps: Pick<CaptureState, 'sessions'>, shell: ShellTracker, top: string, commitSessions: readonly string[], paths: readonly string[]): string | undefined {
  const blind = shell.takeBlind(top, paths);
  if (!blind) return undefined;
  const note = `${blind.files.join(', ')} changed while ai-trace was not watching the work tree (the daemon was down or behind, ${new Date(blind.from).toISOString()} to ${new Date(blind.to).toISOString()}) and inside no recorded tool call: labelled human, though an agent may have made the change`;
  const active = deps.sessions.list(100).filter((s) => s.repo === top && Date.parse(s.startedAt) <= blind.to && (!s.endedAt || Date.parse(s.endedAt) >= blind.from));
  const ids = new Set([...commitSessions, ...active.map((s) => s.id)]);
  for (const id of ids) {
    const s = deps.sessions.get(id);
    if (!s || s.warnings.includes(note) || s.warnings.length >= MAX_SESSION_WARNINGS) continue;
    s.warnings.push(note);
    deps.sessions.save(s);
  }
  return note;
}
