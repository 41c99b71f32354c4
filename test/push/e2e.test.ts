/**
 * Issue 3, "Must show": push → one signed attestation delivered to the git remote; a fresh clone
 * fetches and verifies it; one changed byte makes verification fail; openssl verifies the signature
 * over a PAE rebuilt by hand. Also: pushes of human-only commits create no work.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';
import {
  addBareRemote,
  allDelivered,
  ATTESTATIONS_REF,
  bundleJson,
  checkBundle,
  envelopeOf,
  humanCommit,
  remoteBundles,
  statementOf,
  tracedCommit,
  waitForPushes,
  type TestRepo,
} from './helpers.js';

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The DSSE pre-authentication encoding, built from the spec: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
function pae(payloadType: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${body.length} `, 'utf8'), body]);
}

/** The bundle with one byte of its statement changed (a letter of the project name, XOR 1), formatting kept. */
function tamperStatement(bundle: string): string {
  const obj = JSON.parse(bundle) as { dsseEnvelope: { payload: string } };
  const body = Buffer.from(obj.dsseEnvelope.payload, 'base64');
  const at = body.indexOf('"projectName":"test"');
  expect(at).toBeGreaterThan(0);
  const i = at + '"projectName":"'.length;
  body[i] = body[i]! ^ 0x01; // "test" → "uest"
  const payload = body.toString('base64');
  expect(payload).not.toBe(obj.dsseEnvelope.payload);
  const out = bundle.replace(obj.dsseEnvelope.payload, payload);
  expect(out).not.toBe(bundle);
  return out;
}

/** Replaces (or adds) files in `ref`'s tree through plumbing only: temp index, write-tree, commit-tree, update-ref. */
function rewriteRef(t: TestRepo, ref: string, files: Record<string, string>, remove: string[] = []): void {
  const index = path.join(t.tmp, `idx-${Date.now()}`);
  const env = { GIT_INDEX_FILE: index };
  t.sh(`git read-tree ${ref}`, env);
  for (const p of remove) t.sh(`git update-index --force-remove '${p}'`, env);
  for (const [p, content] of Object.entries(files)) {
    const blob = t.gitIn(t.repo, ['hash-object', '-w', '--stdin'], content).trim();
    t.sh(`git update-index --add --cacheinfo 100644,${blob},'${p}'`, env);
  }
  const tree = t.sh('git write-tree', env).trim();
  const commit = t.sh(`git commit-tree ${tree} -p ${ref} -m tamper`).trim();
  t.git('update-ref', ref, commit);
  fs.rmSync(index, { force: true });
}

