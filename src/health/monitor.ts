import type { SessionStore } from '../store/sessions.js';
import type { TracePaths } from '../paths.js';
import { deadLetterWarning, diskWarning, hookWarnings, type DiskState, type HealthWarning } from './checks.js';

const REPO_CHECK_MS = 5_000;

/** Extra checks the monitor runs (pushed commits without an attestation, commits without a trailer). */
export type WarningSource = (repo?: string) => Promise<HealthWarning[]> | HealthWarning[];

/**
 * What `trace status` warns about, gathered by the daemon: a full disk under TRACE_HOME (seen by
 * statfs or by a failed write), dead-lettered events, repositories whose git hooks no longer run
 * (checked at most every 5 s per repository), and whatever the other sources report.
 */
export class HealthMonitor {
  readonly disk: DiskState = {};
  private readonly repoChecks = new Map<string, { at: number; warnings: HealthWarning[] }>();
  readonly sources: WarningSource[] = [];

  constructor(
    private readonly paths: TracePaths,
    private readonly sessions: SessionStore,
  ) {}

  /** A write under TRACE_HOME failed for lack of space. */
  diskFull(error: string): void {
    this.disk.lastFull = { at: new Date().toISOString(), error };
  }

  /** Writes succeed again (a drain went through). */
  diskOk(): void {
    delete this.disk.lastFull;
  }

  /** `repo`: the asking command's repository, for sources that check one the daemon may not know. */
  async warnings(repo?: string): Promise<HealthWarning[]> {
    const out: HealthWarning[] = [];
    const disk = diskWarning(this.paths, this.disk);
    if (disk) out.push(disk);
    const dead = deadLetterWarning(this.paths);
    if (dead) out.push(dead);
    const repos = [...new Set(this.sessions.list(50).map((s) => s.repo).filter((r): r is string => !!r))];
    for (const repo of repos) {
      let c = this.repoChecks.get(repo);
      if (!c || Date.now() - c.at > REPO_CHECK_MS) {
        c = { at: Date.now(), warnings: await hookWarnings(repo).catch(() => []) };
        this.repoChecks.set(repo, c);
      }
      out.push(...c.warnings);
    }
    for (const source of this.sources) out.push(...(await Promise.resolve(source(repo)).catch(() => [])));
    return out;
  }
}
