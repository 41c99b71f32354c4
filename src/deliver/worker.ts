import { TraceError } from '../errors.js';
import type { RetryPolicy } from './backoff.js';
import type { DeliveryItem, DeliveryOutcome, Destination } from './destination.js';
import { destinationFromConfig } from './factory.js';
import type { DeliveryQueue, Job } from './queue.js';

/** The pino-compatible subset the worker logs through. Reasons never contain tokens. */
export interface DeliveryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Dependencies and knobs of the worker; `now` and `resolveDestination` are seams for tests. */
export interface DeliveryWorkerOptions {
  queue: DeliveryQueue;
  policy: RetryPolicy;
  /** Builds the destination of a job; default: destinationFromConfig with process.env. */
  resolveDestination?: (job: Job) => Destination;
  logger?: DeliveryLogger;
  now?: () => number;
  /** Deliveries in flight at once, across different destinations (default 4). */
  concurrency?: number;
  /** Longest sleep between polls, to pick up jobs queued by other processes (default 5 s). */
  pollMs?: number;
  /** Called after each attempt is recorded (e.g. to wake requireTrace waiters). */
  onOutcome?: (job: Job, outcome: DeliveryOutcome) => void;
}

/** The item a destination receives for a job. */
export function deliveryItemFor(job: Job): DeliveryItem {
  return {
    bundleJson: job.push.bundleJson,
    digest: job.push.digest,
    commits: job.push.commits,
    publicKeyPem: job.push.publicKeyPem ?? '',
    keyFingerprint: job.push.keyFingerprint ?? '',
    repo: job.push.repo,
    remote: job.push.remote,
  };
}

/** Default resolver: the job's stored config, tokens from the given environment. */
export function resolveWithEnv(env: NodeJS.ProcessEnv): (job: Job) => Destination {
  return (job) => destinationFromConfig(job.destination, { env, repo: job.push.repo, remote: job.push.remote });
}

/** Drains the delivery queue: claims due jobs, delivers them, records outcomes, sleeps until the next is due. */
export class DeliveryWorker {
  private readonly queue: DeliveryQueue;
  private readonly policy: RetryPolicy;
  private readonly resolve: (job: Job) => Destination;
  private readonly logger: DeliveryLogger | undefined;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly onOutcome: ((job: Job, outcome: DeliveryOutcome) => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: DeliveryWorkerOptions) {
    this.queue = opts.queue;
    this.policy = opts.policy;
    this.resolve = opts.resolveDestination ?? resolveWithEnv(process.env);
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.pollMs = Math.max(10, opts.pollMs ?? 5000);
    this.onOutcome = opts.onOutcome;
  }

  /** Starts the loop; by default first requeues jobs a previous process left `delivering`. */
  start(options: { recover?: boolean } = {}): void {
    if (this.running) return;
    if (options.recover !== false) {
      const n = this.queue.recoverInterrupted(this.now());
      if (n > 0) this.logger?.warn({ jobs: n }, 'requeued deliveries interrupted by a previous shutdown');
    }
    this.running = true;
    this.pump();
  }

  /** Wakes the loop now (call after enqueuePush or retry). */
  kick(): void {
    if (this.running) this.pump();
  }

  /** Stops claiming new jobs and waits for deliveries in flight to be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Delivers every job due now, one after another, and returns how many attempts were made (tests, CLI). */
  async runOnce(): Promise<number> {
    let count = 0;
    for (let job = this.queue.claimDue(this.now()); job; job = this.queue.claimDue(this.now())) {
      await this.process(job);
      count++;
    }
    return count;
  }

  private pump(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running && this.inFlight.size < this.concurrency) {
      let job: Job | undefined;
      try {
        job = this.queue.claimDue(this.now());
      } catch (err) {
        this.logger?.error({ err }, 'could not read the delivery queue; will poll again');
        break;
      }
      if (!job) break;
      const p: Promise<void> = this.process(job).finally(() => {
        this.inFlight.delete(p);
        this.pump();
      });
      this.inFlight.add(p);
    }
    if (this.running && this.inFlight.size < this.concurrency) this.schedule();
  }

  private schedule(): void {
    let delay = this.pollMs;
    try {
      const due = this.queue.nextDueAt();
      if (due !== undefined) delay = Math.min(this.pollMs, Math.max(10, due - this.now()));
    } catch {
      /* fall back to polling */
    }
    this.timer = setTimeout(() => this.pump(), delay);
    this.timer.unref();
  }

  private async process(job: Job): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      const destination = this.resolve(job);
      outcome = await destination.deliver(deliveryItemFor(job));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      outcome =
        err instanceof TraceError && err.code === 'CONFIG_INVALID'
          ? { kind: 'permanent', reason: message }
          : { kind: 'retry', reason: message };
    }
    let updated: Job | undefined;
    try {
      updated = this.queue.complete(job.id, outcome, this.policy, this.now());
    } catch (err) {
      // The job stays `delivering`; recoverInterrupted requeues it on the next start (destinations are idempotent).
      this.logger?.error({ err, job: job.id }, 'could not record a delivery outcome');
      return;
    }
    const fields = { job: job.id, push: job.pushId, destination: job.label, attempts: job.attempts };
    if (outcome.kind === 'delivered') this.logger?.info(fields, 'attestation delivered');
    else if (outcome.kind === 'retry') {
      this.logger?.warn({ ...fields, reason: outcome.reason, next_attempt_at: updated?.nextAttemptAt }, 'delivery failed; will retry');
    } else this.logger?.error({ ...fields, reason: outcome.reason }, 'delivery failed permanently; `trace push --retry` after fixing it');
    if (updated && this.onOutcome) {
      try {
        this.onOutcome(updated, outcome);
      } catch {
        /* a listener must not break the loop */
      }
    }
  }
}
