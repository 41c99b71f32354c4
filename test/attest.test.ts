import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKey, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE, publicKeyFingerprint, type SigningKey } from '../src/attest/key.js';
import { bundleDigest } from '../src/attest/digest.js';
import { serializeBundle, signStatement, type AttestationBundle } from '../src/attest/sign.js';
import {
  buildStatement,
  commitSubjectName,
  serializeStatement,
  sessionMaterial,
  type SessionMaterial,
  type Statement,
} from '../src/attest/statement.js';
import { validateSessionData, verifyBundle } from '../src/attest/verify.js';
import { main } from '../src/cli/main.js';
import type { CliContext } from '../src/cli/context.js';
import { tracePaths } from '../src/paths.js';

/** `trace key …` through the CLI's error boundary. */
const keyCommand = (args: string[], ctx: CliContext): Promise<number> => main(['key', ...args], ctx);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `data` of Chainloop's example material (pkg/attestation/crafter/materials/testdata/ai-coding-session-with-attribution.json). */
const exampleData = {
  schema_version: 'v1',
  agent: { name: 'claude-code', version: '2.1.92' },
  session: {
    id: '1dea3f43-4c8f-4625-8732-349613261162',
    slug: 'keen-juggling-hickey',
    started_at: '2026-04-06T17:59:31.566Z',
    ended_at: '2026-04-06T17:59:46.098Z',
    duration_seconds: 14,
  },
  git_context: {
    repository: 'git@github.com:jiparis/workflow-tests.git',
    branch: 'add-credits-comment',
    work_dir: '/Users/jiparis/projects/playground/workflow-tests',
    commit_start: 'f9ab7b49bd2f94a8925d55821792308f6ec87a57',
    commit_end: 'f9ab7b49bd2f94a8925d55821792308f6ec87a57',
    commits: ['f9ab7b49bd2f94a8925d55821792308f6ec87a57'],
    commit_count: 1,
  },
  code_changes: {
    files_modified: 0,
    files_created: 2,
    files_deleted: 0,
    lines_added: 11,
    lines_removed: 0,
    ai_lines_added: 8,
    ai_lines_removed: 0,
    human_lines_added: 3,
    human_lines_removed: 0,
    files: [
      { path: 'go.mod', status: 'created', lines_added: 3, lines_removed: 0, attribution: 'human' },
      {
        path: 'main.go',
        status: 'created',
        lines_added: 8,
        lines_removed: 0,
        attribution: 'ai',
        line_ranges: [{ start: 6, end: 6 }],
        session_ids: ['1dea3f43-4c8f-4625-8732-349613261162'],
      },
    ],
  },
  model: { primary: 'claude-opus-4-6', provider: 'anthropic', models_used: ['claude-opus-4-6'] },
  usage: {
    input_tokens: 8,
    output_tokens: 294,
    total_tokens: 302,
    cache_read_input_tokens: 91602,
    cache_creation_input_tokens: 22159,
    estimated_cost_usd: 0.1917,
  },
  tools_used: {
    summary: [
      { tool_name: 'Read', invocation_count: 1 },
      { tool_name: 'Edit', invocation_count: 1 },
    ],
    total_invocations: 2,
  },
  conversation: { total_messages: 7, user_messages: 3, assistant_messages: 4 },
  subagents: [],
  raw_session: {
    main: [{ type: 'permission-mode', permissionMode: 'default', sessionId: '1dea3f43-4c8f-4625-8732-349613261162' }],
  },
  warnings: [],
};

const minimalData = {
  schema_version: 'v1',
  agent: { name: 'codex' },
  session: { id: 'session-2', started_at: '2026-04-07T10:00:00Z', duration_seconds: 0 },
};

const SHA_A = 'f9ab7b49bd2f94a8925d55821792308f6ec87a57';
const SHA_B = '0123456789abcdef0123456789abcdef01234567';

