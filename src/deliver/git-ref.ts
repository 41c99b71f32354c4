import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TraceError } from '../errors.js';
import { cleanGitEnv as cleanRepoEnv, loadExeca } from '../git/run.js';
import type { DeliveryItem, DeliveryOutcome, Destination } from './destination.js';
import { bundleDigest, normalizeDigest } from '../attest/digest.js';

/** The ref on the remote (and, after `trace fetch`, locally) whose tree holds every attestation. */
export const ATTESTATIONS_REF = 'refs/chainloop-trace/attestations';
/** Local mirror of the remote's ATTESTATIONS_REF that deliveries build on. */
export const TRACKING_REF = 'refs/chainloop-trace/remote-attestations';

/** Tuning for the git commands the destination and readers run. */
export interface GitRefOptions {
  /** Base environment for git (default process.env); hook-context variables are always removed. */
  env?: NodeJS.ProcessEnv;
  /** Timeout for fetch/push in ms (default 120 s). */
  networkTimeoutMs?: number;
  /** How many times a rejected (non-fast-forward) push is re-fetched and retried (default 5). */
  maxConflictRetries?: number;
  /** Test seam: runs after the commit is built and before it is pushed. */
  beforePush?: (attempt: number) => Promise<void>;
}

/** Options of one git-ref destination: which remote to write to, plus GitRefOptions. */
export interface GitRefDestinationOptions extends GitRefOptions {
  label?: string;
  /** Remote name or URL; defaults to the item's remote (the one being pushed to). */
  remote?: string;
}

/** One attestation read back from the ref: its digest (sha256 hex of the bytes) and the bundle JSON. */
export interface StoredAttestation {
  digest: string;
  bundleJson: string;
}

/** One public key stored under keys/<fingerprint>.pem. */
export interface StoredKey {
  fingerprint: string;
  pem: string;
}

/** Result of fetchAttestations: whether the remote has the ref, and the commit it now points to locally. */
export interface FetchResult {
  found: boolean;
  commit: string | null;
}

const DEFAULT_NETWORK_TIMEOUT_MS = 120_000;
const LOCAL_TIMEOUT_MS = 60_000;
const HEX64 = /^[0-9a-f]{64}$/;
const COMMIT_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const IDENTITY = { name: 'ai-trace', email: 'ai-trace@localhost' };

/** The environment for our own git children: hook variables removed, no prompts, C locale. */
export function cleanGitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...cleanRepoEnv(base), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };
}

interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

