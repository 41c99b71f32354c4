import type { CommitAttributor } from '../attribution/commit.js';
import type { CommitStore } from '../store/commits.js';
import type { ProvenanceStore } from '../store/provenance.js';
import type { SessionStore } from '../store/sessions.js';

/** What the read models read: the stores, and attribution of what is not committed yet. Each query picks the part it uses. */
export interface ReadModel {
  sessions: SessionStore;
  commits: CommitStore;
  provenance: ProvenanceStore;
  attributor: CommitAttributor;
}
