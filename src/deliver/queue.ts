import path from 'node:path';
import type Database from 'better-sqlite3';
import { TraceError } from '../errors.js';
import { nextDelay, type RetryPolicy } from './backoff.js';
import { bundleDigest, normalizeDigest } from '../attest/digest.js';
import type { DeliveryOutcome } from './destination.js';
import { withPushToken, type PlannedDestination, type PushTokens } from './plan.js';
import type { DestinationConfig } from './schema.js';

/** The better-sqlite3 handle from openDatabase (migration 002 applied). */
export type QueueDatabase = Database.Database;

/** Lifecycle of one delivery job: queued → delivering → delivered | failed (failed = dead letter). */
export type JobState = 'queued' | 'delivering' | 'delivered' | 'failed';

/** One ref line from pre-push: `<local ref> <local sha> <remote ref> <remote sha>`. */
export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

/** What the pre-push path hands over: the push, its signed bundle, and where to deliver it. */
export interface EnqueuePushInput {
  repo: string;
  remote: string;
  remoteUrl?: string | null;
  refs: readonly PushedRef[];
  commits: readonly string[];
  bundleJson: string;
  /** sha256 hex of bundleJson (a `sha256:` prefix is accepted); checked against the bytes. */
  digest: string;
  publicKeyPem?: string | null;
  keyFingerprint?: string | null;
  destinations: readonly PlannedDestination[];
}

/** Ids created by enqueuePush: one push, one job per destination. */
export interface EnqueueResult {
  pushId: number;
  jobIds: number[];
}

/** A stored push, as a job carries it to its destination. */
export interface PushRecord {
  id: number;
  repo: string;
  remote: string;
  remoteUrl: string | null;
  refs: PushedRef[];
  commits: string[];
  bundleJson: string;
  digest: string;
  publicKeyPem: string | null;
  keyFingerprint: string | null;
  createdAt: number;
}

/** One delivery job with its push; times are epoch ms. */
export interface Job {
  id: number;
  pushId: number;
  destination: DestinationConfig;
  label: string;
  state: JobState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  createdAt: number;
  updatedAt: number;
  push: PushRecord;
}

/** One entry of `trace status --json` `pushes[]` (one per job); next_attempt_at is ISO 8601 or null. */
export interface PushRow {
  id: number;
  repo: string;
  remote: string;
  destination: string;
  state: JobState;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  attestation_digest: string;
  commits: string[];
}

/** Result of waitUntilSettled: settled = every job delivered or failed before the timeout. */
export interface SettleResult {
  settled: boolean;
  delivered: boolean;
  jobs: Job[];
}

interface JobRowRaw {
  id: number;
  push_id: number;
  destination: string;
  label: string;
  state: JobState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
  p_repo: string;
  p_remote: string;
  p_remote_url: string | null;
  p_refs: string;
  p_commits: string;
  p_bundle: string;
  p_digest: string;
  p_public_key_pem: string | null;
  p_key_fingerprint: string | null;
  p_created_at: number;
}

const JOB_SELECT = `
SELECT j.*, p.repo AS p_repo, p.remote AS p_remote, p.remote_url AS p_remote_url, p.refs AS p_refs,
       p.commits AS p_commits, p.bundle AS p_bundle, p.digest AS p_digest, p.public_key_pem AS p_public_key_pem,
       p.key_fingerprint AS p_key_fingerprint, p.created_at AS p_created_at
  FROM delivery_jobs j JOIN pushes p ON p.id = j.push_id`;

/** Keeps deliveries to one place serialized: per repository for git (shared refs), per URL for http. */
function destinationKey(cfg: DestinationConfig, repo: string): string {
  return cfg.type === 'git' ? `git:${path.resolve(repo)}` : `http:${cfg.url}`;
}

/** The durable delivery queue over the pushes / delivery_jobs tables. Safe to reopen after a crash. */
export class DeliveryQueue {
  private readonly db: QueueDatabase;

  constructor(db: QueueDatabase) {
    this.db = db;
  }