async function runGit(
  repo: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; input?: string; timeout?: number },
): Promise<GitResult> {
  const { execa } = await loadExeca();
  const res = await execa('git', ['-C', repo, ...args], {
    env: opts.env,
    extendEnv: false,
    reject: false,
    input: opts.input ?? '',
    timeout: opts.timeout ?? LOCAL_TIMEOUT_MS,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  return {
    exitCode: res.exitCode ?? -1,
    stdout: Buffer.from(res.stdout as Uint8Array),
    stderr: Buffer.from(res.stderr as Uint8Array).toString('utf8').trim(),
    timedOut: res.timedOut === true,
  };
}

/** Runs git and returns trimmed stdout; throws GIT_FAILED with git's message when it fails. */
async function gitOk(
  repo: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; input?: string; timeout?: number },
): Promise<string> {
  const res = await runGit(repo, args, opts);
  if (res.exitCode !== 0) throw gitFailed(repo, args, res);
  return res.stdout.toString('utf8').trim();
}

function gitFailed(repo: string, args: string[], res: GitResult): TraceError {
  const what = res.timedOut ? 'timed out' : `exited with ${res.exitCode}`;
  return new TraceError('GIT_FAILED', `git ${args[0]} in ${repo} ${what}: ${res.stderr || '(no message)'}`);
}

/** Serializes deliveries per repository in this process: they share the tracking ref. */
const repoLocks = new Map<string, Promise<unknown>>();
async function withRepoLock<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(repo);
  const prev = repoLocks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  repoLocks.set(key, tail);
  try {
    return await run;
  } finally {
    if (repoLocks.get(key) === tail) repoLocks.delete(key);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stores attestations on the pushed-to git remote under ATTESTATIONS_REF, merging with concurrent writers. */
export class GitRefDestination implements Destination {
  readonly label: string;
  private readonly remote: string | undefined;
  private readonly opts: GitRefOptions;

  constructor(opts: GitRefDestinationOptions = {}) {
    this.remote = opts.remote;
    this.label = opts.label ?? `git:${opts.remote ?? '(pushed remote)'}`;
    this.opts = opts;
  }

  async deliver(item: DeliveryItem): Promise<DeliveryOutcome> {
    const remote = this.remote ?? item.remote;
    try {
      return await withRepoLock(item.repo, () => this.deliverLocked(item, remote));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof TraceError && err.code === 'DELIVERY_FAILED') return { kind: 'permanent', reason: message };
      return { kind: 'retry', reason: message };
    }
  }

  private async deliverLocked(item: DeliveryItem, remote: string): Promise<DeliveryOutcome> {
    const env = cleanGitEnv(this.opts.env);
    const timeout = this.opts.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
    const maxTries = Math.max(1, this.opts.maxConflictRetries ?? 5);
    const files = plannedFiles(item);
    for (let attempt = 1; attempt <= maxTries; attempt++) {
      const parent = await fetchInto(item.repo, remote, TRACKING_REF, { env, timeout, mirror: true });
      const commit = await buildCommit(item.repo, parent, files, env);
      if (commit === null) {
        if (parent) await advanceLocalRef(item.repo, parent, env).catch(() => undefined);
        return { kind: 'delivered' };
      }
      if (this.opts.beforePush) await this.opts.beforePush(attempt);
      const push = await runGit(
        item.repo,
        ['push', '--no-verify', '--porcelain', '--no-signed', '--no-recurse-submodules', remote, `${commit}:${ATTESTATIONS_REF}`],
        { env, timeout },
      );
      if (push.exitCode === 0) {
        // The remote has it: local ref bookkeeping is best effort (the next fetch repairs it).
        await runGit(item.repo, ['update-ref', TRACKING_REF, commit], { env });
        await advanceLocalRef(item.repo, commit, env).catch(() => undefined);
        return { kind: 'delivered' };
      }
      const output = `${push.stdout.toString('utf8')}\n${push.stderr}`;
      if (!isConflict(output)) {
        const reason = push.timedOut ? `timed out after ${timeout} ms` : oneLine(push.stderr || output);
        return { kind: 'retry', reason: `git push to ${remote} failed: ${reason}` };
      }
      if (attempt < maxTries) await sleep(25 + Math.random() * 150 * attempt);
    }
    return {
      kind: 'retry',
      reason: `${ATTESTATIONS_REF} on ${remote} kept moving (${maxTries} non-fast-forward rejections in a row); will retry`,
    };
  }
}

/** The files one attestation contributes: bundle, key, and the digest line for each commit. */
interface PlannedFiles {
  digest: string;
  bundleJson: string;
  key: { path: string; pem: string } | null;
  commits: string[];
}

function plannedFiles(item: DeliveryItem): PlannedFiles {
  const digest = bundleDigest(item.bundleJson);
  if (item.digest && normalizeDigest(item.digest) !== digest) {
    throw new TraceError(
      'DELIVERY_FAILED',
      `attestation digest ${item.digest} does not match the bundle bytes (sha256 ${digest}); the queued push is corrupt, re-push to rebuild it`,
    );
  }
  const commits = [...new Set(item.commits.map((c) => c.trim().toLowerCase()))].sort();
  for (const c of commits) {
    if (!COMMIT_SHA.test(c)) throw new TraceError('DELIVERY_FAILED', `'${c}' is not a full commit SHA; cannot index the attestation by it`);
  }
  const fp = safeFingerprint(item.keyFingerprint);
  const key = fp && item.publicKeyPem ? { path: `keys/${fp}.pem`, pem: ensureNewline(item.publicKeyPem) } : null;
  return { digest, bundleJson: item.bundleJson, key, commits };
}

function safeFingerprint(fp: string): string {
  return fp.trim().replace(/^sha256:/i, '').replace(/[^A-Za-z0-9._-]/g, '_');
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}

function isConflict(output: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|\[remote rejected\].*(lock|update)/i.test(
    output,
  );
}

/**
 * Fetches the remote's ATTESTATIONS_REF into `localRef` (forced: the remote is the truth).
 * Returns the local commit, or null when the remote has no such ref yet (then localRef is deleted
 * if `mirror`, since it must reflect the remote exactly; otherwise left alone).
 */
async function fetchInto(
  repo: string,
  remote: string,
  localRef: string,
  o: { env: NodeJS.ProcessEnv; timeout: number; mirror: boolean },
): Promise<string | null> {
  const args = ['fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--quiet', remote, `+${ATTESTATIONS_REF}:${localRef}`];
  const res = await runGit(repo, args, { env: o.env, timeout: o.timeout });
  if (res.exitCode === 0) return gitOk(repo, ['rev-parse', '--verify', `${localRef}^{commit}`], { env: o.env });
  if (/couldn't find remote ref/i.test(res.stderr)) {
    if (o.mirror) await runGit(repo, ['update-ref', '-d', localRef], { env: o.env });
    return null;
  }
  const why = res.timedOut ? `timed out after ${o.timeout} ms` : oneLine(res.stderr || `exit ${res.exitCode}`);
  throw new TraceError('GIT_FAILED', `git fetch ${ATTESTATIONS_REF} from ${remote} failed: ${why}; check the remote is reachable and you may read it`);
}

/** Fast-forwards (or creates) the local ATTESTATIONS_REF to `commit`; leaves it alone when it diverged. */
async function advanceLocalRef(repo: string, commit: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cur = await runGit(repo, ['rev-parse', '--verify', '-q', `${ATTESTATIONS_REF}^{commit}`], { env });
  if (cur.exitCode !== 0) {
    await gitOk(repo, ['update-ref', ATTESTATIONS_REF, commit, ''], { env });
    return;
  }
  const old = cur.stdout.toString('utf8').trim();
  if (old === commit) return;
  const ff = await runGit(repo, ['merge-base', '--is-ancestor', old, commit], { env });
  if (ff.exitCode === 0) await runGit(repo, ['update-ref', ATTESTATIONS_REF, commit, old], { env });
}

/**
 * Builds a commit on `parent` adding the planned files (union of files; union of lines in commits/<sha>)
 * in a temporary index, never touching the work tree, the user's index or HEAD. Null = nothing to add.
 */
async function buildCommit(repo: string, parent: string | null, files: PlannedFiles, baseEnv: NodeJS.ProcessEnv): Promise<string | null> {
  const bundlePath = `bundles/${files.digest}.json`;
  const existing = parent
    ? await readSpecs(repo, [bundlePath, ...(files.key ? [files.key.path] : []), ...files.commits.map((c) => `commits/${c}`)].map((p) => `${parent}:${p}`), baseEnv)
    : new Map<string, Buffer | null>();
  const at = (p: string) => (parent ? existing.get(`${parent}:${p}`) ?? null : null);

  const changes: { path: string; content: string }[] = [];
  if (!at(bundlePath)) changes.push({ path: bundlePath, content: files.bundleJson });
  if (files.key && !at(files.key.path)) changes.push({ path: files.key.path, content: files.key.pem });
  for (const c of files.commits) {
    const p = `commits/${c}`;
    const lines = (at(p)?.toString('utf8') ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
    if (lines.includes(files.digest)) continue;
    const merged = [...new Set([...lines, files.digest])].sort();
    changes.push({ path: p, content: `${merged.join('\n')}\n` });
  }
  if (changes.length === 0) return null;

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ai-trace-ref-'));
  try {
    const env = { ...baseEnv, GIT_INDEX_FILE: path.join(tmp, 'index') };
    await gitOk(repo, parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
    const blobPaths: string[] = [];
    for (const [i, ch] of changes.entries()) {
      const p = path.join(tmp, `blob-${i}`);
      await fs.writeFile(p, ch.content, 'utf8');
      blobPaths.push(p);
    }
    const shas = (await gitOk(repo, ['hash-object', '-w', '--no-filters', '--stdin-paths'], { env, input: `${blobPaths.join('\n')}\n` }))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (shas.length !== changes.length) throw new TraceError('GIT_FAILED', `git hash-object returned ${shas.length} ids for ${changes.length} files in ${repo}`);
    const indexInfo = changes.map((ch, i) => `100644 ${shas[i]}\t${ch.path}\n`).join('');
    await gitOk(repo, ['update-index', '--add', '--index-info'], { env, input: indexInfo });
    const tree = await gitOk(repo, ['write-tree'], { env });
    const message = `ai-trace: attestation ${files.digest}\n\nCovers ${files.commits.length} commit(s).\n`;
    const commitEnv = {
      ...env,
      GIT_AUTHOR_NAME: IDENTITY.name,
      GIT_AUTHOR_EMAIL: IDENTITY.email,
      GIT_COMMITTER_NAME: IDENTITY.name,
      GIT_COMMITTER_EMAIL: IDENTITY.email,
    };
    return await gitOk(repo, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'], { env: commitEnv, input: message });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Reads many `<rev>:<path>` objects with one `git cat-file --batch`; missing ones map to null. */
async function readSpecs(repo: string, specs: string[], env: NodeJS.ProcessEnv): Promise<Map<string, Buffer | null>> {
  const out = new Map<string, Buffer | null>();
  if (specs.length === 0) return out;
  const res = await runGit(repo, ['cat-file', '--batch'], { env, input: `${specs.join('\n')}\n` });
  if (res.exitCode !== 0) throw gitFailed(repo, ['cat-file', '--batch'], res);
  const buf = res.stdout;
  let pos = 0;
  for (const spec of specs) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new TraceError('GIT_FAILED', `git cat-file --batch in ${repo} ended early at ${spec}`);
    const header = buf.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (/ (missing|ambiguous)$/.test(header)) {
      out.set(spec, null);
      continue;
    }
    const parts = header.split(' ');
    const size = Number(parts[2]);
    if (parts[1] !== 'blob' || !Number.isSafeInteger(size)) {
      if (Number.isSafeInteger(size)) pos += size + 1;
      out.set(spec, null);
      continue;
    }
    out.set(spec, buf.subarray(pos, pos + size));
    pos += size + 1;
  }
  return out;
}

/** The local refs readers look at, newest knowledge first: fetched copy, then the delivery mirror. */
async function localRefs(repo: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const refs: string[] = [];
  for (const ref of [ATTESTATIONS_REF, TRACKING_REF]) {
    const r = await runGit(repo, ['rev-parse', '--verify', '-q', `${ref}^{commit}`], { env });
    if (r.exitCode === 0) refs.push(r.stdout.toString('utf8').trim());
  }
  return [...new Set(refs)];
}

/** Lists blob entries directly under `dir/` in `rev`'s tree: name → blob id. */
async function listDir(repo: string, rev: string, dir: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const res = await runGit(repo, ['ls-tree', '-z', rev, `${dir}/`], { env });
  const out = new Map<string, string>();
  if (res.exitCode !== 0) return out;
  for (const entry of res.stdout.toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(entry);
    if (m) out.set(path.posix.basename(m[2]!), m[1]!);
  }
  return out;
}

/**
 * Fetches the remote's attestation ref into the local ATTESTATIONS_REF (what `trace fetch` runs).
 * found=false when the remote has none yet; throws GIT_FAILED when the remote cannot be read.
 */
export async function fetchAttestations(repo: string, remote: string, opts: GitRefOptions = {}): Promise<FetchResult> {
  const env = cleanGitEnv(opts.env);
  const timeout = opts.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
  const commit = await fetchInto(repo, remote, ATTESTATIONS_REF, { env, timeout, mirror: false });
  return { found: commit !== null, commit };
}

/** Every attestation in the local refs, deduplicated, sorted by digest. */
export async function readAttestations(repo: string, opts: GitRefOptions = {}): Promise<StoredAttestation[]> {
  const env = cleanGitEnv(opts.env);
  const blobs = new Map<string, string>();
  for (const rev of await localRefs(repo, env)) {
    for (const [name, blob] of await listDir(repo, rev, 'bundles', env)) {
      const digest = name.replace(/\.json$/, '');
      if (HEX64.test(digest) && !blobs.has(digest)) blobs.set(digest, blob);
    }
  }
  const digests = [...blobs.keys()].sort();
  const contents = await readSpecs(repo, digests.map((d) => blobs.get(d)!), env);
  return digests.flatMap((digest) => {
    const buf = contents.get(blobs.get(digest)!);
    return buf ? [{ digest, bundleJson: buf.toString('utf8') }] : [];
  });
}

/** The attestations whose subjects include `commit` (full SHA, or any revision resolvable locally). */
export async function bundlesForCommit(repo: string, commit: string, opts: GitRefOptions = {}): Promise<StoredAttestation[]> {
  const env = cleanGitEnv(opts.env);
  let sha = commit.trim().toLowerCase();
  if (!COMMIT_SHA.test(sha)) {
    const r = await runGit(repo, ['rev-parse', '--verify', '-q', `${commit}^{commit}`], { env });
    if (r.exitCode !== 0) throw new TraceError('NOT_FOUND', `'${commit}' is not a commit in ${repo}; pass a full SHA or a revision that exists locally`);
    sha = r.stdout.toString('utf8').trim();
  }
  const revs = await localRefs(repo, env);
  const lists = await readSpecs(repo, revs.map((rev) => `${rev}:commits/${sha}`), env);
  const digests = new Set<string>();
  for (const buf of lists.values()) {
    for (const line of buf?.toString('utf8').split('\n') ?? []) if (HEX64.test(line.trim())) digests.add(line.trim());
  }
  const result: StoredAttestation[] = [];
  for (const digest of [...digests].sort()) {
    const specs = revs.map((rev) => `${rev}:bundles/${digest}.json`);
    const found = await readSpecs(repo, specs, env);
    const buf = specs.map((s) => found.get(s)).find((b) => b);
    if (buf) result.push({ digest, bundleJson: buf.toString('utf8') });
  }
  return result;
}

/** Every public key stored under keys/, deduplicated by fingerprint. */
export async function publicKeys(repo: string, opts: GitRefOptions = {}): Promise<StoredKey[]> {
  const env = cleanGitEnv(opts.env);
  const blobs = new Map<string, string>();
  for (const rev of await localRefs(repo, env)) {
    for (const [name, blob] of await listDir(repo, rev, 'keys', env)) {
      const fingerprint = name.replace(/\.pem$/, '');
      if (!blobs.has(fingerprint)) blobs.set(fingerprint, blob);
    }
  }
  const fps = [...blobs.keys()].sort();
  const contents = await readSpecs(repo, fps.map((f) => blobs.get(f)!), env);
  return fps.flatMap((fingerprint) => {
    const buf = contents.get(blobs.get(fingerprint)!);
    return buf ? [{ fingerprint, pem: buf.toString('utf8') }] : [];
  });
}
