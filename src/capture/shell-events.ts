import type { SessionRecord } from '../store/sessions.js';
import { markAiPending } from './markers.js';
import type { ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';

/** `shell.after`: files the agent changed through its shell each get the agent's lines; moves keep their labels. */
export async function afterShell(
  deps: Pick<CaptureState, 'provenance' | 'repos'>, shell: ShellTracker, s: SessionRecord, top: string, callKey: string, at: number,
): Promise<void> {
  const changes = await shell.closeBash(callKey, at, s.id);
  for (const c of changes) {
    if (c.prov === null) deps.provenance.delete(top, c.rel);
    else {
      deps.provenance.put(top, c.rel, c.prov);
      if (!s.filesTouched.includes(c.rel)) s.filesTouched.push(c.rel);
    }
  }
  if (changes.length > 0) markAiPending(await deps.repos.gitDir(top));
}
