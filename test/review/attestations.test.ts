import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allowedSignersLine, parseAllowedSigners } from '../../src/review/allowed-signers.js';
import { loadAttestations } from '../../src/review/attestations.js';
import { deliver, newKey, rewriteRemoteFile, sandbox, sessionData, signAttestation, tamperPayload, type Sandbox } from './fixtures.js';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

const fromRemote = { kind: 'git' as const, remote: 'origin', fetch: true };

describe('loadAttestations', () => {
  it('fetches the remote ref and verifies every bundle with the delivered keys', async () => {
    sb = sandbox();
    const key = newKey(sb, 'alice');
    const c1 = sb.commit('a.txt', 'a\n', 'a');
    const bundle = await signAttestation(key, [c1], [sessionData('s-1')]);
    const digest = await deliver(sb, key, bundle, [c1]);
    // a fresh clone knows nothing until it fetches
    sb.git('update-ref', '-d', 'refs/chainloop-trace/remote-attestations');
    sb.git('update-ref', '-d', 'refs/chainloop-trace/attestations');

    const noFetch = await loadAttestations({ repo: sb.repo, from: { ...fromRemote, fetch: false }, env: sb.env });
    expect(noFetch.verified).toEqual([]);

    const r = await loadAttestations({ repo: sb.repo, from: fromRemote, env: sb.env });
    expect(r.remoteHasRef).toBe(true);
    expect(r.rejected).toEqual([]);
    expect(r.verified).toHaveLength(1);
    expect(r.verified[0]).toMatchObject({ digest, keyFingerprint: key.fingerprint, commits: [c1] });
    expect(r.verified[0]!.sessions.map((s) => s.session?.id)).toEqual(['s-1']);
  });

  it('reports a bundle whose signed payload was changed, and does not use it', async () => {
    sb = sandbox();
    const key = newKey(sb, 'alice');
    const c1 = sb.commit('a.txt', 'a\n', 'a');
    const good = await signAttestation(key, [c1], [sessionData('s-1')]);
    const digest = await deliver(sb, key, good, [c1]);
    const forged = tamperPayload(good, (st) => (st.predicate.materials[0].data.usage.total_tokens = 1));
    // in place (same file name) and re-filed under its own digest: both refused, for different reasons
    rewriteRemoteFile(sb, `bundles/${digest}.json`, forged);
    let r = await loadAttestations({ repo: sb.repo, from: fromRemote, env: sb.env });
    expect(r.verified).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toMatch(/was modified/);
    expect(r.rejected[0]!.claimedSessions).toEqual(['s-1']);

    const { createHash } = await import('node:crypto');
    const forgedDigest = createHash('sha256').update(forged).digest('hex');
    rewriteRemoteFile(sb, `bundles/${digest}.json`, good);
    rewriteRemoteFile(sb, `bundles/${forgedDigest}.json`, forged);
    r = await loadAttestations({ repo: sb.repo, from: fromRemote, env: sb.env });
    expect(r.verified.map((v) => v.digest)).toEqual([digest]);
    expect(r.rejected).toEqual([expect.objectContaining({ digest: forgedDigest, reason: expect.stringMatching(/signature does not verify/) })]);
  });

  it('reads a folder of bundles with --key, and refuses a bundle whose key nobody gave', async () => {
    sb = sandbox();
    const alice = newKey(sb, 'alice');
    const mallory = newKey(sb, 'mallory');
    const c1 = sb.commit('a.txt', 'a\n', 'a');
    const dir = path.join(sb.root, 'bundles');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'one.json'), await signAttestation(alice, [c1], [sessionData('s-1')]));
    fs.writeFileSync(path.join(dir, 'two.json'), await signAttestation(mallory, [c1], [sessionData('s-2')]));
    const r = await loadAttestations({ repo: sb.repo, from: { kind: 'dir', dir }, keys: [alice.publicKeyPem] });
    expect(r.verified.map((v) => v.sessions[0]!.session?.id)).toEqual(['s-1']);
    expect(r.rejected).toEqual([expect.objectContaining({ source: path.join(dir, 'two.json'), reason: expect.stringContaining(mallory.fingerprint) })]);
  });

  describe('with an allowed-signers list', () => {
    it('counts only the listed keys, each for its own identities', async () => {
      sb = sandbox();
      const alice = newKey(sb, 'alice');
      const mallory = newKey(sb, 'mallory');
      const c1 = sb.commit('a.txt', 'a\n', 'a', 'alice@example.com');
      const c2 = sb.commit('b.txt', 'b\n', 'b', 'bob@example.com');
      // mallory can push to the ref: her key is delivered there, so without the list it would count
      await deliver(sb, alice, await signAttestation(alice, [c1], [sessionData('s-alice')]), [c1]);
      await deliver(sb, mallory, await signAttestation(mallory, [c1], [sessionData('s-mallory')]), [c1]);
      await deliver(sb, alice, await signAttestation(alice, [c2], [sessionData('s-bob')]), [c2]);

      const open = await loadAttestations({ repo: sb.repo, from: fromRemote, env: sb.env });
      expect(open.verified).toHaveLength(3);

      const allowed = parseAllowedSigners(`# team\n${allowedSignersLine('alice@example.com', alice.publicKeyPem)}\n`, 'allowed_signers');
      const r = await loadAttestations({ repo: sb.repo, from: fromRemote, env: sb.env, allowedSigners: allowed });
      expect(r.verified.map((v) => v.sessions[0]!.session?.id)).toEqual(['s-alice']);
      const reasons = r.rejected.map((x) => `${x.claimedSessions[0]}: ${x.reason}`).sort();
      expect(reasons[0]).toMatch(/^s-bob: .*allows for alice@example.com only, but commit .* is by bob@example.com/);
      expect(reasons[1]).toMatch(new RegExp(`^s-mallory: signed by ${mallory.fingerprint.replace(/[+/]/g, '.')}, which allowed_signers does not list`));
    });

    it('accepts a fingerprint line when the key itself is delivered, and rejects malformed lines', () => {
      const parsed = parseAllowedSigners('*@example.com SHA256:abc\n', 'f');
      expect(parsed.signers[0]).toMatchObject({ principals: ['*@example.com'], fingerprint: 'SHA256:abc', pem: null });
      expect(() => parseAllowedSigners('alice@example.com ssh-ed25519 AAAA\n', 'f')).toThrow(/f:1: .*no ecdsa-sha2-nistp256 key/);
      expect(() => parseAllowedSigners('alice@example.com ecdsa-sha2-nistp256 AAAA\n', 'f')).toThrow(/not a valid ecdsa-sha2-nistp256/);
    });
  });
});
