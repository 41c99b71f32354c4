/**
 * Issue 3, "Must show": HTTP delivery through the real daemon. A receiver answering 503 three times
 * then 201 gets the bundle exactly once in effect (4 requests, one Idempotency-Key, Bearer token);
 * a 401 dead-letters at once with the reason in `trace status`, and `trace push --retry` delivers it
 * once the receiver accepts; a daemon killed with SIGKILL mid-delivery delivers exactly once after
 * restart. The token is exported only in the shell that runs `git push`, as a user would.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { alive } from '../../src/client/start-lock.js';
import { sleep, until } from '../helpers/proc.js';
import { RepoPool } from '../helpers/repo.js';
import {
  addBareRemote,
  allDelivered,
  checkBundle,
  configure,
  FAST_RETRY,
  startReceiver,
  status,
  tracedCommit,
  waitForPushes,
  type Receiver,
  type TestRepo,
  type Traced,
} from './helpers.js';

const TOKEN = 'tok-3f1b9c0e-never-logged';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A repository whose only destination is the receiver, with fast retries, and one traced commit. */
function setup(pool: RepoPool, receiver: Receiver): { t: TestRepo; traced: Traced } {
  const t = pool.create({ files: { 'README.md': '# demo\n' } });
  Object.assign(t.env, FAST_RETRY);
  addBareRemote(t);
  configure(t, `destinations:\n  - type: http\n    url: ${receiver.url}\n    tokenEnv: TRACE_TOKEN\n`);
  const traced = tracedCommit(t, 'src/app.js', 'export const app = () => 42;\n');
  return { t, traced };
}

/** `git push` with the token exported for that command only (the daemon was started without it). */
function push(t: TestRepo, token = TOKEN): void {
  expect(t.daemonPid(), 'the commit started the daemon before the push').not.toBeNull();
  t.sh('git push -q origin main', { TRACE_TOKEN: token });
}

/** Every request carries the bundle, its sha256 as Idempotency-Key, and the bearer token (per request if given). */
function checkRequests(receiver: Receiver, traced: Traced, tokens: string[] = []): string {
  const body = receiver.requests[0]!.body;
  for (const [i, r] of receiver.requests.entries()) {
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/attestations');
    expect(r.headers.authorization).toBe(`Bearer ${tokens[i] ?? TOKEN}`);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).toBe(body);
    expect(r.headers['idempotency-key']).toBe(sha256(body));
  }
  checkBundle(body, [traced], [traced.sha]);
  return body;
}

/** The token never lands in logs, status output or the spool, and is not kept for delivered jobs. */
function checkNoTokenLeak(t: TestRepo, token = TOKEN): void {
  const db = new Database(path.join(t.traceHome, 'trace.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT state, destination FROM delivery_jobs').all() as { state: string; destination: string }[];
    for (const r of rows) if (r.state === 'delivered') expect(r.destination).not.toContain(token);
  } finally {
    db.close();
  }
  expect(t.daemonLog()).not.toContain(token);
  expect(t.hookLog().join('\n')).not.toContain(token);
  expect(t.trace('status').stdout).not.toContain(token);
  expect(JSON.stringify(status(t))).not.toContain(token);
  for (const dir of ['new', 'dead'] as const) {
    for (const f of t.spoolFiles(dir)) expect(fs.readFileSync(path.join(t.traceHome, 'spool', dir, f), 'utf8')).not.toContain(token);
  }
}

