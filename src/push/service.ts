import type { UnattestedRetry } from '../protocol/types.js';
import { SignalStore } from '../store/signals.js';
import { refreshShimSettingsLogged } from '../config/shim-settings.js';
import { clearMarker, MARKERS } from '../capture/markers.js';
import type { RepoCache } from '../capture/repo-cache.js';
import { retryPolicyFromEnv } from '../deliver/backoff.js';
import { planDestinations, tokenEnvNames, type PushTokens } from '../deliver/plan.js';
import { DeliveryQueue, type Job } from '../deliver/queue.js';
import { DeliveryWorker, resolveWithEnv } from '../deliver/worker.js';
import { git } from '../git/run.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { DB } from '../store/db.js';
import type { ReadModel } from '../query/deps.js';
import { orderByAncestry } from '../git/topo.js';
import { PushFailureStore } from '../store/push-failures.js';
import { commitsInPush, parsePrePush, tracedCommitsInPush, unattestedTraced, type PrePushLine } from './commits.js';
import { findUnattested, reposWithUnattested, type UnattestedCommit } from './unattested.js';

/** What one pre-push produced. */
export interface PushResult {
  pushId: number | null;
  commits: string[];
  digest?: string;
  jobs: Job[];
  /** Set when the repository's policy gates refused the push: one line per violation; nothing was queued. */
  blocked?: string[];
}

/** What an enforced push waits for: every job delivered, dead-lettered, or failed its first attempt. */
export interface EnforcedResult extends PushResult {
  ok: boolean;
  reason?: string;
}

/** Turns pushes into signed attestations and durable delivery jobs, and runs the delivery worker. */
export class PushService {
  readonly queue: DeliveryQueue;
  readonly worker: DeliveryWorker;
  private readonly failures: PushFailureStore;

  constructor(
    private readonly db: DB,
    private readonly recorder: Pick<ReadModel, 'commits' | 'sessions'> & { repos: RepoCache },
    private readonly paths: TracePaths,
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.queue = new DeliveryQueue(db);
    this.failures = new PushFailureStore(db);
    this.worker = new DeliveryWorker({ queue: this.queue, policy: retryPolicyFromEnv(env), resolveDestination: resolveWithEnv(env), logger: log });
  }

  /**
   * Handles a pre-push: nothing when the push carries no traced commit. `tokens` are the values of the
   * destinations' `tokenEnv` variables in the pusher's environment, kept with the jobs.
   */
  async prePush(repo: string, remote: string, url: string, stdin: string, tokens: PushTokens = {}): Promise<PushResult> {
    const lines = parsePrePush(stdin);
    // the git hook's settings file follows the configs this push is attested from (config/shim-settings.ts)
    refreshShimSettingsLogged(repo, await this.recorder.repos.gitDir(repo).catch(() => null), this.paths.home, this.log);
    const commits = await tracedCommitsInPush(this.db, repo, remote, lines);
    if (commits.length === 0) {
      // the hooks set the marker eagerly (post-commit, post-rewrite); drop it when nothing is left to attest
      const gd = await this.recorder.repos.gitDir(repo);
      if (gd && nothingPending(this.db, repo)) clearMarker(gd, MARKERS.unpushed);
      return { pushId: null, commits, jobs: [] };
    }
    const pushed = lines.find((l) => !/^0+$/.test(l.localSha));
    const tip = pushed ? { sha: pushed.localSha, ref: pushed.localRef } : undefined;
    return this.attest({ repo, remote, url, commits, refs: lines, tokens, ...(tip ? { tip } : {}) });
  }

