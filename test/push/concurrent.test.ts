/**
 * Issue 3, "Must show": two developers (own clone, own daemon and key) push traced work to the same
 * remote at once: to different branches, and to the same branch where one push is rejected as
 * non-fast-forward, pulls with rebase and pushes again. Every attestation is on the remote afterwards
 * and a third clone verifies the whole history.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';
import {
  addBareRemote,
  allDelivered,
  ATTESTATIONS_REF,
  checkBundle,
  cloneAs,
  gitAsync,
  remoteBundles,
  status,
  tracedCommit,
  waitForPushes,
  type PushRow,
  type TestRepo,
  type Traced,
} from './helpers.js';

const settled = (p: PushRow[]) => p.length > 0 && p.every((x) => x.state === 'delivered');

/** The digests listed for `sha` on the remote's attestation ref. */
function digestsFor(t: TestRepo, bare: string, sha: string): string[] {
  return t.gitIn(bare, ['show', `${ATTESTATIONS_REF}:commits/${sha}`]).split('\n').filter(Boolean);
}

// three clones, six pushes and their deliveries: minutes on a loaded 2-core machine, seconds otherwise
describe('two clones pushing at once', { timeout: 240_000 }, () => {
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  it('keeps both attestations: different branches, then the same branch with a rejected push', async () => {
    const a = pool.create({ files: { 'README.md': '# demo\n' } });
    const bare = addBareRemote(a);
    const base = a.head();
    const b = cloneAs(pool, bare);
    expect(b.trace('key', 'show', '--fingerprint').stdout).not.toBe(a.trace('key', 'show', '--fingerprint').stdout);

    // different branches, pushed at the same time
    a.git('checkout', '-q', '-b', 'feat-a');
    const ta = tracedCommit(a, 'a.js', 'export const a = 1;\n');
    b.git('checkout', '-q', '-b', 'feat-b');
    const tb = tracedCommit(b, 'b.js', 'export const b = 2;\n');
    const [pa, pb] = await Promise.all([gitAsync(a, ['push', '-q', 'origin', 'feat-a']), gitAsync(b, ['push', '-q', 'origin', 'feat-b'])]);
    expect(pa.code, pa.stderr).toBe(0);
    expect(pb.code, pb.stderr).toBe(0);
    const [[ja], [jb]] = await Promise.all([waitForPushes(a, allDelivered(1)), waitForPushes(b, allDelivered(1))]);
    expect(ja!.commits).toEqual([ta.sha]);
    expect(jb!.commits).toEqual([tb.sha]);
    let stored = remoteBundles(a, bare);
    expect([...stored.keys()].sort()).toEqual([ja!.attestation_digest, jb!.attestation_digest].sort());
    expect(digestsFor(a, bare, ta.sha)).toEqual([ja!.attestation_digest]);
    expect(digestsFor(a, bare, tb.sha)).toEqual([jb!.attestation_digest]);

    // the same branch: both commit on main and push at once; git lets exactly one through
    a.git('checkout', '-q', 'main');
    b.git('checkout', '-q', 'main');
    const ta2 = tracedCommit(a, 'a2.js', 'export const a2 = 1;\n');
    const tb2 = tracedCommit(b, 'b2.js', 'export const b2 = 2;\n');
    const results = await Promise.all([gitAsync(a, ['push', '-q', 'origin', 'main']), gitAsync(b, ['push', '-q', 'origin', 'main'])]);
    const winners = results.filter((r) => r.code === 0);
    expect(winners, results.map((r) => r.stderr).join('\n')).toHaveLength(1);
    const loserIdx = results.findIndex((r) => r.code !== 0);
    expect(results[loserIdx]!.stderr).toMatch(/rejected|fetch first|non-fast-forward|failed to push/);
    const [winner, loser] = loserIdx === 0 ? [b, a] : [a, b];
    const [wTraced, lTraced]: Traced[] = loserIdx === 0 ? [tb2, ta2] : [ta2, tb2];

    // the loser pulls with rebase (its traced commit gets a new SHA) and pushes again
    loser.git('pull', '-q', '--rebase', 'origin', 'main');
    const rebased = loser.head();
    expect(rebased).not.toBe(lTraced.sha);
    expect(loser.trailers(rebased).join('\n')).toContain(lTraced.session);
    const again = await gitAsync(loser, ['push', '-q', 'origin', 'main']);
    expect(again.code, again.stderr).toBe(0);
    expect(a.gitIn(bare, ['rev-parse', 'main']).trim()).toBe(rebased);

    const [wPushes, lPushes] = await Promise.all([
      waitForPushes(winner, (p) => settled(p) && p.some((x) => x.commits.includes(wTraced.sha))),
      waitForPushes(loser, (p) => settled(p) && p.some((x) => x.commits.includes(rebased))),
    ]);
    const wJob = wPushes.find((x) => x.commits.includes(wTraced.sha))!;
    const lJob = lPushes.find((x) => x.commits.includes(rebased))!;
    expect(wJob.commits).toEqual([wTraced.sha]);
    expect(lJob.commits).toEqual([rebased]);

    stored = remoteBundles(a, bare);
    for (const d of [ja!.attestation_digest, jb!.attestation_digest, wJob.attestation_digest, lJob.attestation_digest]) expect(stored.has(d)).toBe(true);
    expect(digestsFor(a, bare, wTraced.sha)).toEqual([wJob.attestation_digest]);
    expect(digestsFor(a, bare, rebased)).toEqual([lJob.attestation_digest]);
    // every delivered push of both developers is on the remote, and every bundle is schema-valid and prompt-free
    for (const p of [...status(a).pushes, ...status(b).pushes]) expect(stored.has(p.attestation_digest)).toBe(true);
    for (const bundle of stored.values()) checkBundle(bundle, [ta, tb, ta2, tb2]);
    expect(a.gitIn(bare, ['ls-tree', '--name-only', `${ATTESTATIONS_REF}:keys`]).split('\n').filter(Boolean)).toHaveLength(2);

    // a third clone verifies all of it offline
    const c = pool.create({ init: false });
    c.git('remote', 'add', 'origin', bare);
    c.git('fetch', '-q', 'origin');
    c.git('reset', '-q', '--hard', 'origin/main');
    expect(c.trace('fetch').code).toBe(0);
    const v = c.trace('verify', '--range', `${base}..origin/main`);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^OK: 2 traced commit\(s\)/);
    for (const sha of [ta.sha, tb.sha]) {
      const r = c.trace('verify', '--commit', sha);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});
