/**
 * Helpers for the push tests: a bare remote, clones with their own developer (HOME, TRACE_HOME),
 * traced commits made through a scripted Claude Code session, `trace status` polling, an HTTP
 * receiver on 127.0.0.1, and checks that every attestation's materials are schema-valid and free of
 * prompt text. Built on test/helpers/repo.ts.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'vitest';
import { validateAgentConfigData, validateSessionData, validateSignalsData } from '../../src/attest/verify.js';
import { runAsync, until, type Run } from '../helpers/proc.js';
import { sharedDir } from '../helpers/shared.js';
import { TestRepo, type RepoPool } from '../helpers/repo.js';

export const ATTESTATIONS_REF = 'refs/chainloop-trace/attestations';
export const SCHEMA_FILE = path.join(sharedDir(), 'reference', 'chainloop', 'ai-coding-session-0.1.schema.json');
/** The prompt writeTranscript puts in every transcript. */
export const TRANSCRIPT_PROMPT = 'Add a greeting module and use it.';

/** Small backoff so retries happen within a test. */
export const FAST_RETRY = { TRACE_RETRY_BASE_MS: '100', TRACE_RETRY_MAX_MS: '300' };

export interface PushRow {
  id: number;
  repo: string;
  remote: string;
  destination: string;
  state: 'queued' | 'delivering' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  attestation_digest: string;
  commits: string[];
}

export interface StatusJson {
  daemon: { running: boolean; pid: number | null; version: string | null };
  pushes: PushRow[];
}

export interface Traced {
  sha: string;
  session: string;
  prompt: string;
}

/** A bare repository `remote.git` next to t's work tree, added as `origin`, with t's main pushed. */
export function addBareRemote(t: TestRepo): string {
  const bare = path.join(t.root, 'remote.git');
  t.gitIn(t.root, ['init', '-q', '--bare', '-b', 'main', bare]);
  t.git('remote', 'add', 'origin', bare);
  t.git('push', '-q', '-u', 'origin', 'main');
  return bare;
}

/** Another developer (own HOME and TRACE_HOME): a clone of `bare` with `trace init` run in it. */
export function cloneAs(pool: RepoPool, bare: string, branch = 'main'): TestRepo {
  const t = pool.create({ init: false });
  t.git('remote', 'add', 'origin', bare);
  t.git('fetch', '-q', 'origin');
  t.git('reset', '-q', '--hard', `origin/${branch}`);
  t.git('branch', '-q', '--set-upstream-to', `origin/${branch}`);
  const r = t.trace('init', '--project', 'test', '--org', 'acme');
  if (r.code !== 0) throw new Error(`trace init failed: ${r.stderr}`);
  expect(t.git('status', '--porcelain')).toBe('');
  return t;
}

/**
 * A session writes `rel` through the hooks (after a prompt that must never leave the machine), then
 * the change is committed (the commit-msg hook adds the trailer). Returns the commit and session.
 */
export function tracedCommit(t: TestRepo, rel: string, content: string, message = `agent: ${rel}`): Traced {
  const s = t.session();
  const prompt = `PROMPT-${randomUUID()} please write ${rel}`;
  s.start();
  s.prompt(prompt);
  s.write(rel, content);
  s.stop();
  s.end();
  const sha = t.commitAll(message);
  expect(t.trailers(sha).join('\n')).toContain(s.sessionId);
  return { sha, session: s.sessionId, prompt };
}

/** A commit no session touched. */
export function humanCommit(t: TestRepo, rel: string, content: string): string {
  t.write(rel, content);
  return t.commitAll(`human: ${rel}`);
}

/** Appends destinations (and optionally requireTrace) to .chainloop.yml and commits it as a human. */
export function configure(t: TestRepo, yaml: string): void {
  const file = path.join(t.repo, '.chainloop.yml');
  fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8').trimEnd()}\n${yaml.trimEnd()}\n`);
  t.git('add', '.chainloop.yml');
  t.git('commit', '-q', '-m', 'configure ai-trace');
}

export function status(t: TestRepo, env: NodeJS.ProcessEnv = {}): StatusJson {
  const r = t.traceIn(t.repo, ['status', '--json'], env);
  if (r.code !== 0) throw new Error(`trace status --json exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusJson;
}

/**
 * Polls the daemon's status route (it applies what is spooled first) until `done(pushes)`; throws with
 * the last status and the daemon's log after `timeoutMs` (a bound on a hang, not a speed target: on a
 * loaded machine a delivery with retries takes tens of seconds).
 */
export async function waitForPushes(t: TestRepo, done: (p: PushRow[]) => boolean, timeoutMs = 45_000, pollMs = 150): Promise<PushRow[]> {
  let last: StatusJson | undefined;
  return until(
    'pushes',
    () => {
      last = status(t);
      return done(last.pushes) && last.pushes;
    },
    { timeoutMs, intervalMs: pollMs, describe: () => `${JSON.stringify(last?.pushes, null, 2)}\n--- daemon log:\n${t.daemonLog().slice(-3000)}` },
  );
}

export const allDelivered = (n: number) => (p: PushRow[]) => p.length === n && p.every((x) => x.state === 'delivered');

/** Runs git asynchronously (for concurrent pushes); never throws. */
export function gitAsync(t: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runAsync('git', args, t.repo, { ...t.env, ...env });
}

/** `trace attestation show REF --json`: the bundle JSON text. */
export function bundleJson(t: TestRepo, ref: string): string {
  const r = t.trace('attestation', 'show', ref, '--json');
  if (r.code !== 0) throw new Error(`trace attestation show ${ref} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid?: string }[];
}

