import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleDigest, normalizeDigest } from '../attest/digest.js';
import { TraceError } from '../errors.js';
import {
  ATTESTATIONS_REF,
  type AttestationRefOptions,
  COMMIT_SHA,
  DEFAULT_NETWORK_TIMEOUT_MS,
  fetchRef,
  LOCAL_TIMEOUT_MS,
  oneLine,
  readBlobs,
  refGitEnv,
  resolveRef,
  TRACKING_REF,
} from '../git/attestations.js';
import { git, runGit } from '../git/run.js';
import type { DeliveryItem, DeliveryOutcome, Destination } from './destination.js';

/** Tuning for the git-ref destination: the ref's options, plus conflict handling. */
export interface GitRefOptions extends AttestationRefOptions {
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

const IDENTITY = { name: 'ai-trace', email: 'ai-trace@localhost' };

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
    const env = refGitEnv(this.opts.env);
    const timeout = this.opts.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
    const maxTries = Math.max(1, this.opts.maxConflictRetries ?? 5);
    const files = plannedFiles(item);
    for (let attempt = 1; attempt <= maxTries; attempt++) {
      const parent = await fetchRef(item.repo, remote, TRACKING_REF, { env, timeout, mirror: true });
      const commit = await buildCommit(item.repo, parent, files, env);
      if (commit === null) {
        if (parent) await advanceLocalRef(item.repo, parent, env).catch(() => undefined);
        return { kind: 'delivered' };
      }
      if (this.opts.beforePush) await this.opts.beforePush(attempt);
      const push = await runGit(
        item.repo,
        ['push', '--no-verify', '--porcelain', '--no-signed', '--no-recurse-submodules', remote, `${commit}:${ATTESTATIONS_REF}`],
        { baseEnv: env, input: '', timeout },
      );
      if (push.exitCode === 0) {
        // The remote has it: local ref bookkeeping is best effort (the next fetch repairs it).
        await runGit(item.repo, ['update-ref', TRACKING_REF, commit], local(env));
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

function isConflict(output: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|\[remote rejected\].*(lock|update)/i.test(
    output,
  );
}

/** Options of a local git command on the ref: the ref's environment, stdin closed, the local timeout. */
function local(baseEnv: NodeJS.ProcessEnv, more: { env?: Record<string, string>; input?: string } = {}) {
  return { baseEnv, env: more.env, input: more.input ?? '', timeout: LOCAL_TIMEOUT_MS };
}

/** Runs a local git command and returns its trimmed stdout; GIT_FAILED with git's message when it fails. */
async function gitOk(repo: string, args: string[], opts: ReturnType<typeof local>): Promise<string> {
  return (await git(repo, args, opts)).trim();
}

/** Fast-forwards (or creates) the local ATTESTATIONS_REF to `commit`; leaves it alone when it diverged. */
async function advanceLocalRef(repo: string, commit: string, env: NodeJS.ProcessEnv): Promise<void> {
  const old = await resolveRef(repo, ATTESTATIONS_REF, env);
  if (old === null) {
    await gitOk(repo, ['update-ref', ATTESTATIONS_REF, commit, ''], local(env));
    return;
  }
  if (old === commit) return;
  const ff = await runGit(repo, ['merge-base', '--is-ancestor', old, commit], local(env));
  if (ff.exitCode === 0) await runGit(repo, ['update-ref', ATTESTATIONS_REF, commit, old], local(env));
}

/**
 * Builds a commit on `parent` adding the planned files (union of files; union of lines in commits/<sha>)
 * in a temporary index, never touching the work tree, the user's index or HEAD. Null = nothing to add.
 */
async function buildCommit(repo: string, parent: string | null, files: PlannedFiles, baseEnv: NodeJS.ProcessEnv): Promise<string | null> {
  const bundlePath = `bundles/${files.digest}.json`;
  const existing = parent
    ? await readBlobs(repo, [bundlePath, ...(files.key ? [files.key.path] : []), ...files.commits.map((c) => `commits/${c}`)].map((p) => `${parent}:${p}`), baseEnv)
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
    // the temporary index goes on top: cleaning the base environment drops any GIT_INDEX_FILE
    const index = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    await gitOk(repo, parent ? ['read-tree', parent] : ['read-tree', '--empty'], local(baseEnv, { env: index }));
    const blobPaths: string[] = [];
    for (const [i, ch] of changes.entries()) {
      const p = path.join(tmp, `blob-${i}`);
      await fs.writeFile(p, ch.content, 'utf8');
      blobPaths.push(p);
    }
    const shas = (await gitOk(repo, ['hash-object', '-w', '--no-filters', '--stdin-paths'], local(baseEnv, { env: index, input: `${blobPaths.join('\n')}\n` })))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    if (shas.length !== changes.length) throw new TraceError('GIT_FAILED', `git hash-object returned ${shas.length} ids for ${changes.length} files in ${repo}`);
    const indexInfo = changes.map((ch, i) => `100644 ${shas[i]}\t${ch.path}\n`).join('');
    await gitOk(repo, ['update-index', '--add', '--index-info'], local(baseEnv, { env: index, input: indexInfo }));
    const tree = await gitOk(repo, ['write-tree'], local(baseEnv, { env: index }));
    const message = `ai-trace: attestation ${files.digest}\n\nCovers ${files.commits.length} commit(s).\n`;
    const commitEnv = {
      ...index,
      GIT_AUTHOR_NAME: IDENTITY.name,
      GIT_AUTHOR_EMAIL: IDENTITY.email,
      GIT_COMMITTER_NAME: IDENTITY.name,
      GIT_COMMITTER_EMAIL: IDENTITY.email,
    };
    return await gitOk(repo, ['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', '-'], local(baseEnv, { env: commitEnv, input: message }));
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}