// several clones, pushes and deliveries each: minutes on a loaded 2-core machine, seconds otherwise
describe('push end to end (git destination)', { timeout: 240_000 }, () => {
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  it('delivers one signed attestation; a fresh clone verifies it; a changed byte fails; openssl agrees', async () => {
    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    const bare = addBareRemote(t);
    const base = t.head();
    const a = tracedCommit(t, 'src/greet.js', 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n');
    humanCommit(t, 'NOTES.md', 'Written by hand.\n');
    const b = tracedCommit(t, 'src/main.js', "import { greet } from './greet.js';\nconsole.log(greet('x'));\n");

    t.git('push', '-q', 'origin', 'main');
    const [job] = await waitForPushes(t, allDelivered(1));
    expect(job).toMatchObject({ remote: 'origin', destination: 'git:origin', state: 'delivered', attempts: 1, last_error: null, next_attempt_at: null });
    expect(fs.realpathSync(job!.repo)).toBe(fs.realpathSync(t.repo));
    expect([...job!.commits].sort()).toEqual([a.sha, b.sha].sort());

    // the remote holds exactly this attestation, under its digest, indexed by each commit
    const stored = remoteBundles(t, bare);
    expect([...stored.keys()]).toEqual([job!.attestation_digest]);
    const storedBundle = stored.get(job!.attestation_digest)!;
    expect(sha256(storedBundle)).toBe(job!.attestation_digest);
    for (const c of [a.sha, b.sha]) expect(t.gitIn(bare, ['show', `${ATTESTATIONS_REF}:commits/${c}`]).trim()).toBe(job!.attestation_digest);
    const statement = checkBundle(storedBundle, [a, b], [a.sha, b.sha]);
    const sessionMaterials = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'CHAINLOOP_AI_CODING_SESSION');
    expect(sessionMaterials.map((m) => (m.data.session as { id: string }).id).sort()).toEqual([a.session, b.session].sort());
    // trace init's committed .claude/settings.json: Claude Code is configured here
    expect(statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'CHAINLOOP_AI_AGENT_CONFIG').map((m) => (m.data.agent as { name: string }).name)).toEqual(['claude-code']);
    expect(JSON.parse(storedBundle)).toMatchObject({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });

    // `trace attestation show HEAD --json` is the same bundle
    const shown = bundleJson(t, 'HEAD');
    expect(JSON.parse(shown)).toEqual(JSON.parse(storedBundle));
    checkBundle(shown, [a, b]);

    // a fresh clone of another developer: fetch, verify the range offline
    const c = pool.create({ init: false });
    c.git('remote', 'add', 'origin', bare);
    c.git('fetch', '-q', 'origin');
    c.git('reset', '-q', '--hard', 'origin/main');
    expect(c.trace('verify', '--range', `${base}..HEAD`).code).not.toBe(0); // nothing fetched yet
    const fetched = c.trace('fetch');
    expect(fetched.code, fetched.stderr).toBe(0);
    const ok = c.trace('verify', '--range', `${base}..HEAD`);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: 2 traced commit\(s\)/);
    for (const sha of [a.sha, b.sha]) {
      const v = c.trace('verify', '--commit', sha);
      expect(v.code, v.stderr).toBe(0);
    }

    // the bundle as a file: verifies; one changed byte in the statement does not
    const file = path.join(c.tmp, 'bundle.json');
    fs.writeFileSync(file, shown);
    const good = c.trace('verify', file);
    expect(good.code, good.stderr).toBe(0);
    const badFile = path.join(c.tmp, 'tampered.json');
    fs.writeFileSync(badFile, tamperStatement(shown));
    const bad = c.trace('verify', badFile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/FAILED: .*signature/);

    // tamper with the clone's stored copy through git plumbing: --range fails
    const original = c.git('rev-parse', ATTESTATIONS_REF).trim();
    const bundlePath = `bundles/${job!.attestation_digest}.json`;
    const tampered = tamperStatement(c.git('show', `${ATTESTATIONS_REF}:${bundlePath}`));
    rewriteRef(c, ATTESTATIONS_REF, { [bundlePath]: tampered });
    let r = c.trace('verify', '--range', `${base}..HEAD`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAILED: stored bundle .* was modified/);

    // … and when the tampered bundle is filed consistently under its own digest, the signature catches it
    c.git('update-ref', ATTESTATIONS_REF, original);
    const d2 = sha256(tampered);
    rewriteRef(c, ATTESTATIONS_REF, { [`bundles/${d2}.json`]: tampered, [`commits/${a.sha}`]: `${d2}\n`, [`commits/${b.sha}`]: `${d2}\n` }, [bundlePath]);
    r = c.trace('verify', '--range', `${base}..HEAD`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature does not verify/);
    r = c.trace('verify', '--commit', b.sha);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/signature does not verify/);

    // independent check: rebuild the PAE and verify the DER signature with openssl, key from `trace key show`
    const keyPem = t.trace('key', 'show');
    expect(keyPem.code).toBe(0);
    expect(keyPem.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const fp = t.trace('key', 'show', '--fingerprint').stdout.trim();
    const keysOnRemote = t.gitIn(bare, ['ls-tree', '--name-only', `${ATTESTATIONS_REF}:keys`]).split('\n').filter(Boolean);
    expect(keysOnRemote).toHaveLength(1);
    expect(t.gitIn(bare, ['show', `${ATTESTATIONS_REF}:keys/${keysOnRemote[0]}`])).toBe(keyPem.stdout);
    const env = envelopeOf(storedBundle);
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(env.signatures).toHaveLength(1);
    expect(env.signatures[0]!.keyid).toBe(fp);
    const dir = path.join(t.tmp, 'openssl');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pub.pem'), keyPem.stdout);
    fs.writeFileSync(path.join(dir, 'sig.der'), Buffer.from(env.signatures[0]!.sig, 'base64'));
    fs.writeFileSync(path.join(dir, 'pae.bin'), pae(env.payloadType, Buffer.from(env.payload, 'base64')));
    const tamperedEnv = envelopeOf(tampered);
    fs.writeFileSync(path.join(dir, 'pae-tampered.bin'), pae(tamperedEnv.payloadType, Buffer.from(tamperedEnv.payload, 'base64')));
    const openssl = (paeFile: string) =>
      spawnSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', paeFile], { cwd: dir, encoding: 'utf8' });
    const v = openssl('pae.bin');
    expect(v.stdout.trim(), v.stderr).toBe('Verified OK');
    expect(v.status).toBe(0);
    const vBad = openssl('pae-tampered.bin');
    expect(vBad.status).not.toBe(0);
    expect(vBad.stdout).toMatch(/Verification failure/);
    expect(statementOf(storedBundle).text).toBe(Buffer.from(env.payload, 'base64').toString('utf8'));
  });

  it('creates no push job for commits no session touched', async () => {
    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    const bare = addBareRemote(t);
    const marker = path.join(t.repo, '.git', 'chainloop-trace', 'unpushed');

    // never traced: the pre-push hook does nothing at all
    humanCommit(t, 'a.txt', 'a\n');
    expect(fs.existsSync(marker)).toBe(false);
    t.git('push', '-q', 'origin', 'main');

    // a traced commit waits on a branch (the marker is set), human-only work is pushed meanwhile
    t.git('checkout', '-q', '-b', 'feature');
    const traced = tracedCommit(t, 'feature.js', 'export const x = 1;\n');
    t.git('checkout', '-q', 'main');
    humanCommit(t, 'b.txt', 'b\n');
    humanCommit(t, 'c.txt', 'c\n');
    expect(fs.existsSync(marker)).toBe(true);
    t.git('push', '-q', 'origin', 'main');
    t.git('push', '-q', 'origin', 'main:refs/heads/human-only'); // a new branch, human-only
    // the spool is ingested in order: once the feature push is delivered, the earlier pushes were handled
    t.git('push', '-q', 'origin', 'feature');
    const pushes = await waitForPushes(t, allDelivered(1));
    expect(pushes[0]!.commits).toEqual([traced.sha]);
    checkBundle(remoteBundles(t, bare).get(pushes[0]!.attestation_digest)!, [traced], [traced.sha]);

    // and after everything traced is pushed, more human work (and re-pushing attested commits) adds nothing
    humanCommit(t, 'd.txt', 'd\n');
    t.git('push', '-q', 'origin', 'main');
    t.git('push', '-q', 'origin', 'feature:refs/heads/feature-copy'); // traced, but already attested for origin
    t.git('checkout', '-q', '-b', 'sentinel');
    const last = tracedCommit(t, 'sentinel.js', 'export const y = 2;\n');
    t.git('push', '-q', 'origin', 'sentinel');
    const after = await waitForPushes(t, allDelivered(2));
    expect(after.map((p) => p.commits)).toEqual([[last.sha], [traced.sha]]);
  });
});