let tmp: string;
let signingKey: SigningKey;
let keyDir: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-attest-'));
  keyDir = tracePaths({ TRACE_HOME: path.join(tmp, 'trace') }).keyDir;
  signingKey = loadOrCreateKey(keyDir);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function statementWith(materials: SessionMaterial[], commits = [SHA_A, SHA_B], key = signingKey): Statement {
  return buildStatement({
    commits: commits.map((sha) => ({ sha, name: 'https://github.com/acme/widgets.git' })),
    materials,
    project: { projectName: 'widgets', organization: 'acme' },
    publicKeyFingerprint: key.fingerprint,
    createdAt: '2026-04-07T12:00:00.000Z',
    toolVersion: '0.1.0',
  });
}

function sampleStatement(): Statement {
  return statementWith([sessionMaterial(exampleData), sessionMaterial(minimalData)]);
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function envelopeOf(bundle: AttestationBundle): { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] } {
  const content = bundle as unknown as { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid: string }[] } };
  return content.dsseEnvelope;
}

function flipBit(base64: string, byteIndex: number, mask = 0x01): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[byteIndex]! ^= mask;
  return bytes.toString('base64');
}

describe('signing key', () => {
  it('creates the key with private 0600, public 0644 and dir 0700, and reuses it', () => {
    expect(fs.statSync(keyDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(keyDir, PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(keyDir, PUBLIC_KEY_FILE)).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(path.join(keyDir, PUBLIC_KEY_FILE), 'utf8')).toBe(signingKey.publicKeyPem);
    expect(signingKey.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const again = loadOrCreateKey(keyDir);
    expect(again.publicKeyPem).toBe(signingKey.publicKeyPem);
    expect(again.fingerprint).toBe(signingKey.fingerprint);
    expect(signingKey.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('restores a missing public key file from the private key', () => {
    fs.rmSync(path.join(keyDir, PUBLIC_KEY_FILE));
    expect(loadOrCreateKey(keyDir).publicKeyPem).toBe(signingKey.publicKeyPem);
    expect(fs.readFileSync(path.join(keyDir, PUBLIC_KEY_FILE), 'utf8')).toBe(signingKey.publicKeyPem);
  });

  it('rejects a corrupt private key with what to do', () => {
    const dir = path.join(tmp, 'corrupt-keys');
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(path.join(dir, PRIVATE_KEY_FILE), 'garbage', { mode: 0o600 });
    expect(() => loadOrCreateKey(dir)).toThrow(/not a readable PEM private key; move it away/);
  });

  it('computes the fingerprint ssh-keygen prints (fixed vector)', () => {
    const pem = [
      '-----BEGIN PUBLIC KEY-----',
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2Cwru/cXwtwuaqaEAheDevAi0jhg',
      '3j052MvOIIXhWZlcezOw5TtnsFLaYJLjHwRezdGr1wTiTbZyNPamANsWwA==',
      '-----END PUBLIC KEY-----',
      '',
    ].join('\n');
    expect(publicKeyFingerprint(pem)).toBe('SHA256:5ZFtH9Vtn8gXvh+rXgko8r8HWuTl48XCToPTjYqxzBY');
  });

  // ssh-keygen and openssl are installed by .ci/run: a missing one fails these tests
  it('matches `ssh-keygen -lf` for the generated key', () => {
    const pubPath = path.join(tmp, 'pub-for-ssh.pem');
    fs.writeFileSync(pubPath, signingKey.publicKeyPem);
    const openssh = execFileSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', pubPath], { encoding: 'utf8' });
    const sshPath = path.join(tmp, 'pub.ssh');
    fs.writeFileSync(sshPath, openssh);
    const line = execFileSync('ssh-keygen', ['-lf', sshPath], { encoding: 'utf8' });
    expect(line.split(' ')[1]).toBe(signingKey.fingerprint);
  });

  it('gives concurrent first use by several processes one key', async () => {
    const moduleDir = path.join(tmp, 'compiled');
    for (const rel of ['src/errors.ts', 'src/attest/key.ts']) {
      const source = fs.readFileSync(path.join(repoRoot, rel), 'utf8');
      const out = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      const dest = path.join(moduleDir, rel.replace(/\.ts$/, '.mjs'));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, out.replace(/'\.\.\/errors\.js'/g, "'../errors.mjs'"));
    }
    const raceDir = path.join(tmp, 'race', 'keys');
    const startAt = Date.now() + 400;
    const script = `
      const { loadOrCreateKey } = await import(${JSON.stringify(path.join(moduleDir, 'src/attest/key.mjs'))});
      while (Date.now() < ${startAt}) {}
      process.stdout.write(loadOrCreateKey(${JSON.stringify(raceDir)}).fingerprint);
    `;
    const runs = Array.from({ length: 8 }, () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
      }),
    );
    const fingerprints = await Promise.all(runs);
    expect(new Set(fingerprints).size).toBe(1);
    expect(fingerprints[0]).toBe(loadOrCreateKey(raceDir).fingerprint);
    expect(fs.readdirSync(raceDir).sort()).toEqual([PRIVATE_KEY_FILE, PUBLIC_KEY_FILE].sort());
  }, 20_000);
});

describe('statement', () => {
  it('builds an in-toto v1 statement with git commit subjects in a fixed key order', () => {
    const statement = buildStatement({
      commits: [
        { sha: SHA_A.toUpperCase(), name: 'https://user:token@github.com/acme/widgets.git' },
        { sha: SHA_A, name: 'https://github.com/acme/widgets.git' },
        { sha: SHA_B, name: 'widgets' },
      ],
      materials: [sessionMaterial(minimalData)],
      project: { projectName: 'widgets' },
      publicKeyFingerprint: signingKey.fingerprint,
      createdAt: new Date('2026-04-07T12:00:00Z'),
    });
    expect(statement.subject).toEqual([
      { name: `git:https://github.com/acme/widgets.git@${SHA_A}`, digest: { gitCommit: SHA_A } },
      { name: `git:widgets@${SHA_B}`, digest: { gitCommit: SHA_B } },
    ]);
    expect(Object.keys(statement)).toEqual(['_type', 'subject', 'predicateType', 'predicate']);
    expect(Object.keys(statement.predicate.metadata)).toEqual(['name', 'version', 'projectName', 'createdAt', 'signer']);
    expect(statement.predicate.metadata.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(statement.predicate.metadata.createdAt).toBe('2026-04-07T12:00:00.000Z');
    expect(Object.keys(statement.predicate.materials[0]!)).toEqual(['schema', 'chainloop.material.evidence.id', 'data']);
    expect(serializeStatement(statement).equals(serializeStatement(clone(statement)))).toBe(true);
    expect(commitSubjectName('', SHA_A)).toBe(`git:${SHA_A}`);
  });

  it('rejects short or non-hex commit ids', () => {
    expect(() => statementWith([], ['abc123'])).toThrow(/not a full 40 or 64 hex digit git object id/);
  });

  it('validates session data against the Chainloop schema', () => {
    expect(validateSessionData(exampleData)).toEqual([]);
    expect(validateSessionData(minimalData)).toEqual([]);
    expect(validateSessionData({ ...minimalData, usage: 5 })).toEqual(['/usage must be object']);
    expect(validateSessionData({ ...minimalData, extra: true })).toEqual([
      '/ must NOT have additional properties ("extra")',
    ]);
  });
});

describe('sign and verify', () => {
  let bundle: AttestationBundle;
  let otherKey: SigningKey;

  beforeAll(async () => {
    bundle = await signStatement(sampleStatement(), signingKey);
    otherKey = loadOrCreateKey(path.join(tmp, 'other', 'keys'));
  });

  const verifyOpts = () => ({ publicKeys: [signingKey.publicKeyPem], expectedCommits: [SHA_A, SHA_B] });

  it('produces a v0.3 bundle with a DSSE in-toto envelope keyed by the SSH fingerprint', () => {
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    const envelope = envelopeOf(bundle);
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(envelope.signatures).toHaveLength(1);
    expect(envelope.signatures[0]!.keyid).toBe(signingKey.fingerprint);
    expect(Buffer.from(envelope.payload, 'base64').equals(serializeStatement(sampleStatement()))).toBe(true);
    const digest = bundleDigest(bundle);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(crypto.createHash('sha256').update(serializeBundle(bundle)).digest('hex'));
    expect(bundleDigest(clone(bundle))).toBe(digest);
  });

  it('verifies offline, from an object or from JSON text', () => {
    const result = verifyBundle(bundle, verifyOpts());
    expect(result).toMatchObject({ ok: true, keyFingerprint: signingKey.fingerprint });
    if (!result.ok) throw new Error(result.reason);
    expect(result.statement.predicate.materials).toHaveLength(2);
    expect(result.statement.predicate.materials[0]!.data).toEqual(exampleData);
    expect(verifyBundle(JSON.stringify(bundle), { publicKeys: [otherKey.publicKeyPem, signingKey.publicKeyPem] }).ok).toBe(true);
  });

  it('rejects one changed byte of the payload', () => {
    const tampered = clone(bundle);
    const envelope = envelopeOf(tampered);
    envelope.payload = flipBit(envelope.payload, 100);
    expect(verifyBundle(tampered, verifyOpts())).toEqual({ ok: false, reason: 'signature does not verify with any known key' });
  });

  it('rejects a changed payloadType', () => {
    const tampered = clone(bundle);
    envelopeOf(tampered).payloadType = 'application/json';
    expect(verifyBundle(tampered, verifyOpts())).toEqual({ ok: false, reason: 'signature does not verify with any known key' });
  });

  it('rejects a flipped signature bit', () => {
    const tampered = clone(bundle);
    const sig = envelopeOf(tampered).signatures[0]!;
    sig.sig = flipBit(sig.sig, Buffer.from(sig.sig, 'base64').length - 1);
    expect(verifyBundle(tampered, verifyOpts())).toEqual({ ok: false, reason: 'signature does not verify with any known key' });
  });

  it('rejects a bundle verified with another key', () => {
    expect(verifyBundle(bundle, { publicKeys: [otherKey.publicKeyPem] })).toEqual({
      ok: false,
      reason: 'signature does not verify with any known key',
    });
    expect(verifyBundle(bundle, { publicKeys: [] })).toMatchObject({ ok: false, reason: expect.stringMatching(/^no public keys/) });
  });

  it('rejects subjects that differ from the expected commits', () => {
    expect(verifyBundle(bundle, { publicKeys: [signingKey.publicKeyPem], expectedCommits: [SHA_A] })).toEqual({
      ok: false,
      reason: `subject ${SHA_B} not in expected commits`,
    });
    const third = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    expect(
      verifyBundle(bundle, { publicKeys: [signingKey.publicKeyPem], expectedCommits: [SHA_A, SHA_B.toUpperCase(), third] }),
    ).toEqual({ ok: false, reason: `expected commit ${third} is not a subject` });
  });

  it('rejects a validly signed material whose data breaks the schema', async () => {
    const bad = await signStatement(
      statementWith([sessionMaterial(minimalData), sessionMaterial({ ...exampleData, prompt: 'secret' })]),
      signingKey,
    );
    expect(verifyBundle(bad, verifyOpts())).toEqual({
      ok: false,
      reason: 'material 2 data: / must NOT have additional properties ("prompt")',
    });
  });

  it('rejects a validly signed statement with the wrong predicate type or signer claim', async () => {
    const wrongType = { ...sampleStatement(), predicateType: 'https://slsa.dev/provenance/v1' } as unknown as Statement;
    expect(verifyBundle(await signStatement(wrongType, signingKey), verifyOpts())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^predicateType is "https:\/\/slsa.dev\/provenance\/v1"/),
    });
    const claimsOther = statementWith([sessionMaterial(minimalData)], [SHA_A, SHA_B], otherKey);
    expect(verifyBundle(await signStatement(claimsOther, signingKey), verifyOpts())).toMatchObject({
      ok: false,
      reason: `predicate names signer key ${otherKey.fingerprint} but it is signed by ${signingKey.fingerprint}`,
    });
  });

  it('rejects input that is not a bundle', () => {
    expect(verifyBundle('{', verifyOpts())).toEqual({ ok: false, reason: 'bundle is not valid JSON' });
    expect(verifyBundle({ mediaType: 'x' }, verifyOpts())).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a Sigstore bundle/) });
  });

  describe('independent check with openssl (no sigstore-js)', () => {
    function opensslVerify(dir: string, pae: Buffer, sig: Buffer): { ok: boolean; output: string } {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'pae.bin'), pae);
      fs.writeFileSync(path.join(dir, 'sig.der'), sig);
      fs.writeFileSync(path.join(dir, 'pub.pem'), signingKey.publicKeyPem);
      try {
        const output = execFileSync('openssl', ['dgst', '-sha256', '-verify', 'pub.pem', '-signature', 'sig.der', 'pae.bin'], {
          cwd: dir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return { ok: true, output };
      } catch (err) {
        return { ok: false, output: String((err as { stdout?: string }).stdout ?? '') };
      }
    }

    function pae(type: string, body: Buffer): Buffer {
      return Buffer.concat([
        Buffer.from(`DSSEv1 ${Buffer.byteLength(type, 'utf8')} ${type} ${body.length} `, 'utf8'),
        body,
      ]);
    }

    it('openssl verifies the DSSE signature over the rebuilt PAE, and not after a byte flip', () => {
      const raw = JSON.parse(JSON.stringify(bundle)) as { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
      const body = Buffer.from(raw.dsseEnvelope.payload, 'base64');
      const sig = Buffer.from(raw.dsseEnvelope.signatures[0]!.sig, 'base64');
      const good = opensslVerify(path.join(tmp, 'openssl-ok'), pae(raw.dsseEnvelope.payloadType, body), sig);
      expect(good.output.trim()).toBe('Verified OK');
      expect(good.ok).toBe(true);

      const flipped = Buffer.from(body);
      flipped[10]! ^= 0x20;
      const bad = opensslVerify(path.join(tmp, 'openssl-bad'), pae(raw.dsseEnvelope.payloadType, flipped), sig);
      expect(bad.ok).toBe(false);
      expect(bad.output).toMatch(/Verification failure/);
    });
  });
});

