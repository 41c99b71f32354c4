/**
 * Issue 11, nothing silently unattested: traced commits that reach a remote past the pre-push hook
 * (`git push --no-verify`) or through a pre-push whose attestation failed (a malformed
 * `.chainloop.yml`) are named in `trace status` with the reason, `trace attestation show` says so
 * instead of "push the commit first", and `trace push --retry` attests them once the cause is fixed.
 * Real repositories, a bare remote, the real daemon.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../src/protocol/types.js';
import { until } from '../helpers/proc.js';
import { RepoPool } from '../helpers/repo.js';
import { addBareRemote, remoteBundles, statementOf, tracedCommit, waitForPushes, type TestRepo } from './helpers.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const unattested = (t: TestRepo) => (t.json<StatusResponse>('status').warnings ?? []).filter((w) => w.code === 'UNATTESTED');

/** Polls trace status until `done` holds for its UNATTESTED warnings. */
function waitForWarnings(t: TestRepo, done: (w: ReturnType<typeof unattested>) => boolean): Promise<ReturnType<typeof unattested>> {
  let last: ReturnType<typeof unattested> = [];
  return until('the UNATTESTED warnings', () => (done((last = unattested(t))) ? last : undefined), {
    intervalMs: 150,
    describe: () => `${JSON.stringify(last)}\n--- daemon log:\n${t.daemonLog().slice(-3000)}`,
  });
}

/** The commits the attestations on the (bare) remote's ref cover. */
function attestedOnRemote(t: TestRepo, bare: string): string[] {
  return [...remoteBundles(t, bare).values()].flatMap((b) => statementOf(b).statement.subject.map((s) => s.digest.gitCommit));
}

describe('traced commits that reached a remote without an attestation', () => {
  it('git push --no-verify: named in trace status and by trace attestation show; not picked up by the next push; trace push --retry attests them', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const bare = addBareRemote(t);
    const a = tracedCommit(t, 'a.js', 'export const a = 1;\n');
    t.git('push', '-q', '--no-verify', 'origin', 'main');

    // the daemon finds it from the remote-tracking ref, before any other push
    const [w] = await waitForWarnings(t, (ws) => ws.length === 1);
    expect(w!.message).toBe(`${t.repo}: 1 traced commit(s) on a remote are not attested: ${a.sha.slice(0, 12)} reached origin without an attestation (no pre-push hook ran for it: pushed with git push --no-verify, or with the hooks bypassed)`);
    expect(w!.fix).toContain('run `trace push --retry`');
    const text = t.trace('status').stdout;
    expect(text).toContain(`warning: ${w!.message}`);

    const show = t.trace('attestation', 'show', a.sha);
    expect(show.code).not.toBe(0);
    expect(show.stderr).toContain(`no attestation for ${a.sha.slice(0, 12)}: it reached origin without an attestation (no pre-push hook ran for it`);
    expect(show.stderr).toContain('run trace push --retry to attest it');
    expect(show.stderr).not.toContain('push the commit first');

    // the next push attests its own commit only, and reports the one it missed
    const b = tracedCommit(t, 'b.js', 'export const b = 2;\n');
    t.git('push', '-q', 'origin', 'main');
    const first = await waitForPushes(t, (p) => p.length === 1 && p[0]!.state === 'delivered');
    expect(first[0]!.commits).toEqual([b.sha]);
    expect((await waitForWarnings(t, (ws) => ws.length === 1))[0]!.message).toContain(`${a.sha.slice(0, 12)} reached origin`);
    // logged after the push was queued, so possibly after its delivery and the warning
    await until('the daemon to log the missed commits', () => t.daemonLog().includes('traced commits reached a remote without an attestation'), { timeoutMs: 10_000 });

    const retry = t.trace('push', '--retry');
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toMatch(new RegExp(`^attested 1 commit\\(s\\) of ${t.repo} that reached origin without an attestation \\(${a.sha.slice(0, 12)}\\): push \\d+, 1 delivery job\\(s\\) queued$`, 'm'));
    const pushes = await waitForPushes(t, (p) => p.length === 2 && p.every((x) => x.state === 'delivered'));
    expect(pushes.flatMap((p) => p.commits).sort()).toEqual([a.sha, b.sha].sort());
    expect(unattested(t)).toEqual([]);
    expect(attestedOnRemote(t, bare).sort()).toEqual([a.sha, b.sha].sort());
    const shown = t.trace('attestation', 'show', a.sha);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`commits:  ${a.sha.slice(0, 12)}`);
    expect(shown.stdout).toContain(`sessions: ${a.session}`);

    // nothing left: a second retry attests nothing again
    const again = t.trace('push', '--retry');
    expect(again.stdout).not.toContain('attested');
  }, 180_000);

  it('a malformed .chainloop.yml at push time: the reason in trace status; retry reports it while it remains, attests once fixed', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const bare = addBareRemote(t);
    const config = path.join(t.repo, '.chainloop.yml');
    const good = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(config, `${good}destinations: [unclosed\n`);
    t.git('commit', '-q', '-am', 'break the config');
    const a = tracedCommit(t, 'a.js', 'export const a = 1;\n');
    t.git('push', '-q', 'origin', 'main'); // not enforced: git goes on; the attestation cannot be built

    const [w] = await waitForWarnings(t, (ws) => ws.length === 1);
    expect(w!.message).toContain(`${a.sha.slice(0, 12)} reached origin without an attestation (its pre-push failed: `);
    expect(w!.message).toContain('.chainloop.yml');
    expect(w!.message).toContain('invalid YAML');
    expect(w!.fix).toContain('fix the cause');
    expect(t.spoolFiles('dead')).toEqual([]); // reported once, with its reason: not also a dead letter

    const still = t.trace('push', '--retry');
    expect(still.code).toBe(1);
    expect(still.stderr).toContain(`could not attest 1 commit(s) of ${t.repo} that reached origin without an attestation (${a.sha.slice(0, 12)}): `);
    expect(still.stderr).toContain('invalid YAML');
    expect(unattested(t)).toHaveLength(1);

    fs.writeFileSync(config, good);
    t.git('commit', '-q', '-am', 'fix the config');
    const retry = t.trace('push', '--retry');
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain(`attested 1 commit(s) of ${t.repo} that reached origin without an attestation (${a.sha.slice(0, 12)})`);
    const pushes = await waitForPushes(t, (p) => p.length === 1 && p[0]!.state === 'delivered');
    expect(pushes[0]!.commits).toEqual([a.sha]);
    expect(unattested(t)).toEqual([]);
    expect(attestedOnRemote(t, bare)).toEqual([a.sha]);
  }, 180_000);
});