describe('http delivery through the daemon', () => {
  const pool = new RepoPool();
  const receivers: Receiver[] = [];
  afterEach(async () => {
    try {
      pool.cleanupAll();
    } finally {
      await Promise.all(receivers.splice(0).map((r) => r.close()));
    }
  });
  const receiver = async (answer: Parameters<typeof startReceiver>[0]) => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };

  it('retries 503 three times, then delivers once: 4 requests, one Idempotency-Key, attempts = 4', async () => {
    const rx = await receiver((_req, n) => (n <= 3 ? { status: 503, body: '{"error":"busy"}' } : { status: 201, body: '{"ok":true}' }));
    const { t, traced } = setup(pool, rx);
    push(t);
    const [job] = await waitForPushes(t, allDelivered(1));
    expect(job).toMatchObject({ state: 'delivered', attempts: 4, last_error: null, destination: rx.url, commits: [traced.sha] });
    await sleep(400); // on purpose: several backoff periods (100-300 ms) pass and nothing more arrives; an absence has no event
    expect(rx.requests).toHaveLength(4);
    const body = checkRequests(rx, traced);
    expect(job!.attestation_digest).toBe(sha256(body));
    expect(status(t).pushes).toHaveLength(1);
    checkNoTokenLeak(t);
  });

  it('dead-letters a 401 at once with the reason in trace status; push --retry delivers once accepted', async () => {
    // the push goes out with an expired token; the user exports a fresh one and the receiver accepts it
    let accept = false;
    const rx = await receiver((req) =>
      accept && req.headers.authorization === `Bearer ${TOKEN}` ? { status: 201 } : { status: 401, body: '{"error":"invalid token for project test"}' },
    );
    const { t, traced } = setup(pool, rx);
    push(t, 'expired-token');
    const [job] = await waitForPushes(t, (p) => p.length === 1 && p[0]!.state === 'failed');
    expect(job).toMatchObject({ state: 'failed', attempts: 1, next_attempt_at: null });
    expect(job!.last_error).toMatch(/HTTP 401/);
    expect(job!.last_error).toContain('invalid token for project test');
    await sleep(500); // on purpose: a dead letter is not retried; waited out past the backoff, as an absence has no event
    expect(rx.requests).toHaveLength(1);
    expect(status(t).pushes[0]).toMatchObject({ state: 'failed', attempts: 1 });
    const human = t.trace('status');
    expect(human.code).toBe(0);
    const row = human.stdout.split('\n').find((l) => l.startsWith(`${job!.id} `));
    expect(row).toMatch(/failed/);
    expect(row).toMatch(/HTTP 401: .*invalid token for project test/);

    accept = true;
    const retried = t.traceIn(t.repo, ['push', '--retry', String(job!.id)], { TRACE_TOKEN: TOKEN });
    expect(retried.code, retried.stderr).toBe(0);
    const [done] = await waitForPushes(t, allDelivered(1));
    expect(done).toMatchObject({ id: job!.id, state: 'delivered', attempts: 2, last_error: null });
    await sleep(300); // on purpose: past the backoff, no request beyond the retried one arrives
    expect(rx.requests).toHaveLength(2);
    checkRequests(rx, traced, ['expired-token', TOKEN]);
    expect(t.trace('push', '--retry', String(job!.id)).code).not.toBe(0); // delivered: nothing to retry
    checkNoTokenLeak(t);
    checkNoTokenLeak(t, 'expired-token');
  });

  it('delivers exactly once after the daemon is killed with SIGKILL mid-delivery', async () => {
    const effects = new Map<string, number>(); // idempotency key → times applied
    let release: (() => void) | undefined;
    const rx = await receiver((req, n) => {
      if (n === 1) {
        // hold the first request open: the daemon dies while it waits
        return new Promise((resolve) => (release = () => resolve({ status: 201 })));
      }
      const key = String(req.headers['idempotency-key']);
      if (effects.has(key)) return { status: 200, body: '{"duplicate":true}' };
      effects.set(key, 1);
      return { status: 201 };
    });
    const { t, traced } = setup(pool, rx);
    push(t);
    await rx.seen(1);
    const before = status(t);
    expect(before.pushes).toHaveLength(1);
    expect(before.pushes[0]!.state).toBe('delivering');
    const pid = before.daemon.pid!;
    expect(pid).toBe(t.daemonPid());
    // the receiver applies the first request's effect, but its answer never reaches the dead daemon
    effects.set(String(rx.requests[0]!.headers['idempotency-key']), 1);
    process.kill(pid, 'SIGKILL');
    await until(`daemon ${pid} to exit`, () => !alive(pid), { timeoutMs: 2000, intervalMs: 10 });
    release?.();

    // any trace command restarts the daemon, which requeues the interrupted job
    const after = status(t);
    expect(after.daemon.pid).not.toBe(pid);
    const [job] = await waitForPushes(t, allDelivered(1));
    expect(job).toMatchObject({ state: 'delivered', attempts: 2, commits: [traced.sha] });
    await sleep(300); // on purpose: past the backoff, no third request arrives
    expect(rx.requests).toHaveLength(2);
    checkRequests(rx, traced);
    expect(new Set(rx.requests.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect([...effects.values()]).toEqual([1]);
    expect(status(t).pushes.filter((p) => p.state === 'delivered')).toHaveLength(1);
    checkNoTokenLeak(t);
  });
});
