import type { CommitAttributor } from '../attribution/commit.js';
import type { CommitStore } from '../store/commits.js';
import type { EventStore } from '../store/events.js';
import type { ProvenanceStore } from '../store/provenance.js';
import type { SessionStore } from '../store/sessions.js';
import type { UnansweredCommitStore } from '../store/unanswered.js';
import type { RepoCache } from './repo-cache.js';

/** The stores and caches the capture modules share; the Recorder owns them and passes each module what it uses. */
export interface CaptureState {
  readonly sessions: SessionStore;
  readonly provenance: ProvenanceStore;
  readonly commits: CommitStore;
  readonly events: EventStore;
  readonly attributor: CommitAttributor;
  readonly repos: RepoCache;
  /** Commits made without the daemon's trailer answer (see git-events.ts). */
  readonly unanswered: UnansweredCommitStore;
}