  /**
   * Signs one attestation covering `commits` and queues it for the configured destinations. A failure
   * (a bad `.chainloop.yml`, a signing error, policy gates that block it) is recorded with the commits,
   * so those that reach the remote anyway are reported with their reason (`unattested.ts`).
   */
  private async attest(p: { repo: string; remote: string; url: string; commits: string[]; refs: PrePushLine[]; tokens: PushTokens; tip?: { sha: string; ref: string } }): Promise<PushResult> {
    const { repo, remote, commits } = p;
    let att: Awaited<ReturnType<typeof import('./attestation.js').buildPushAttestation>>;
    let queued: { pushId: number; remoteUrl: string };
    try {
      const [{ loadRepoConfig }, { loadUserConfig }] = await Promise.all([import('../config/chainloop.js'), import('../config/user.js')]);
      const config = loadRepoConfig(repo);
      const rawDestinations = config?.destinations ?? loadUserConfig(this.paths.home).destinations;
      const remoteUrl = p.url || (await git(repo, ['remote', 'get-url', remote], { allowFailure: true })).trim();
      const { buildPushAttestation } = await import('./attestation.js'); // signing stack: loaded on first push
      att = await buildPushAttestation(this.recorder, { repo, remoteUrl, commits, config, keyDir: this.paths.keyDir, ...(p.tip ? { tip: p.tip } : {}), signals: new SignalStore(this.db) });
      if ('blocked' in att) {
        this.log.warn({ repo, remote, commits: commits.length, blocked: att.blocked }, 'push blocked by policy gates');
        this.failures.record(repo, remote, commits, `the AI policy gates blocked it (${att.blocked.join('; ')})`);
        return { pushId: null, commits, jobs: [], blocked: att.blocked };
      }
      const { pushId } = this.queue.enqueuePush({
        repo,
        remote,
        remoteUrl,
        refs: p.refs,
        commits,
        bundleJson: att.bundleJson,
        digest: att.digest,
        publicKeyPem: att.key.publicKeyPem,
        keyFingerprint: att.key.fingerprint,
        destinations: planDestinations(rawDestinations, remote, p.tokens),
      });
      queued = { pushId, remoteUrl };
    } catch (err) {
      try {
        this.failures.record(repo, remote, commits, (err instanceof Error ? err.message : String(err)).split('\n')[0]!);
      } catch {
        /* the database cannot take it (a full disk): the event waits in the spool and is tried again */
      }
      throw err;
    }
    const { pushId } = queued;
    this.log.info({ repo, remote, pushId, commits: commits.length, sessions: att.sessions, missing: att.missingSessions }, 'push queued');
    const gd = await this.recorder.repos.gitDir(repo);
    if (gd && nothingPending(this.db, repo)) clearMarker(gd, MARKERS.unpushed);
    this.worker.kick();
    return { pushId, commits, digest: att.digest, jobs: this.queue.jobsForPush(pushId) };
  }

  /**
   * `trace push --retry`: attests the traced commits that reached a remote without an attestation
   * (`git push --no-verify`, a pre-push that failed): one attestation per repository and remote, queued
   * for the configured destinations. A cause still there (a bad config) is reported, not thrown.
   */
  async attestUnattested(tokens: PushTokens = {}): Promise<UnattestedRetry[]> {
    const out: UnattestedRetry[] = [];
    for (const repo of reposWithUnattested(this.db)) {
      const byRemote = new Map<string, string[]>();
      for (const c of await findUnattested(this.db, repo)) byRemote.set(c.remote, [...(byRemote.get(c.remote) ?? []), c.sha]);
      for (const [remote, shas] of byRemote) {
        const commits = await orderByAncestry(repo, shas);
        try {
          const r = await this.attest({ repo, remote, url: '', commits, refs: [], tokens });
          if (r.blocked) out.push({ repo, remote, commits, error: gateReason(r.blocked) });
          else out.push({ repo, remote, commits, pushId: r.pushId!, jobs: r.jobs.length });
        } catch (err) {
          out.push({ repo, remote, commits, error: (err as Error).message });
        }
      }
    }
    return out;
  }

  /** The tokenEnv names the destinations of repositories with unattested traced commits read (bad configs skipped). */
  async unattestedTokenEnvNames(): Promise<string[]> {
    const repos = reposWithUnattested(this.db);
    if (repos.length === 0) return [];
    const [{ loadRepoConfig }, { loadUserConfig }] = await Promise.all([import('../config/chainloop.js'), import('../config/user.js')]);
    const raws: unknown[] = [];
    for (const load of [...repos.map((r) => () => loadRepoConfig(r)), () => loadUserConfig(this.paths.home)]) {
      try {
        raws.push(load()?.destinations);
      } catch {
        /* reported when the retry attests */
      }
    }
    return tokenEnvNames(...raws);
  }

