/**
 * The HTTP bearer token comes from the environment of whoever pushes (captured by the pre-push hook,
 * kept with the job), falls back to the daemon's environment, is replaced by `trace push --retry` run
 * with a corrected token, and is dropped once delivered. Unit level: no daemon.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDigest } from '../../src/attest/digest.js';
import { destinationFromConfig } from '../../src/deliver/factory.js';
import { pickTokens, planDestinations, tokenEnvNames } from '../../src/deliver/plan.js';
import type { HttpDestinationConfig } from '../../src/deliver/schema.js';
import { DeliveryQueue } from '../../src/deliver/queue.js';
import { parseGitSpool } from '../../src/spool/spool.js';
import { openDatabase } from '../../src/store/db.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trt-tok-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sha = () => randomBytes(20).toString('hex');
const URL_ = 'http://127.0.0.1:1/attestations';

function enqueue(queue: DeliveryQueue, tokens: Record<string, string>) {
  const bundleJson = JSON.stringify({ dsseEnvelope: { payload: randomBytes(8).toString('hex') } });
  return queue.enqueuePush({
    repo: '/tmp/r',
    remote: 'origin',
    refs: [],
    commits: [sha()],
    bundleJson,
    digest: bundleDigest(bundleJson),
    destinations: planDestinations([{ type: 'http', url: URL_, tokenEnv: 'TRACE_TOKEN' }, { type: 'git' }], 'origin', tokens),
  });
}

describe('push-time tokens', () => {
  it('reads `token NAME VALUE` lines of a pre-push spool file, ignoring malformed ones', () => {
    const ev = parseGitSpool('ai-trace-git 1\nhook pre-push\nrepo /r\ngitdir /r/.git\narg origin\narg /x\ntoken TRACE_TOKEN a b$c\ntoken 1BAD x\ntoken EMPTY\n--\nrefs/heads/main a refs/heads/main b\n');
    expect(ev.tokens).toEqual({ TRACE_TOKEN: 'a b$c' });
    expect(ev.args).toEqual(['origin', '/x']);
    expect(parseGitSpool('ai-trace-git 1\nhook pre-push\nrepo /r\n--\n').tokens).toBeUndefined();
  });

  it('collects tokenEnv names from config lists and picks the set values', () => {
    const names = tokenEnvNames([{ type: 'http', url: URL_, tokenEnv: 'A_TOKEN' }, { type: 'git' }], undefined, [{ tokenEnv: 'B' }, { tokenEnv: 'bad name' }]);
    expect(names).toEqual(['A_TOKEN', 'B']);
    expect(pickTokens({ A_TOKEN: 'x', B: '' }, names)).toEqual({ A_TOKEN: 'x' });
  });

  it('prefers the pusher\'s token, falls back to the daemon\'s, and says what to do without either', () => {
    const [http] = planDestinations([{ type: 'http', url: URL_, tokenEnv: 'TRACE_TOKEN' }], 'origin', { TRACE_TOKEN: 'from-push', OTHER: 'x' });
    const cfg = http!.config as HttpDestinationConfig;
    expect(cfg.pushToken).toBe('from-push');
    expect(http!.label).toBe(URL_);
    const ctx = (env: NodeJS.ProcessEnv) => ({ env, repo: '/r', remote: 'origin' });
    const token = (d: unknown) => (d as { token?: string }).token;
    expect(token(destinationFromConfig(cfg, ctx({ TRACE_TOKEN: 'from-daemon' })))).toBe('from-push');
    const bare: HttpDestinationConfig = { type: 'http', url: URL_, tokenEnv: 'TRACE_TOKEN' };
    expect(token(destinationFromConfig(bare, ctx({ TRACE_TOKEN: 'from-daemon' })))).toBe('from-daemon');
    expect(() => destinationFromConfig(bare, ctx({}))).toThrow(/TRACE_TOKEN is not set, neither where you pushed nor for the daemon.*trace push --retry/);
  });

  it('keeps the token with the job, never in status rows, refreshes it on retry, drops it once delivered', () => {
    const db = openDatabase(path.join(root, 'trace.db'));
    try {
      const queue = new DeliveryQueue(db);
      const { jobIds } = enqueue(queue, { TRACE_TOKEN: 'old-token' });
      const [httpJob, gitJob] = jobIds.map((id) => queue.getJob(id)!);
      expect(httpJob!.destination).toMatchObject({ type: 'http', pushToken: 'old-token' });
      expect(gitJob!.destination).toEqual({ type: 'git', remote: 'origin' });
      expect(JSON.stringify(queue.list())).not.toContain('old-token');
      expect(queue.tokenEnvNames()).toEqual(['TRACE_TOKEN']);

      // a 401 dead-letters it; the user exports a corrected token and retries
      const policy = { baseMs: 5, maxMs: 10 };
      const claimed = queue.claimDue(Date.now() + 1)!;
      expect(claimed.id).toBe(httpJob!.id);
      expect(queue.claimDue(Date.now() + 1)!.id).toBe(gitJob!.id);
      queue.complete(gitJob!.id, { kind: 'delivered' }, policy);
      queue.complete(claimed.id, { kind: 'permanent', reason: 'HTTP 401: bad token' }, policy);
      expect(queue.refreshTokens(httpJob!.id, { UNRELATED: 'x' })).toBe(0);
      expect(queue.refreshTokens(httpJob!.id, { TRACE_TOKEN: 'new-token' })).toBe(1);
      expect(queue.refreshTokens(httpJob!.id, { TRACE_TOKEN: 'new-token' })).toBe(0);
      expect(queue.getJob(httpJob!.id)!.destination).toMatchObject({ pushToken: 'new-token' });
      expect(queue.retry(httpJob!.id)).toBe(1);

      const again = queue.claimDue(Date.now() + 1)!;
      expect(again.id).toBe(httpJob!.id);
      queue.complete(again.id, { kind: 'delivered' }, policy);
      const done = queue.getJob(httpJob!.id)!;
      expect(done.state).toBe('delivered');
      expect(done.destination).toEqual({ type: 'http', url: URL_, tokenEnv: 'TRACE_TOKEN' });
      expect(queue.refreshTokens('all', { TRACE_TOKEN: 'later' })).toBe(0); // delivered jobs are left alone
      expect(queue.tokenEnvNames()).toEqual([]);
    } finally {
      db.close();
    }
  });
});
