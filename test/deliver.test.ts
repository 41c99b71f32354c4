import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DB } from '../src/store/db.js';
import { nextDelay, retryPolicyFromEnv, DEFAULT_RETRY_POLICY } from '../src/deliver/backoff.js';
import { bundleDigest } from '../src/attest/digest.js';
import { destinationFromConfig } from '../src/deliver/factory.js';
import { planDestinations } from '../src/deliver/plan.js';
import { parseDestinations } from '../src/deliver/schema.js';
import { GitRefDestination } from '../src/deliver/git-ref.js';
import { ATTESTATIONS_REF, bundlesForCommit, fetchAttestations, publicKeys, readAttestations } from '../src/git/attestations.js';
import { HttpDestination } from '../src/deliver/http.js';
import { DeliveryQueue } from '../src/deliver/queue.js';
import { DeliveryWorker, resolveWithEnv } from '../src/deliver/worker.js';
import type { DeliveryItem } from '../src/deliver/destination.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-deliver-'));
const gitHome = path.join(tmpRoot, 'home');
fs.mkdirSync(gitHome);
/** Environment for every git child: isolated HOME, no system config. */
const gitEnv: NodeJS.ProcessEnv = { ...process.env, HOME: gitHome, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: gitHome };
const fastPolicy = { baseMs: 5, maxMs: 20 };
let seq = 0;

afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function tmpDir(name: string): string {
  return fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
}

function fakeBundle(tag = `${++seq}-${randomBytes(4).toString('hex')}`): string {
  return JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', dsseEnvelope: { payload: tag } });
}

function sha(): string {
  return randomBytes(20).toString('hex');
}

function openDb(): DB {
  return openDatabase(path.join(tmpDir('db'), 'trace.db'));
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const res = await execa('git', args, { cwd, env: gitEnv, extendEnv: false });
  return res.stdout.trim();
}