  /** Why `commit` (a prefix) has no attestation, when it is a traced commit that reached a remote without one. */
  async whyUnattested(commit: string): Promise<UnattestedCommit | undefined> {
    const prefix = commit.toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(prefix)) return undefined;
    const row = this.db.prepare(`SELECT repo, sha FROM commits WHERE sha >= ? AND sha < ? AND sessions != '[]' LIMIT 1`).get(prefix, `${prefix}g`) as { repo: string; sha: string } | undefined;
    if (!row) return undefined;
    return (await findUnattested(this.db, row.repo)).find((c) => c.sha === row.sha);
  }

  /**
   * requireTrace: true — queue, then wait for every destination's first verdict. Commits of this push
   * that an earlier push attested but did not deliver (say, a push this hook blocked) block it again:
   * their jobs are retried now and waited for like new ones.
   */
  async prePushEnforced(repo: string, remote: string, url: string, stdin: string, timeoutMs: number, tokens: PushTokens = {}): Promise<EnforcedResult> {
    const r = await this.prePush(repo, remote, url, stdin, tokens);
    if (r.blocked) return { ...r, ok: false, reason: gateReason(r.blocked) };
    const earlier = await this.undeliveredJobsFor(repo, remote, stdin, r.pushId);
    if (r.pushId === null && earlier.length === 0) return { ...r, ok: true };
    // attempts already made before this push: only a later attempt is this push's verdict
    const before = new Map<number, number>();
    for (const j of r.pushId === null ? [] : this.queue.jobsForPush(r.pushId)) before.set(j.id, 0);
    for (const j of earlier) before.set(j.id, j.state === 'delivering' ? j.attempts - 1 : j.attempts);
    for (const j of earlier) {
      if (j.state === 'delivering') continue;
      this.queue.refreshTokens(j.id, tokens);
      this.queue.retry(j.id);
    }
    if (earlier.length) this.worker.kick();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const jobs = [...before.keys()].map((id) => this.queue.getJob(id)).filter((j): j is Job => j !== undefined);
      const verdicts = jobs.every((j) => j.state === 'delivered' || j.state === 'failed' || (j.state === 'queued' && j.attempts > before.get(j.id)!));
      if (verdicts || Date.now() > deadline) {
        const bad = jobs.find((j) => j.state !== 'delivered');
        if (!bad) return { ...r, jobs, ok: true };
        return { ...r, jobs, ok: false, reason: explain(bad, verdicts) };
      }
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  /** Jobs not delivered (yet) of earlier pushes to `remote` that attested commits this push carries. */
  private async undeliveredJobsFor(repo: string, remote: string, stdin: string, exceptPushId: number | null): Promise<Job[]> {
    const pending = (
      this.db
        .prepare(
          `SELECT DISTINCT p.id, p.commits FROM pushes p JOIN delivery_jobs j ON j.push_id = p.id
            WHERE p.repo = ? AND p.remote = ? AND j.state != 'delivered'`,
        )
        .all(repo, remote) as { id: number; commits: string }[]
    ).filter((p) => p.id !== exceptPushId);
    if (pending.length === 0) return [];
    const commitsOf = new Map(pending.map((p) => [p.id, JSON.parse(p.commits) as string[]]));
    const carried = new Set(await commitsInPush(repo, [...new Set([...commitsOf.values()].flat())], parsePrePush(stdin)));
    return pending
      .filter((p) => commitsOf.get(p.id)!.some((c) => carried.has(c)))
      .flatMap((p) => this.queue.jobsForPush(p.id))
      .filter((j) => j.state !== 'delivered');
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }
}

/**
 * True when the pre-push hook has nothing to do for the repository: every traced commit is attested by
 * some push, and every delivery job is delivered (an undelivered one must still block an enforced push).
 */
function nothingPending(db: DB, repo: string): boolean {
  const undelivered = db
    .prepare(`SELECT 1 FROM delivery_jobs j JOIN pushes p ON p.id = j.push_id WHERE p.repo = ? AND j.state != 'delivered' LIMIT 1`)
    .get(repo);
  if (undelivered) return false;
  return unattestedTraced(db, repo).length === 0;
}

/** Policy gates (policies.gates): build the attestation and evaluate them; wait for nothing else. */
export async function prePushGated(service: PushService, repo: string, remote: string, url: string, stdin: string, tokens: PushTokens = {}): Promise<EnforcedResult> {
  const r = await service.prePush(repo, remote, url, stdin, tokens);
  return r.blocked ? { ...r, ok: false, reason: gateReason(r.blocked) } : { ...r, ok: true };
}

/** The gates' violations as the push's failure message: each on its line, then what to do. */
function gateReason(blocked: string[]): string {
  return `AI policy gate${blocked.length === 1 ? '' : 's'} failed:\n${blocked.map((b) => `  - ${b}`).join('\n')}\nFix the commits (or the session's work) so they comply, or change policies.gates in .chainloop.yml; see trace pr for the details`;
}

/** A one-line reason for a push that could not be attested, and what to do. */
function explain(job: Job, answered: boolean): string {
  const err = job.lastError ?? 'no answer';
  if (!answered) return `attestation for ${job.label} not delivered in time (${err}); the job stays queued: see trace status`;
  if (/\b40[13]\b/.test(err)) return `${job.label} refused the attestation as not authenticated (${err}); check the token, then push again`;
  if (job.state === 'failed') return `${job.label} rejected the attestation (${err}); fix the cause, then trace push --retry ${job.id} and push again`;
  return `${job.label} is unreachable (${err}); the attestation stays queued (trace status); push again once it is reachable`;
}

export { parsePrePush };
