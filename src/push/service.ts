import type { Recorder } from '../capture/recorder.js';
import { clearMarker, MARKERS } from '../capture/repo-cache.js';
import { loadRepoConfig } from '../config/chainloop.js';
import { loadUserConfig } from '../config/user.js';
import { retryPolicyFromEnv } from '../deliver/backoff.js';
import { planDestinations, type PushTokens } from '../deliver/destination.js';
import { DeliveryQueue, type Job } from '../deliver/queue.js';
import { DeliveryWorker, resolveWithEnv } from '../deliver/worker.js';
import { git } from '../git/run.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { DB } from '../store/db.js';
import { parsePrePush, tracedCommitsInPush } from './commits.js';

/** What one pre-push produced. */
export interface PushResult {
  pushId: number | null;
  commits: string[];
  digest?: string;
  jobs: Job[];
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

  constructor(
    private readonly db: DB,
    private readonly recorder: Recorder,
    private readonly paths: TracePaths,
    private readonly log: Logger,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.queue = new DeliveryQueue(db);
    this.worker = new DeliveryWorker({ queue: this.queue, policy: retryPolicyFromEnv(env), resolveDestination: resolveWithEnv(env), logger: log });
  }

  /**
   * Handles a pre-push: nothing when the push carries no traced commit. `tokens` are the values of the
   * destinations' `tokenEnv` variables in the pusher's environment, kept with the jobs.
   */
  async prePush(repo: string, remote: string, url: string, stdin: string, tokens: PushTokens = {}): Promise<PushResult> {
    const lines = parsePrePush(stdin);
    const commits = await tracedCommitsInPush(this.db, repo, remote, lines);
    if (commits.length === 0) {
      // the hooks set the marker eagerly (post-commit, post-rewrite); drop it when nothing is left to attest
      const gd = await this.recorder.repos.gitDir(repo);
      if (gd && unattestedCount(this.db, repo) === 0) clearMarker(gd, MARKERS.unpushed);
      return { pushId: null, commits, jobs: [] };
    }
    const config = loadRepoConfig(repo);
    const rawDestinations = config?.destinations ?? loadUserConfig(this.paths.home).destinations;
    const remoteUrl = url || (await git(repo, ['remote', 'get-url', remote], { allowFailure: true })).trim();
    const { buildPushAttestation } = await import('./attestation.js'); // signing stack: loaded on first push
    const att = await buildPushAttestation(this.recorder, { repo, remoteUrl, commits, config, keyDir: this.paths.keyDir });
    const { pushId } = this.queue.enqueuePush({
      repo,
      remote,
      remoteUrl,
      refs: lines,
      commits,
      bundleJson: att.bundleJson,
      digest: att.digest,
      publicKeyPem: att.key.publicKeyPem,
      keyFingerprint: att.key.fingerprint,
      destinations: planDestinations(rawDestinations, remote, tokens),
    });
    this.log.info({ repo, remote, pushId, commits: commits.length, sessions: att.sessions, missing: att.missingSessions }, 'push queued');
    const gd = await this.recorder.repos.gitDir(repo);
    if (gd && unattestedCount(this.db, repo) === 0) clearMarker(gd, MARKERS.unpushed);
    this.worker.kick();
    return { pushId, commits, digest: att.digest, jobs: this.queue.jobsForPush(pushId) };
  }

  /** requireTrace: true — queue, then wait for every destination's first verdict. */
  async prePushEnforced(repo: string, remote: string, url: string, stdin: string, timeoutMs: number, tokens: PushTokens = {}): Promise<EnforcedResult> {
    const r = await this.prePush(repo, remote, url, stdin, tokens);
    if (r.pushId === null) return { ...r, ok: true };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const jobs = this.queue.jobsForPush(r.pushId);
      const verdicts = jobs.every((j) => j.state === 'delivered' || j.state === 'failed' || (j.state === 'queued' && j.attempts > 0));
      if (verdicts || Date.now() > deadline) {
        const bad = jobs.find((j) => j.state !== 'delivered');
        if (!bad) return { ...r, jobs, ok: true };
        return { ...r, jobs, ok: false, reason: explain(bad, verdicts) };
      }
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }
}

/** Traced commits of the repository that no push has attested yet, to any remote. */
function unattestedCount(db: DB, repo: string): number {
  const attested = new Set<string>();
  for (const r of db.prepare('SELECT commits FROM pushes WHERE repo = ?').all(repo) as { commits: string }[]) {
    for (const c of JSON.parse(r.commits) as string[]) attested.add(c);
  }
  const traced = db.prepare(`SELECT sha FROM commits WHERE repo = ? AND sessions != '[]'`).all(repo) as { sha: string }[];
  return traced.filter((t) => !attested.has(t.sha)).length;
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