// ---------------------------------------------------------------------------------------------
// A real HTTP receiver on 127.0.0.1:0 with scripted answers.

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order; when empty, `fallback` answers. */
  script: { status: number; body?: string; hang?: boolean }[];
  fallback: { status: number; body?: string };
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const r: Omit<Receiver, 'url' | 'close'> = { received: [], script: [], fallback: { status: 201, body: '{"ok":true}' } };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = r.script.shift() ?? r.fallback;
      if ('hang' in answer && answer.hang) return;
      res.writeHead(answer.status, { 'content-type': 'text/plain' });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/attestations`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function enqueueHttp(queue: DeliveryQueue, url: string, bundleJson = fakeBundle()) {
  return queue.enqueuePush({
    repo: '/tmp/some-repo',
    remote: 'origin',
    remoteUrl: 'git@example.com:acme/app.git',
    refs: [{ localRef: 'refs/heads/main', localSha: sha(), remoteRef: 'refs/heads/main', remoteSha: '0'.repeat(40) }],
    commits: [sha()],
    bundleJson,
    digest: bundleDigest(bundleJson),
    destinations: planDestinations([{ type: 'http', url, tokenEnv: 'TRACE_TOKEN' }], 'origin'),
  });
}

const tokenEnv = { TRACE_TOKEN: 's3cret-token' };

// ---------------------------------------------------------------------------------------------

describe('backoff', () => {
  it('is exponential, jittered and capped (table)', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    const table: [attempt: number, random: number, expected: number][] = [
      [1, 1, 100],
      [1, 0.5, 50],
      [2, 1, 200],
      [3, 1, 400],
      [4, 1, 800],
      [5, 1, 1000], // capped
      [50, 1, 1000], // capped, no overflow
      [5000, 0.25, 250],
      [3, 0, 0], // full jitter reaches 0
      [0, 1, 100], // nonsense attempt counts as the first
    ];
    for (const [attempt, random, expected] of table) {
      expect(nextDelay(attempt, policy, () => random), `attempt ${attempt} random ${random}`).toBe(expected);
    }
    const samples = Array.from({ length: 200 }, () => nextDelay(30, policy));
    expect(Math.max(...samples)).toBeLessThanOrEqual(1000);
    expect(new Set(samples).size).toBeGreaterThan(50); // jittered
  });

  it('reads TRACE_RETRY_BASE_MS / TRACE_RETRY_MAX_MS and rejects junk', () => {
    expect(retryPolicyFromEnv({})).toEqual(DEFAULT_RETRY_POLICY);
    expect(retryPolicyFromEnv({ TRACE_RETRY_BASE_MS: '10', TRACE_RETRY_MAX_MS: '50' })).toEqual({ baseMs: 10, maxMs: 50 });
    expect(retryPolicyFromEnv({ TRACE_RETRY_BASE_MS: '10' }).maxMs).toBe(DEFAULT_RETRY_POLICY.maxMs);
    expect(() => retryPolicyFromEnv({ TRACE_RETRY_BASE_MS: 'soon' })).toThrow(/TRACE_RETRY_BASE_MS must be a positive/);
  });
});

describe('destination config', () => {
  it('defaults to git and validates entries', () => {
    expect(parseDestinations(undefined)).toEqual([{ type: 'git' }]);
    expect(planDestinations(undefined, 'upstream')).toEqual([{ config: { type: 'git', remote: 'upstream' }, label: 'git:upstream' }]);
    expect(planDestinations([{ type: 'http', url: 'http://u:p@127.0.0.1:8787/attestations?x=1', tokenEnv: 'T' }], 'o')[0]!.label).toBe(
      'http://127.0.0.1:8787/attestations',
    );
    expect(() => parseDestinations([{ type: 'ftp' }])).toThrow(/unknown; use git or http/);
    expect(() => parseDestinations([{ type: 'http' }])).toThrow(/url is required/);
    expect(() => parseDestinations({})).toThrow(/must be a list/);
  });

  it('refuses an http destination whose token variable is unset', () => {
    expect(() =>
      destinationFromConfig({ type: 'http', url: 'http://127.0.0.1:1/x', tokenEnv: 'NOPE_TOKEN' }, { env: {}, repo: '/r', remote: 'origin' }),
    ).toThrow(/NOPE_TOKEN is not set/);
  });
});

describe('http delivery through the queue', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
  });
  afterAll(() => rx.close());
  afterEach(() => {
    rx.received.length = 0;
    rx.script.length = 0;
    rx.fallback = { status: 201, body: '{"ok":true}' };
  });

  it('retries 503 three times, then delivers once with attempts = 4', async () => {
    const queue = new DeliveryQueue(openDb());
    rx.script.push({ status: 503, body: 'busy' }, { status: 503, body: 'busy' }, { status: 503, body: 'busy' });
    const bundleJson = fakeBundle();
    const { pushId, jobIds } = enqueueHttp(queue, rx.url, bundleJson);
    const worker = new DeliveryWorker({ queue, policy: retryPolicyFromEnv({ TRACE_RETRY_BASE_MS: '5', TRACE_RETRY_MAX_MS: '20' }), resolveDestination: resolveWithEnv(tokenEnv) });
    worker.start();
    const settled = await queue.waitUntilSettled(pushId, 10_000, 10);
    await worker.stop();
    expect(settled).toMatchObject({ settled: true, delivered: true });
    const job = queue.getJob(jobIds[0]!)!;
    expect(job).toMatchObject({ state: 'delivered', attempts: 4, lastError: null, nextAttemptAt: null });
    expect(rx.received).toHaveLength(4);
    const key = createHash('sha256').update(Buffer.from(bundleJson, 'utf8')).digest('hex');
    for (const r of rx.received) {
      expect(r.body).toBe(bundleJson);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers.authorization).toBe('Bearer s3cret-token');
      expect(r.headers['idempotency-key']).toBe(key);
    }
  });

  it('dead-letters a 401 at once keeping the reason, and delivers after retry', async () => {
    const queue = new DeliveryQueue(openDb());
    const logs: string[] = [];
    const log = (obj: object, msg?: string) => logs.push(`${msg} ${JSON.stringify(obj)}`);
    rx.fallback = { status: 401, body: 'invalid token for project acme' };
    const { jobIds } = enqueueHttp(queue, rx.url);
    const worker = new DeliveryWorker({
      queue,
      policy: fastPolicy,
      resolveDestination: resolveWithEnv(tokenEnv),
      logger: { info: log, warn: log, error: log },
    });
    expect(await worker.runOnce()).toBe(1);
    const row = queue.list().find((r) => r.id === jobIds[0])!;
    expect(row).toMatchObject({ state: 'failed', attempts: 1, next_attempt_at: null, last_error: 'HTTP 401: invalid token for project acme' });
    expect(await worker.runOnce()).toBe(0); // dead letters are not retried on their own

    rx.fallback = { status: 200, body: 'ok' };
    expect(queue.retry(jobIds[0]!)).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(queue.getJob(jobIds[0]!)).toMatchObject({ state: 'delivered', attempts: 2, lastError: null });
    expect(rx.received).toHaveLength(2);
    expect(logs.join('\n')).not.toContain('s3cret-token');
  });

  it('truncates long reasons to 300 characters of the body', async () => {
    const queue = new DeliveryQueue(openDb());
    rx.fallback = { status: 422, body: 'x'.repeat(1000) };
    const { jobIds } = enqueueHttp(queue, rx.url);
    await new DeliveryWorker({ queue, policy: fastPolicy, resolveDestination: resolveWithEnv(tokenEnv) }).runOnce();
    expect(queue.getJob(jobIds[0]!)!.lastError).toBe(`HTTP 422: ${'x'.repeat(300)}`);
  });

  it('sends the same Idempotency-Key when the same bundle is delivered twice', async () => {
    const queue = new DeliveryQueue(openDb());
    const bundleJson = fakeBundle();
    enqueueHttp(queue, rx.url, bundleJson);
    enqueueHttp(queue, rx.url, bundleJson);
    expect(await new DeliveryWorker({ queue, policy: fastPolicy, resolveDestination: resolveWithEnv(tokenEnv) }).runOnce()).toBe(2);
    expect(rx.received).toHaveLength(2);
    expect(rx.received[0]!.headers['idempotency-key']).toBe(rx.received[1]!.headers['idempotency-key']);
    expect(rx.received[0]!.headers['idempotency-key']).toBe(bundleDigest(bundleJson));
  });

  it('retries on a timeout', async () => {
    const queue = new DeliveryQueue(openDb());
    rx.script.push({ status: 0, hang: true });
    const { jobIds } = enqueueHttp(queue, rx.url);
    // a clock the test moves: the retry is due only when the test says so, however slow the machine
    let clock = Date.now();
    const worker = new DeliveryWorker({
      queue,
      policy: { baseMs: 1000, maxMs: 1000 },
      now: () => clock,
      // Short timeout for the attempt that hangs, a generous one for the retry (tests may run under load).
      resolveDestination: (job) => new HttpDestination({ label: job.label, url: rx.url, token: 'x', timeoutMs: job.attempts === 1 ? 200 : 10_000 }),
    });
    await worker.runOnce();
    const job = queue.getJob(jobIds[0]!)!;
    expect(job.state).toBe('queued');
    expect(job.lastError).toMatch(/failed/);
    clock += 1001;
    await worker.runOnce();
    expect(queue.getJob(jobIds[0]!)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('dead-letters a job whose token variable is missing, with what to do', async () => {
    const queue = new DeliveryQueue(openDb());
    const { jobIds } = enqueueHttp(queue, rx.url);
    await new DeliveryWorker({ queue, policy: fastPolicy, resolveDestination: resolveWithEnv({}) }).runOnce();
    expect(queue.getJob(jobIds[0]!)).toMatchObject({ state: 'failed' });
    expect(queue.getJob(jobIds[0]!)!.lastError).toMatch(/TRACE_TOKEN is not set.*trace push --retry/);
    expect(rx.received).toHaveLength(0);
  });

  it('recovers a job left delivering by a crash and delivers it exactly once', async () => {
    const file = path.join(tmpDir('crash'), 'trace.db');
    const db1 = openDatabase(file);
    const q1 = new DeliveryQueue(db1);
    const { jobIds } = enqueueHttp(q1, rx.url);
    const claimed = q1.claimDue();
    expect(claimed).toMatchObject({ id: jobIds[0], state: 'delivering', attempts: 1 });
    expect(q1.claimDue()).toBeUndefined(); // nothing else due, and it's not handed out twice
    db1.close(); // the process dies here, mid-delivery

    const q2 = new DeliveryQueue(openDatabase(file));
    expect(q2.list()[0]).toMatchObject({ id: jobIds[0], state: 'delivering' });
    expect(q2.recoverInterrupted()).toBe(1);
    const worker = new DeliveryWorker({ queue: q2, policy: fastPolicy, resolveDestination: resolveWithEnv(tokenEnv) });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    expect(q2.getJob(jobIds[0]!)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(rx.received).toHaveLength(1);
  });

  it('lists status objects with exactly the contract fields, newest first', () => {
    const queue = new DeliveryQueue(openDb());
    const first = enqueueHttp(queue, rx.url);
    const second = enqueueHttp(queue, rx.url);
    const rows = queue.list();
    expect(rows.map((r) => r.id)).toEqual([second.jobIds[0], first.jobIds[0]]);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['attempts', 'attestation_digest', 'commits', 'destination', 'id', 'last_error', 'next_attempt_at', 'remote', 'repo', 'state'].sort(),
    );
    expect(rows[0]).toMatchObject({ repo: '/tmp/some-repo', remote: 'origin', destination: rx.url, state: 'queued', attempts: 0, last_error: null });
    expect(rows[0]!.next_attempt_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(rows[0]!.commits).toHaveLength(1);
    expect(rows[0]!.attestation_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to queue a bundle whose digest does not match', () => {
    const queue = new DeliveryQueue(openDb());
    expect(() =>
      queue.enqueuePush({
        repo: '/r', remote: 'origin', refs: [], commits: [], bundleJson: '{}', digest: 'ab'.repeat(32),
        destinations: planDestinations(undefined, 'origin'),
      }),
    ).toThrow(/does not match/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('git ref destination', () => {
  let bare: string;
  const clones: string[] = [];
  const opts = { env: gitEnv };

  beforeAll(async () => {
    bare = path.join(tmpDir('remote'), 'app.git');
    await execa('git', ['init', '--bare', '-q', bare], { env: gitEnv, extendEnv: false });
    for (let i = 0; i < 4; i++) {
      const dir = path.join(tmpDir(`clone${i}`), 'app');
      await execa('git', ['clone', '-q', bare, dir], { env: gitEnv, extendEnv: false });
      await git(dir, '-c', 'user.name=T', '-c', 'user.email=t@x', 'commit', '-q', '--allow-empty', '-m', `c${i}`);
      clones.push(dir);
    }
  });

  function item(repo: string, bundleJson: string, commits: string[]): DeliveryItem {
    return {
      bundleJson,
      digest: bundleDigest(bundleJson),
      commits,
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n',
      keyFingerprint: 'sha256:abc123',
      repo,
      remote: 'origin',
    };
  }

  async function remoteTree(): Promise<string[]> {
    return (await git(bare, 'ls-tree', '-r', '--name-only', ATTESTATIONS_REF)).split('\n').filter(Boolean);
  }

  async function remoteFile(p: string): Promise<string> {
    return git(bare, 'show', `${ATTESTATIONS_REF}:${p}`);
  }

  it('merges concurrent deliveries from two clones, and a third clone reads both', async () => {
    const [c1, c2, c3] = clones as [string, string, string];
    const shared = sha();
    const only1 = sha();
    const b1 = fakeBundle('clone-1');
    const b2 = fakeBundle('clone-2');
    const d = new GitRefDestination({ remote: 'origin', ...opts });
    const outcomes = await Promise.all([d.deliver(item(c1, b1, [shared, only1])), d.deliver(item(c2, b2, [shared]))]);
    expect(outcomes).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);

    const tree = await remoteTree();
    expect(tree).toEqual(
      expect.arrayContaining([`bundles/${bundleDigest(b1)}.json`, `bundles/${bundleDigest(b2)}.json`, `commits/${shared}`, `commits/${only1}`, 'keys/abc123.pem']),
    );
    expect(await remoteFile(`commits/${shared}`)).toBe([bundleDigest(b1), bundleDigest(b2)].sort().join('\n'));
    expect(await remoteFile(`bundles/${bundleDigest(b1)}.json`)).toBe(b1);

    expect(await fetchAttestations(c3, 'origin', opts)).toMatchObject({ found: true });
    const all = await readAttestations(c3, opts);
    expect(all.map((a) => a.digest).sort()).toEqual([bundleDigest(b1), bundleDigest(b2)].sort());
    expect(all.find((a) => a.digest === bundleDigest(b2))!.bundleJson).toBe(b2);
    expect((await bundlesForCommit(c3, shared, opts)).map((a) => a.bundleJson).sort()).toEqual([b1, b2].sort());
    expect((await bundlesForCommit(c3, only1, opts)).map((a) => a.bundleJson)).toEqual([b1]);
    expect(await publicKeys(c3, opts)).toEqual([{ fingerprint: 'abc123', pem: item(c3, b1, []).publicKeyPem }]);

    // Plain git can read it too.
    await git(c3, 'fetch', '-q', 'origin', `${ATTESTATIONS_REF}:refs/chainloop-trace/plain`);
    expect(await git(c3, 'show', `refs/chainloop-trace/plain:bundles/${bundleDigest(b1)}.json`)).toBe(b1);
  });

  it('re-fetches and retries when another writer wins the race (no lost data)', async () => {
    const [c1, c2] = clones as [string, string];
    const bA = fakeBundle('race-A');
    const bB = fakeBundle('race-B');
    const commit = sha();
    let interfered = 0;
    let winner = '';
    const a = new GitRefDestination({
      remote: 'origin',
      ...opts,
      beforePush: async (attempt) => {
        if (attempt === 1) {
          interfered++;
          expect(await new GitRefDestination({ remote: 'origin', ...opts }).deliver(item(c2, bB, [commit]))).toEqual({ kind: 'delivered' });
          winner = await git(bare, 'rev-parse', ATTESTATIONS_REF);
        }
      },
    });
    expect(await a.deliver(item(c1, bA, [commit]))).toEqual({ kind: 'delivered' });
    expect(interfered).toBe(1);
    expect(await remoteFile(`commits/${commit}`)).toBe([bundleDigest(bA), bundleDigest(bB)].sort().join('\n'));
    expect(await git(bare, 'rev-parse', `${ATTESTATIONS_REF}^`)).toBe(winner); // built on top, never forced
  });

  it('survives many concurrent writers', async () => {
    const bundles = clones.map((_, i) => fakeBundle(`many-${i}`));
    const d = new GitRefDestination({ remote: 'origin', ...opts, maxConflictRetries: 20 });
    const commit = sha();
    const outcomes = await Promise.all(clones.map((c, i) => d.deliver(item(c, bundles[i]!, [commit]))));
    expect(outcomes.every((o) => o.kind === 'delivered')).toBe(true);
    expect((await remoteFile(`commits/${commit}`)).split('\n')).toEqual(bundles.map(bundleDigest).sort());
  });

  it('treats an already-present bundle as delivered without pushing', async () => {
    const [c1, c2] = clones as [string, string];
    const b = fakeBundle('again');
    const commits = [sha(), sha()];
    const d = new GitRefDestination({ remote: 'origin', ...opts });
    expect(await d.deliver(item(c1, b, commits))).toEqual({ kind: 'delivered' });
    const before = await git(bare, 'rev-parse', ATTESTATIONS_REF);
    expect(await d.deliver(item(c1, b, commits))).toEqual({ kind: 'delivered' });
    expect(await d.deliver(item(c2, b, [...commits].reverse()))).toEqual({ kind: 'delivered' });
    expect(await git(bare, 'rev-parse', ATTESTATIONS_REF)).toBe(before);
    expect(await remoteFile(`commits/${commits[0]}`)).toBe(bundleDigest(b));
  });

  it('ignores hook environment variables and leaves work tree, index and HEAD alone', async () => {
    const c = clones[3]!;
    fs.writeFileSync(path.join(c, 'staged.txt'), 'staged\n');
    await git(c, 'add', 'staged.txt');
    fs.writeFileSync(path.join(c, 'dirty.txt'), 'untracked\n');
    const head = await git(c, 'rev-parse', 'HEAD');
    const status = await git(c, 'status', '--porcelain');
    const hookEnv = {
      ...gitEnv,
      GIT_DIR: path.join(tmpRoot, 'nowhere'),
      GIT_INDEX_FILE: path.join(tmpRoot, 'nowhere-index'),
      GIT_WORK_TREE: path.join(tmpRoot, 'nowhere-wt'),
      GIT_PREFIX: 'sub/',
    };
    const b = fakeBundle('from-hook');
    expect(await new GitRefDestination({ remote: 'origin', env: hookEnv }).deliver(item(c, b, [sha()]))).toEqual({ kind: 'delivered' });
    expect(await git(c, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(c, 'status', '--porcelain')).toBe(status);
    expect(fs.existsSync(path.join(tmpRoot, 'nowhere-index'))).toBe(false);
    expect((await readAttestations(c, opts)).some((a) => a.bundleJson === b)).toBe(true); // local ref advanced
  });

  it('fetches nothing from a remote without attestations, and keeps what is local', async () => {
    const empty = path.join(tmpDir('empty'), 'empty.git');
    await execa('git', ['init', '--bare', '-q', empty], { env: gitEnv, extendEnv: false });
    const c = clones[2]!;
    const before = (await readAttestations(c, opts)).length;
    expect(before).toBeGreaterThan(0);
    expect(await fetchAttestations(c, empty, opts)).toEqual({ found: false, commit: null });
    expect(await readAttestations(c, opts)).toHaveLength(before);
    await expect(fetchAttestations(c, path.join(tmpRoot, 'missing.git'), opts)).rejects.toThrow(/git fetch .* failed/);
  });

  it('reports an unreachable remote as retry', async () => {
    const out = await new GitRefDestination({ remote: path.join(tmpRoot, 'no-such-remote.git'), ...opts }).deliver(item(clones[0]!, fakeBundle(), [sha()]));
    expect(out.kind).toBe('retry');
    expect((out as { reason: string }).reason).toMatch(/git fetch .* failed/);
  });

  it('delivers through the queue and worker with the default destination', async () => {
    const queue = new DeliveryQueue(openDb());
    const b = fakeBundle('via-worker');
    const commit = sha();
    const { pushId } = queue.enqueuePush({
      repo: clones[0]!,
      remote: 'origin',
      remoteUrl: bare,
      refs: [],
      commits: [commit],
      bundleJson: b,
      digest: `sha256:${bundleDigest(b)}`,
      publicKeyPem: '-----BEGIN PUBLIC KEY-----\nkey2\n-----END PUBLIC KEY-----\n',
      keyFingerprint: 'def456',
      destinations: planDestinations(undefined, 'origin'),
    });
    const worker = new DeliveryWorker({
      queue,
      policy: fastPolicy,
      resolveDestination: (job) => destinationFromConfig(job.destination, { env: gitEnv, repo: job.push.repo, remote: job.push.remote, git: opts }),
    });
    worker.start();
    worker.kick();
    const res = await queue.waitUntilSettled(pushId, 20_000, 20);
    await worker.stop();
    expect(res).toMatchObject({ settled: true, delivered: true });
    expect(queue.list()[0]).toMatchObject({ destination: 'git:origin', state: 'delivered', attempts: 1, attestation_digest: bundleDigest(b) });
    expect(await remoteFile(`commits/${commit}`)).toBe(bundleDigest(b));
    expect(await remoteFile('keys/def456.pem')).toContain('key2');
  });
});
