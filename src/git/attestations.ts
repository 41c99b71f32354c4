import path from 'node:path';
import { TraceError } from '../errors.js';
import { cleanGitEnv, git, readObjects, runGit } from './run.js';

/**
 * The attestation ref and its readers (trace verify, attestation, fetch, trace pr's loader, the
 * dashboard's git source); deliver/git-ref.ts writes it. Its tree: `bundles/<sha256>.json` (the
 * bundle), `keys/<fingerprint>.pem` (the signer's public key), `commits/<sha>` (one digest a line).
 */

/** The ref on the remote (and, after `trace fetch`, locally) whose tree holds every attestation. */
export const ATTESTATIONS_REF = 'refs/chainloop-trace/attestations';
/** Local mirror of the remote's ATTESTATIONS_REF that deliveries build on. */
export const TRACKING_REF = 'refs/chainloop-trace/remote-attestations';

/** A full commit id (SHA-1 or SHA-256). */
export const COMMIT_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Tuning for the git commands run on the attestation ref. */
export interface AttestationRefOptions {
  /** Base environment for git (default process.env); hook-context variables are always removed. */
  env?: NodeJS.ProcessEnv;
  /** Timeout for fetch/push in ms (default 120 s). */
  networkTimeoutMs?: number;
}

export const DEFAULT_NETWORK_TIMEOUT_MS = 120_000;
/** Timeout of the local git commands on the ref. */
export const LOCAL_TIMEOUT_MS = 60_000;

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

/** The environment of every git command on the ref: clean, no prompts, English messages (they are matched). */
export function refGitEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return cleanGitEnv(base, { nonInteractive: true });
}

/** `s` on one line, at most 500 characters: git's message inside ours. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/**
 * Fetches the remote's ATTESTATIONS_REF into `localRef` (forced: the remote is the truth).
 * Returns the local commit, or null when the remote has no such ref yet (then localRef is deleted
 * if `mirror`, since it must reflect the remote exactly; otherwise left alone).
 */
export async function fetchRef(
  repo: string,
  remote: string,
  localRef: string,
  o: { env: NodeJS.ProcessEnv; timeout: number; mirror: boolean },
): Promise<string | null> {
  const args = ['fetch', '--no-tags', '--no-write-fetch-head', '--no-recurse-submodules', '--quiet', remote, `+${ATTESTATIONS_REF}:${localRef}`];
  const res = await runGit(repo, args, { baseEnv: o.env, input: '', timeout: o.timeout });
  if (res.exitCode === 0) {
    return (await git(repo, ['rev-parse', '--verify', `${localRef}^{commit}`], { baseEnv: o.env, input: '', timeout: LOCAL_TIMEOUT_MS })).trim();
  }
  if (/couldn't find remote ref/i.test(res.stderr)) {
    if (o.mirror) await runGit(repo, ['update-ref', '-d', localRef], { baseEnv: o.env, input: '', timeout: LOCAL_TIMEOUT_MS });
    return null;
  }
  const why = res.timedOut ? `timed out after ${o.timeout} ms` : oneLine(res.stderr || `exit ${res.exitCode}`);
  throw new TraceError('GIT_FAILED', `git fetch ${ATTESTATIONS_REF} from ${remote} failed: ${why}; check the remote is reachable and you may read it`);
}

/** The commit `ref` points to, or null when it does not exist. */
export async function resolveRef(repo: string, ref: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runGit(repo, ['rev-parse', '--verify', '-q', `${ref}^{commit}`], { baseEnv: env, input: '', timeout: LOCAL_TIMEOUT_MS });
  return r.exitCode === 0 ? r.stdout.toString('utf8').trim() : null;
}

/** Blobs by `<rev>:<path>` or id, whatever their size (a bundle is not capped like a snapshot); null: missing or not a blob. */
export async function readBlobs(repo: string, specs: string[], env: NodeJS.ProcessEnv): Promise<Map<string, Buffer | null>> {
  const blobs = await readObjects(repo, specs, { baseEnv: env, maxBytes: Number.POSITIVE_INFINITY, blobsOnly: true, strict: true });
  return new Map(specs.map((s, i) => [s, blobs[i] ?? null]));
}

