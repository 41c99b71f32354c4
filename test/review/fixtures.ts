/**
 * Helpers for the review unit tests: a real repository with a bare remote, commits by given authors,
 * and real signed attestations (the product's statement builder and signer, a key in a temp dir)
 * delivered to the remote's attestation ref by the product's git destination. The end-to-end tests
 * (test/review/pr.test.ts) drive scripted sessions through the installed hooks instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateKey, type SigningKey } from '../../src/attest/key.js';
import { bundleDigest } from '../../src/attest/digest.js';
import { signStatement } from '../../src/attest/sign.js';
import { buildStatement, sessionMaterial } from '../../src/attest/statement.js';
import { GitRefDestination } from '../../src/deliver/git-ref.js';

/** A work tree with `origin` (a bare remote) and an isolated git environment. */
export interface Sandbox {
  root: string;
  repo: string;
  bare: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  commit(file: string, content: string, message: string, author?: string): string;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-review-'));
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: home, LC_ALL: 'C',
    GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  const repo = path.join(root, 'work');
  const bare = path.join(root, 'remote.git');
  const run = (cwd: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    execFileSync('git', args, { cwd, env: { ...env, ...extra }, encoding: 'utf8' }).trim();
  fs.mkdirSync(repo);
  run(root, ['init', '-q', '--bare', '-b', 'main', bare]);
  run(repo, ['init', '-q', '-b', 'main']);
  run(repo, ['remote', 'add', 'origin', bare]);
  const sb: Sandbox = {
    root, repo, bare, env,
    git: (...args) => run(repo, args),
    commit(file, content, message, author = 'dev@example.com') {
      fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      fs.writeFileSync(path.join(repo, file), content);
      run(repo, ['add', '-A']);
      run(repo, ['commit', '-q', '-m', message], { GIT_AUTHOR_EMAIL: author, GIT_COMMITTER_EMAIL: author });
      return run(repo, ['rev-parse', 'HEAD']);
    },
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
  sb.commit('README.md', 'base\n', 'base');
  run(repo, ['push', '-q', '-u', 'origin', 'main']);
  return sb;
}

/** A signing key of its own (a developer). */
export function newKey(sb: Sandbox, name: string): SigningKey {
  return loadOrCreateKey(path.join(sb.root, 'keys', name));
}

/** Minimal valid session data (ai-coding-session 0.1) for `id`, with overrides merged in. */
export function sessionData(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: 'v1',
    agent: { name: 'claude-code', version: '2.1.0' },
    session: { id, started_at: '2026-01-01T10:00:00.000Z', ended_at: '2026-01-01T10:10:00.000Z', duration_seconds: 600 },
    model: { primary: 'claude-sonnet-4-5', provider: 'anthropic', models_used: ['claude-sonnet-4-5'] },
    usage: { input_tokens: 100, output_tokens: 200, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 300, estimated_cost_usd: 0.01 },
    code_changes: { files_modified: 0, files_created: 1, files_deleted: 0, lines_added: 10, lines_removed: 0, ai_lines_added: 10, ai_lines_removed: 0, human_lines_added: 0, human_lines_removed: 0, files: [{ path: 'a.txt', status: 'created', lines_added: 10, lines_removed: 0, attribution: 'ai' }] },
    ...over,
  };
}

/** Signs an attestation over `commits` with one material per session data. */
export async function signAttestation(key: SigningKey, commits: string[], sessions: Record<string, unknown>[], createdAt = new Date()): Promise<string> {
  const statement = buildStatement({
    commits: commits.map((sha) => ({ sha, name: 'test' })),
    materials: sessions.map((d) => sessionMaterial(d)),
    project: { projectName: 'test' },
    publicKeyFingerprint: key.fingerprint,
    createdAt,
  });
  const bundle = await signStatement(statement, key);
  return JSON.stringify(bundle);
}

/** Delivers a bundle to the sandbox's remote attestation ref, as a push would. */
export async function deliver(sb: Sandbox, key: SigningKey, bundleJson: string, commits: string[]): Promise<string> {
  const digest = bundleDigest(JSON.parse(bundleJson) as never);
  const out = await new GitRefDestination({ env: sb.env }).deliver({ bundleJson, digest, commits, publicKeyPem: key.publicKeyPem, keyFingerprint: key.fingerprint, repo: sb.repo, remote: 'origin' });
  if (out.kind !== 'delivered') throw new Error(`delivery failed: ${JSON.stringify(out)}`);
  return digest;
}

/** Replaces one file of the remote's attestation ref (an attacker with push access to the ref). */
export function rewriteRemoteFile(sb: Sandbox, file: string, content: string): void {
  const work = fs.mkdtempSync(path.join(sb.root, 'tamper-'));
  const run = (args: string[]) => execFileSync('git', args, { cwd: work, env: sb.env, encoding: 'utf8' }).trim();
  run(['init', '-q']);
  run(['fetch', '-q', sb.bare, 'refs/chainloop-trace/attestations']);
  run(['checkout', '-q', 'FETCH_HEAD']);
  fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  fs.writeFileSync(path.join(work, file), content);
  run(['add', '-A']);
  run(['commit', '-q', '-m', 'tamper']);
  run(['push', '-q', '-f', sb.bare, 'HEAD:refs/chainloop-trace/attestations']);
}

/** The bundle with its signed payload edited by `edit` (signature left as it was). */
export function tamperPayload(bundleJson: string, edit: (statement: Record<string, any>) => void): string {
  const b = JSON.parse(bundleJson) as { dsseEnvelope: { payload: string } };
  const st = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) as Record<string, any>;
  edit(st);
  b.dsseEnvelope.payload = Buffer.from(JSON.stringify(st)).toString('base64');
  return JSON.stringify(b);
}
