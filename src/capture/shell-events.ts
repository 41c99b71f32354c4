import type { SessionRecord } from '../store/sessions.js';
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