export function envelopeOf(bundle: string): Envelope {
  return (JSON.parse(bundle) as { dsseEnvelope: Envelope }).dsseEnvelope;
}

export interface StatementJson {
  _type: string;
  subject: { name: string; digest: { gitCommit: string } }[];
  predicateType: string;
  predicate: { materials: { schema: string; 'chainloop.material.evidence.id': string; data: Record<string, unknown> }[] } & Record<string, unknown>;
}

export function statementOf(bundle: string): { text: string; statement: StatementJson } {
  const text = Buffer.from(envelopeOf(bundle).payload, 'base64').toString('utf8');
  return { text, statement: JSON.parse(text) as StatementJson };
}

let ajvValidate: ((d: unknown) => boolean) & { errors?: unknown } | undefined;
function schemaValidator() {
  if (!ajvValidate) {
    // ajv's default class is draft-07, the schema's dialect
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajvValidate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as object);
  }
  return ajvValidate;
}

/**
 * Requirement 5 for one bundle: every material is a CHAINLOOP_AI_CODING_SESSION whose data validates
 * (the product's validator and ajv directly on the shared schema), and no prompt text occurs anywhere.
 */
export function checkBundle(bundle: string, traced: Traced[], expectedCommits?: string[]): StatementJson {
  const { text, statement } = statementOf(bundle);
  expect(statement._type).toBe('https://in-toto.io/Statement/v1');
  expect(statement.predicate.materials.length).toBeGreaterThan(0);
  const validate = schemaValidator();
  const sessions = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'CHAINLOOP_AI_CODING_SESSION');
  const signals = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'AI_TRACE_SESSION_SIGNALS');
  const configs = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'CHAINLOOP_AI_AGENT_CONFIG');
  expect(sessions.length + signals.length + configs.length).toBe(statement.predicate.materials.length);
  // the repository's agent configuration (trace init's committed .claude/settings.json at least)
  for (const m of configs) expect(validateAgentConfigData(m.data)).toEqual([]);
  for (const m of sessions) {
    expect(validateSessionData(m.data)).toEqual([]);
    const ok = validate(m.data);
    expect(ok, JSON.stringify(validate.errors)).toBe(true);
  }
  // each session has its signals material beside it (docs/signals.md), valid against ai-trace's schema
  expect(signals.map((m) => m.data.session_id).sort()).toEqual(sessions.map((m) => (m.data.session as { id: string }).id).sort());
  for (const m of signals) expect(validateSignalsData(m.data)).toEqual([]);
  for (const s of traced) {
    expect(text).not.toContain(s.prompt);
    expect(bundle).not.toContain(s.prompt);
  }
  expect(text).not.toContain(TRANSCRIPT_PROMPT);
  expect(text).not.toContain('PROMPT-');
  if (expectedCommits) expect(statement.subject.map((x) => x.digest.gitCommit).sort()).toEqual([...expectedCommits].sort());
  return statement;
}

/** The bundles stored on a (bare) remote's attestation ref: file name digest → JSON. */
export function remoteBundles(t: TestRepo, gitDir: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = t.gitIn(gitDir, ['ls-tree', '--name-only', `${ATTESTATIONS_REF}:bundles`]).split('\n').filter(Boolean);
  } catch {
    return out;
  }
  for (const n of names) out.set(n.replace(/\.json$/, ''), t.gitIn(gitDir, ['show', `${ATTESTATIONS_REF}:bundles/${n}`]));
  return out;
}

/** One request the receiver saw. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the receiver answers: a status and body, or a promise of them (to hold a request open). */
export type Answer = { status: number; body?: string } | Promise<{ status: number; body?: string }>;

export interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves when the receiver has seen `n` requests. */
  seen(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP receiver on 127.0.0.1 (port 0 unless given); `answer` gets each request and its 1-based number. */
export async function startReceiver(answer: (req: Received, n: number) => Answer, port = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const rec: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      void Promise.resolve(answer(rec, requests.length)).then(
        (a) => {
          if (res.destroyed) return;
          res.writeHead(a.status, { 'content-type': 'application/json' });
          res.end(a.body ?? '{}');
        },
        () => res.destroy(),
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/attestations`,
    requests,
    async seen(n, timeoutMs = 20_000) {
      await until(`${n} request(s) at the receiver`, () => requests.length >= n, { timeoutMs, describe: () => `it saw ${requests.length}` });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on 127.0.0.1 nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export { TestRepo };