/** The local refs readers look at, newest knowledge first: fetched copy, then the delivery mirror. */
async function localRefs(repo: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const refs: string[] = [];
  for (const ref of [ATTESTATIONS_REF, TRACKING_REF]) {
    const commit = await resolveRef(repo, ref, env);
    if (commit) refs.push(commit);
  }
  return [...new Set(refs)];
}

/** Lists blob entries directly under `dir/` in `rev`'s tree: name → blob id. */
async function listDir(repo: string, rev: string, dir: string, env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const res = await runGit(repo, ['ls-tree', '-z', rev, `${dir}/`], { baseEnv: env, input: '', timeout: LOCAL_TIMEOUT_MS });
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
export async function fetchAttestations(repo: string, remote: string, opts: AttestationRefOptions = {}): Promise<FetchResult> {
  const env = refGitEnv(opts.env);
  const timeout = opts.networkTimeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS;
  const commit = await fetchRef(repo, remote, ATTESTATIONS_REF, { env, timeout, mirror: false });
  return { found: commit !== null, commit };
}

/** The files directly under `dir/` of the local refs (the first ref's copy of a name wins), by name without `ext`, sorted. */
async function readDirFiles(repo: string, dir: string, ext: string, env: NodeJS.ProcessEnv, keep: (name: string) => boolean): Promise<[string, Buffer][]> {
  const blobs = new Map<string, string>();
  for (const rev of await localRefs(repo, env)) {
    for (const [file, blob] of await listDir(repo, rev, dir, env)) {
      const name = file.endsWith(ext) ? file.slice(0, -ext.length) : file;
      if (keep(name) && !blobs.has(name)) blobs.set(name, blob);
    }
  }
  const names = [...blobs.keys()].sort();
  const contents = await readBlobs(repo, names.map((n) => blobs.get(n)!), env);
  return names.flatMap((name) => {
    const buf = contents.get(blobs.get(name)!);
    return buf ? [[name, buf] as [string, Buffer]] : [];
  });
}

/** Every attestation in the local refs, deduplicated, sorted by digest. */
export async function readAttestations(repo: string, opts: AttestationRefOptions = {}): Promise<StoredAttestation[]> {
  const files = await readDirFiles(repo, 'bundles', '.json', refGitEnv(opts.env), (name) => HEX64.test(name));
  return files.map(([digest, buf]) => ({ digest, bundleJson: buf.toString('utf8') }));
}

/** The attestations whose subjects include `commit` (full SHA, or any revision resolvable locally). */
export async function bundlesForCommit(repo: string, commit: string, opts: AttestationRefOptions = {}): Promise<StoredAttestation[]> {
  const env = refGitEnv(opts.env);
  let sha = commit.trim().toLowerCase();
  if (!COMMIT_SHA.test(sha)) {
    const resolved = await resolveRef(repo, commit, env);
    if (!resolved) throw new TraceError('NOT_FOUND', `'${commit}' is not a commit in ${repo}; pass a full SHA or a revision that exists locally`);
    sha = resolved;
  }
  const revs = await localRefs(repo, env);
  const lists = await readBlobs(repo, revs.map((rev) => `${rev}:commits/${sha}`), env);
  const digests = new Set<string>();
  for (const buf of lists.values()) {
    for (const line of buf?.toString('utf8').split('\n') ?? []) if (HEX64.test(line.trim())) digests.add(line.trim());
  }
  const result: StoredAttestation[] = [];
  for (const digest of [...digests].sort()) {
    const specs = revs.map((rev) => `${rev}:bundles/${digest}.json`);
    const found = await readBlobs(repo, specs, env);
    const buf = specs.map((s) => found.get(s)).find((b) => b);
    if (buf) result.push({ digest, bundleJson: buf.toString('utf8') });
  }
  return result;
}

/** Every public key stored under keys/, deduplicated by fingerprint. */
export async function publicKeys(repo: string, opts: AttestationRefOptions = {}): Promise<StoredKey[]> {
  const files = await readDirFiles(repo, 'keys', '.pem', refGitEnv(opts.env), () => true);
  return files.map(([fingerprint, buf]) => ({ fingerprint, pem: buf.toString('utf8') }));
}
