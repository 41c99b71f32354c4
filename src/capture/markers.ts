import fs from 'node:fs';
import { repoStatePaths, type RepoMarker } from '../paths.js';

/** Marker files in `<git-common-dir>/chainloop-trace/` that let the git hooks skip all work. */
export const MARKERS = { aiPending: 'ai-pending', unpushed: 'unpushed', traced: 'traced' } as const satisfies Record<string, RepoMarker>;

/** Creates a marker, only where `trace init` made the repository's state folder. */
export function touchMarker(gitDir: string, name: RepoMarker): void {
  const state = repoStatePaths(gitDir);
  if (fs.existsSync(state.dir)) fs.writeFileSync(state.marker(name), '');
}

/** Removes a marker. */
export function clearMarker(gitDir: string, name: RepoMarker): void {
  fs.rmSync(repoStatePaths(gitDir).marker(name), { force: true });
}

/** Marks a repository as holding uncommitted agent lines (the commit hooks will ask the daemon). */
export function markAiPending(gitDir: string | null): void {
  if (!gitDir) return;
  touchMarker(gitDir, MARKERS.aiPending);
  touchMarker(gitDir, MARKERS.traced);
}

/**
 * Drops the `ai-pending` marker of repositories whose agent lines are all committed — only once the
 * spool is empty, and put back if an event arrived meanwhile: a shim writes its event before it
 * touches the marker, so an edit the daemon has not read yet can never lose its marker.
 */
export class MarkerSettler {
  private readonly settled = new Map<string, string>();

  constructor(
    private readonly pending: (repo: string) => number,
    private readonly spoolEmpty: () => boolean,
  ) {}

  /** A commit of `repo` may have committed its last agent lines. */
  committed(repo: string, gitDir: string): void {
    if (this.pending(repo) === 0) this.settled.set(repo, gitDir);
  }

  /** Called once a drain has emptied the spool. */
  settle(): void {
    for (const [repo, gd] of this.settled) {
      if (this.pending(repo) === 0) {
        clearMarker(gd, MARKERS.aiPending);
        if (!this.spoolEmpty()) touchMarker(gd, MARKERS.aiPending);
      }
    }
    this.settled.clear();
  }
}