describe('trace key show', () => {
  function context(home: string): { ctx: CliContext; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { ctx: { cwd: tmp, env: { TRACE_HOME: home }, stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, out, err };
  }

  it('prints the public key PEM, creating the key on first use', async () => {
    const home = path.join(tmp, 'cli-home');
    const { ctx, out, err } = context(home);
    expect(await keyCommand(['show'], ctx)).toBe(0);
    expect(err).toEqual([]);
    const pem = out.join('');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(pem).toBe(fs.readFileSync(path.join(tracePaths({ TRACE_HOME: home }).keyDir, PUBLIC_KEY_FILE), 'utf8'));

    const second = context(home);
    expect(await keyCommand(['show', '--fingerprint'], second.ctx)).toBe(0);
    expect(second.out.join('')).toBe(`${publicKeyFingerprint(pem)}\n`);
  });

  it('exits 2 with usage on bad arguments', async () => {
    const { ctx, err } = context(path.join(tmp, 'cli-usage'));
    expect(await keyCommand([], ctx)).toBe(2);
    expect(await keyCommand(['rotate'], ctx)).toBe(2);
    expect(err.join('')).toMatch(/usage: trace key show/);
  });

  it('exits 1 with what to do when the key cannot be created', async () => {
    const blocker = path.join(tmp, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const { ctx, err } = context(blocker);
    expect(await keyCommand(['show'], ctx)).toBe(1);
    expect(err.join('')).toMatch(/^trace key: cannot create key directory .*; check that .* is writable by you, or set TRACE_HOME\n$/);
  });
});
