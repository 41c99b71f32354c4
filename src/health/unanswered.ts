import type { UnansweredCommitStore } from '../store/unanswered.js';
import type { HealthWarning } from './checks.js';

/** Commits made while the daemon was busy past the commit's bound: no trailer, sessions attested at push. */
export function unansweredWarnings(store: Pick<UnansweredCommitStore, 'unpushed'>): HealthWarning[] {
  return store.unpushed().map((c) => ({
    code: 'NO_TRAILER',
    message: `commit ${c.sha.slice(0, 12)} (${c.repo}) was made while ${c.queued} events were queued; it carries no Chainloop-Trace-Sessions trailer: its session(s) ${c.sessions.join(', ')} are still attested at push`,
    fix: `nothing is lost: \`git push\` attests them; for the trailer as well, run \`git commit --amend --no-edit\` in ${c.repo} before pushing (with TRACE_COMMIT_WAIT=<seconds> a commit waits longer)`,
  }));
}