  /** Stores the push and one queued job per destination (due now), atomically. */
  enqueuePush(input: EnqueuePushInput, now: number = Date.now()): EnqueueResult {
    if (input.destinations.length === 0) {
      throw new TraceError('CONFIG_INVALID', 'no destination to deliver the attestation to; list at least one under `destinations` in .chainloop.yml');
    }
    const digest = normalizeDigest(input.digest);
    const actual = bundleDigest(input.bundleJson);
    if (digest !== actual) {
      throw new TraceError('INTERNAL', `attestation digest ${input.digest} does not match the bundle (sha256 ${actual}); refusing to queue a corrupt push`);
    }
    const commits = [...new Set(input.commits.map((c) => c.trim().toLowerCase()))];
    return this.db.transaction((): EnqueueResult => {
      const pushId = Number(
        this.db
          .prepare(
            `INSERT INTO pushes (repo, remote, remote_url, refs, commits, bundle, digest, public_key_pem, key_fingerprint, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.repo,
            input.remote,
            input.remoteUrl ?? null,
            JSON.stringify(input.refs),
            JSON.stringify(commits),
            input.bundleJson,
            digest,
            input.publicKeyPem ?? null,
            input.keyFingerprint ?? null,
            now,
          ).lastInsertRowid,
      );
      const insertJob = this.db.prepare(
        `INSERT INTO delivery_jobs (push_id, destination, label, dest_key, state, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?)`,
      );
      const jobIds = input.destinations.map((d) =>
        Number(insertJob.run(pushId, JSON.stringify(d.config), d.label, destinationKey(d.config, input.repo), now, now, now).lastInsertRowid),
      );
      return { pushId, jobIds };
    })();
  }

  /** After a crash or kill -9: jobs left `delivering` go back to `queued`, due now. Returns how many. */
  recoverInterrupted(now: number = Date.now()): number {
    return this.db
      .prepare(`UPDATE delivery_jobs SET state = 'queued', next_attempt_at = ?, updated_at = ? WHERE state = 'delivering'`)
      .run(now, now).changes;
  }

  /**
   * Atomically takes the oldest due queued job (queued → delivering, attempts + 1), skipping
   * destinations that already have a delivery in flight. Undefined when nothing is due.
   */
  claimDue(now: number = Date.now()): Job | undefined {
    const row = this.db
      .prepare(
        `UPDATE delivery_jobs
            SET state = 'delivering', attempts = attempts + 1, next_attempt_at = NULL, updated_at = @now
          WHERE id = (SELECT id FROM delivery_jobs
                       WHERE state = 'queued' AND next_attempt_at <= @now
                         AND dest_key NOT IN (SELECT dest_key FROM delivery_jobs WHERE state = 'delivering')
                       ORDER BY next_attempt_at, id LIMIT 1)
            AND state = 'queued'
        RETURNING id`,
      )
      .get({ now }) as { id: number } | undefined;
    return row ? this.getJob(row.id) : undefined;
  }

  /** Earliest next_attempt_at among queued jobs that claimDue could take (busy destinations excluded). */
  nextDueAt(): number | undefined {
    const row = this.db
      .prepare(
        `SELECT MIN(next_attempt_at) AS t FROM delivery_jobs
          WHERE state = 'queued'
            AND dest_key NOT IN (SELECT dest_key FROM delivery_jobs WHERE state = 'delivering')`,
      )
      .get() as { t: number | null };
    return row.t ?? undefined;
  }

  /**
   * Records the outcome of a claimed job: delivered; retry (queued again after backoff, reason kept);
   * permanent (failed, reason kept). Returns the updated job, or undefined if it was not delivering.
   */
  complete(jobId: number, outcome: DeliveryOutcome, policy: RetryPolicy, now: number = Date.now()): Job | undefined {
    const job = this.getJob(jobId);
    if (!job || job.state !== 'delivering') return undefined;
    const stmt =
      outcome.kind === 'delivered'
        ? this.db.prepare(
            // a token captured at push time is not kept once it is no longer needed
            `UPDATE delivery_jobs SET state = 'delivered', delivered_at = @now, next_attempt_at = NULL, last_error = NULL, updated_at = @now,
                    destination = json_remove(destination, '$.pushToken')
              WHERE id = @id AND state = 'delivering'`,
          )
        : outcome.kind === 'retry'
          ? this.db.prepare(
              `UPDATE delivery_jobs SET state = 'queued', next_attempt_at = @next, last_error = @reason, updated_at = @now
                WHERE id = @id AND state = 'delivering'`,
            )
          : this.db.prepare(
              `UPDATE delivery_jobs SET state = 'failed', next_attempt_at = NULL, last_error = @reason, updated_at = @now
                WHERE id = @id AND state = 'delivering'`,
            );
    const params: Record<string, unknown> = { id: jobId, now };
    if (outcome.kind !== 'delivered') params.reason = outcome.reason;
    if (outcome.kind === 'retry') params.next = now + nextDelay(job.attempts, policy);
    stmt.run(params);
    return this.getJob(jobId);
  }

  /** Makes failed (dead-lettered) or waiting jobs due now: one job id, or 'all'. Returns how many. */
  retry(idOrAll: number | 'all', now: number = Date.now()): number {
    const where = idOrAll === 'all' ? '' : ' AND id = @id';
    return this.db
      .prepare(
        `UPDATE delivery_jobs SET state = 'queued', next_attempt_at = @now, updated_at = @now
          WHERE state IN ('failed', 'queued')${where}`,
      )
      .run(idOrAll === 'all' ? { now } : { now, id: idOrAll }).changes;
  }

  /** The `tokenEnv` names of http jobs that `retry` could take (queued or failed). */
  tokenEnvNames(): string[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT json_extract(destination, '$.tokenEnv') AS name FROM delivery_jobs
          WHERE state IN ('failed', 'queued') AND json_extract(destination, '$.type') = 'http'`,
      )
      .all() as { name: unknown }[];
    return rows.map((r) => r.name).filter((n): n is string => typeof n === 'string' && n !== '');
  }

  /**
   * Replaces the push-time token of queued or failed http jobs (one id, or 'all') with the values in
   * `tokens` (by tokenEnv name), e.g. after the user exported a corrected token. Returns how many changed.
   */
  refreshTokens(idOrAll: number | 'all', tokens: PushTokens, now: number = Date.now()): number {
    if (Object.keys(tokens).length === 0) return 0;
    const where = idOrAll === 'all' ? '' : ' AND id = @id';
    const rows = this.db
      .prepare(`SELECT id, destination FROM delivery_jobs WHERE state IN ('failed', 'queued')${where}`)
      .all(idOrAll === 'all' ? {} : { id: idOrAll }) as { id: number; destination: string }[];
    const update = this.db.prepare(`UPDATE delivery_jobs SET destination = ?, updated_at = ? WHERE id = ? AND state IN ('failed', 'queued')`);
    let n = 0;
    for (const r of rows) {
      const cfg = parseDestinationJson(r.id, r.destination);
      if (cfg.type !== 'http') continue;
      const next = withPushToken(cfg, tokens);
      if (next === cfg || next.pushToken === cfg.pushToken) continue;
      n += update.run(JSON.stringify(next), now, r.id).changes;
    }
    return n;
  }

  /** One job with its push, or undefined. */
  getJob(jobId: number): Job | undefined {
    const row = this.db.prepare(`${JOB_SELECT} WHERE j.id = ?`).get(jobId) as JobRowRaw | undefined;
    return row ? toJob(row) : undefined;
  }

  /** Every job of one push, in creation order. */
  jobsForPush(pushId: number): Job[] {
    return (this.db.prepare(`${JOB_SELECT} WHERE j.push_id = ? ORDER BY j.id`).all(pushId) as JobRowRaw[]).map(toJob);
  }

  /** The `trace status --json` pushes[]: one object per job, newest first. */
  list(options: { limit?: number; repo?: string } = {}): PushRow[] {
    const rows = this.db
      .prepare(
        `SELECT j.id, p.repo, p.remote, j.label, j.state, j.attempts, j.next_attempt_at, j.last_error, p.digest, p.commits
           FROM delivery_jobs j JOIN pushes p ON p.id = j.push_id
          ${options.repo ? 'WHERE p.repo = @repo' : ''}
          ORDER BY j.id DESC
          ${options.limit ? 'LIMIT @limit' : ''}`,
      )
      .all({ ...(options.repo ? { repo: options.repo } : {}), ...(options.limit ? { limit: options.limit } : {}) }) as {
      id: number;
      repo: string;
      remote: string;
      label: string;
      state: JobState;
      attempts: number;
      next_attempt_at: number | null;
      last_error: string | null;
      digest: string;
      commits: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      repo: r.repo,
      remote: r.remote,
      destination: r.label,
      state: r.state,
      attempts: r.attempts,
      next_attempt_at: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
      last_error: r.last_error,
      attestation_digest: r.digest,
      commits: parseJson<string[]>(r.commits, []),
    }));
  }

  /** Polls until every job of the push is delivered or failed, or timeoutMs passes (for requireTrace). */
  async waitUntilSettled(pushId: number, timeoutMs: number, pollMs = 100): Promise<SettleResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const jobs = this.jobsForPush(pushId);
      const settled = jobs.every((j) => j.state === 'delivered' || j.state === 'failed');
      if (settled || Date.now() >= deadline) {
        return { settled, delivered: jobs.length > 0 && jobs.every((j) => j.state === 'delivered'), jobs };
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(pollMs, deadline - Date.now()))));
    }
  }
}

function toJob(r: JobRowRaw): Job {
  return {
    id: r.id,
    pushId: r.push_id,
    destination: parseDestinationJson(r.id, r.destination),
    label: r.label,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    push: {
      id: r.push_id,
      repo: r.p_repo,
      remote: r.p_remote,
      remoteUrl: r.p_remote_url,
      refs: parseJson<PushedRef[]>(r.p_refs, []),
      commits: parseJson<string[]>(r.p_commits, []),
      bundleJson: r.p_bundle,
      digest: r.p_digest,
      publicKeyPem: r.p_public_key_pem,
      keyFingerprint: r.p_key_fingerprint,
      createdAt: r.p_created_at,
    },
  };
}

function parseDestinationJson(jobId: number, text: string): DestinationConfig {
  const cfg = parseJson<DestinationConfig | null>(text, null);
  if (!cfg || (cfg.type !== 'git' && cfg.type !== 'http')) {
    throw new TraceError('INTERNAL', `delivery job ${jobId} has an unreadable destination (${text.slice(0, 100)}); re-push to queue it again`);
  }
  return cfg;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
