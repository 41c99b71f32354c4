import fs from 'node:fs';
import path from 'node:path';
import { bundleDigest } from '../attest/digest.js';
import { publicKeyFingerprint } from '../attest/key.js';
import { SESSION_EVIDENCE_ID, type Statement } from '../attest/statement.js';
import { verifyBundle } from '../attest/verify.js';
import { fetchAttestations, publicKeys, readAttestations } from '../git/attestations.js';
import { TraceError } from '../errors.js';
import { git } from '../git/run.js';
import { principalMatches, type AllowedSigners } from './allowed-signers.js';

/** Where attestations are read from: the git destination's ref (fetched from `remote` first unless `fetch` is false), or bundle files in a folder. */
export type AttestationSource = { kind: 'git'; remote: string; fetch: boolean } | { kind: 'dir'; dir: string };

/** What loadAttestations needs. */
export interface LoadAttestationsOptions {
  /** The repository (work tree top): its attestation ref, and its commits for identity checks. */
  repo: string;
  from: AttestationSource;
  /** Extra trusted public keys (PEM text), e.g. from `--key FILE`. */
  keys?: string[];
  /** When set, only these signers' keys count, each only for its identities (commit author or committer email). */
  allowedSigners?: AllowedSigners | null;
  env?: NodeJS.ProcessEnv;
}

/** The `data` of one CHAINLOOP_AI_CODING_SESSION material, as policies see it under `input.data`. */
export type SessionData = Record<string, unknown> & { session?: { id?: string } };

/** One bundle whose signature, statement and subjects verified with a key that counts. */
export interface VerifiedAttestation {
  /** sha256 hex of the bundle bytes. */
  digest: string;
  /** Where it was read: `<remote>:<ref path>` or the file path. */
  source: string;
  keyFingerprint: string;
  statement: Statement;
  /** The subjects' commit ids. */
  commits: string[];
  /** predicate.metadata.createdAt. */
  createdAt: string;
  /** The materials of the attestation (the full objects: `schema`, `chainloop.material.evidence.id`, `data`). */
  materials: Record<string, unknown>[];
  /** The CHAINLOOP_AI_CODING_SESSION materials' data, in attestation order. */
  sessions: SessionData[];
}

/** A bundle that was not used, and why. `claimed*` are read without trusting the bundle (to tell whether it concerns a range). */
export interface RejectedAttestation {
  source: string;
  digest: string | null;
  reason: string;
  claimedCommits: string[];
  claimedSessions: string[];
}

/** The result of loadAttestations: what may be used, and what was refused. */
export interface LoadedAttestations {
  verified: VerifiedAttestation[];
  rejected: RejectedAttestation[];
  /** How many public keys counted. */
  trustedKeys: number;
  /** For a git source: whether the remote had an attestation ref (null when not fetched). */
  remoteHasRef: boolean | null;
}

interface RawBundle {
  source: string;
  digest: string;
  /** The digest the store named it by (ref layout: bundles/<digest>.json), to detect a rewritten file. */
  namedDigest: string | null;
  bundleJson: string;
}

/**
 * Reads and verifies every attestation of a repository (its git destination's ref, fetched first) or of
 * a folder of bundle files. Each bundle is checked (stored digest, DSSE signature with a key that
 * counts, statement and subjects, session schema) before it is used; one that fails is returned in
 * `rejected` with the reason. Keys that count: those delivered with the attestations and `keys`; when
 * `allowedSigners` is given, only the keys it lists, each for its identities only.
 */
export async function loadAttestations(opts: LoadAttestationsOptions): Promise<LoadedAttestations> {
  const { raws, delivered, remoteHasRef } = await readSource(opts);
  const candidates = dedupeKeys([...delivered, ...(opts.keys ?? [])]);
  const trusted = trustedKeys(candidates, opts.allowedSigners ?? null);
  const verified: VerifiedAttestation[] = [];
  const rejected: RejectedAttestation[] = [];
  const reject = (raw: RawBundle, reason: string) => rejected.push({ source: raw.source, digest: raw.digest, reason, ...claims(raw.bundleJson) });

  for (const raw of raws) {
    if (raw.namedDigest !== null && raw.namedDigest !== raw.digest) {
      reject(raw, `stored as ${raw.namedDigest.slice(0, 12)} but its sha256 is ${raw.digest.slice(0, 12)}: the bundle was modified`);
      continue;
    }
    if (trusted.size === 0) {
      reject(raw, 'no trusted public key: fetch the attestations with their keys, or pass --key FILE');
      continue;
    }
    const r = verifyBundle(raw.bundleJson, { publicKeys: [...trusted.values()].map((t) => t.pem) });
    if (!r.ok) {
      reject(raw, whyUnverified(raw.bundleJson, r.reason, candidates, opts.allowedSigners ?? null));
      continue;
    }
    const materials = r.statement.predicate.materials as unknown as Record<string, unknown>[];
    verified.push({
      digest: raw.digest,
      source: raw.source,
      keyFingerprint: r.keyFingerprint,
      statement: r.statement,
      commits: r.statement.subject.map((s) => s.digest.gitCommit),
      createdAt: r.statement.predicate.metadata.createdAt,
      materials,
      sessions: materials.filter((m) => m['chainloop.material.evidence.id'] === SESSION_EVIDENCE_ID).map((m) => m.data as SessionData),
    });
  }

  if (opts.allowedSigners) {
    const identities = await commitIdentities(opts.repo, [...new Set(verified.flatMap((v) => v.commits))]);
    for (let i = verified.length - 1; i >= 0; i--) {
      const v = verified[i]!;
      const principals = trusted.get(v.keyFingerprint)?.principals ?? [];
      const stranger = v.commits.find((c) => {
        const ids = identities.get(c);
        return ids !== undefined && !ids.some((id) => principalMatches(principals, id));
      });
      if (stranger) {
        verified.splice(i, 1);
        rejected.push({
          source: v.source,
          digest: v.digest,
          reason: `signed by ${v.keyFingerprint}, which ${opts.allowedSigners.source} allows for ${principals.join(', ')} only, but commit ${stranger.slice(0, 12)} is by ${identities.get(stranger)!.join(' / ')}`,
          claimedCommits: v.commits,
          claimedSessions: v.sessions.map((s) => String(s.session?.id)),
        });
      }
    }
  }
  verified.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.digest.localeCompare(b.digest));
  return { verified, rejected, trustedKeys: trusted.size, remoteHasRef };
}

interface TrustedKey {
  pem: string;
  principals: string[];
}

function dedupeKeys(pems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pem of pems) {
    try {
      const fp = publicKeyFingerprint(pem);
      if (!out.has(fp)) out.set(fp, pem);
    } catch {
      // a key that is not ECDSA P-256 cannot have signed an attestation; it is simply not a candidate
    }
  }
  return out;
}

/** fingerprint → key that counts: every candidate, or with an allowed-signers list only its keys. */
function trustedKeys(candidates: Map<string, string>, allowed: AllowedSigners | null): Map<string, TrustedKey> {
  const out = new Map<string, TrustedKey>();
  if (!allowed) {
    for (const [fp, pem] of candidates) out.set(fp, { pem, principals: ['*'] });
    return out;
  }
  for (const s of allowed.signers) {
    const pem = s.pem ?? candidates.get(s.fingerprint);
    if (!pem) continue;
    const prev = out.get(s.fingerprint);
    out.set(s.fingerprint, { pem, principals: [...(prev?.principals ?? []), ...s.principals] });
  }
  return out;
}

/** A clearer reason when the bundle's key exists but does not count. */
function whyUnverified(bundleJson: string, reason: string, candidates: Map<string, string>, allowed: AllowedSigners | null): string {
  const hint = keyHint(bundleJson);
  if (allowed && hint && !allowed.signers.some((s) => s.fingerprint === hint)) {
    return `signed by ${hint}, which ${allowed.source} does not list: unverifiable (add the key there if it is a team member's)`;
  }
  if (hint && !candidates.has(hint) && reason.startsWith('signature does not verify')) {
    return `signed by ${hint}, a key that was neither delivered with the attestations nor given with --key: unverifiable`;
  }
  return reason;
}

function keyHint(bundleJson: string): string | null {
  try {
    const b = JSON.parse(bundleJson) as { verificationMaterial?: { publicKey?: { hint?: string } } };
    return b.verificationMaterial?.publicKey?.hint ?? null;
  } catch {
    return null;
  }
}

/** Commits and session ids a bundle claims, read without trusting it (empty when unreadable). */
function claims(bundleJson: string): { claimedCommits: string[]; claimedSessions: string[] } {
  try {
    const b = JSON.parse(bundleJson) as { dsseEnvelope?: { payload?: string } };
    const st = JSON.parse(Buffer.from(b.dsseEnvelope?.payload ?? '', 'base64').toString('utf8')) as {
      subject?: { digest?: { gitCommit?: unknown } }[];
      predicate?: { materials?: { data?: { session?: { id?: unknown } } }[] };
    };
    return {
      claimedCommits: (st.subject ?? []).map((x) => x.digest?.gitCommit).filter((c): c is string => typeof c === 'string'),
      claimedSessions: (st.predicate?.materials ?? []).map((m) => m.data?.session?.id).filter((s): s is string => typeof s === 'string'),
    };
  } catch {
    return { claimedCommits: [], claimedSessions: [] };
  }
}

async function readSource(opts: LoadAttestationsOptions): Promise<{ raws: RawBundle[]; delivered: string[]; remoteHasRef: boolean | null }> {
  if (opts.from.kind === 'dir') return readDir(opts.from.dir);
  const env = opts.env ? { env: opts.env } : {};
  let remoteHasRef: boolean | null = null;
  if (opts.from.fetch) remoteHasRef = (await fetchAttestations(opts.repo, opts.from.remote, env)).found;
  const stored = await readAttestations(opts.repo, env);
  const keys = await publicKeys(opts.repo, env);
  return {
    raws: stored.map((a) => ({ source: `${opts.from.kind === 'git' ? opts.from.remote : ''}:bundles/${a.digest}.json`, digest: bundleDigest(a.bundleJson), namedDigest: a.digest, bundleJson: a.bundleJson })),
    delivered: keys.map((k) => k.pem),
    remoteHasRef,
  };
}

/** A folder of bundles: `*.json` at its top or under `bundles/` (the ref's layout); keys as `*.pem` at its top or under `keys/`. */
function readDir(dir: string): { raws: RawBundle[]; delivered: string[]; remoteHasRef: null } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new TraceError('NOT_FOUND', `${dir} is not a folder of attestation bundles: pass the folder that holds the *.json bundles`);
  }
  const list = (sub: string, ext: string) => {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) return [];
    return fs.readdirSync(d).filter((n) => n.endsWith(ext)).sort().map((n) => path.join(d, n)).filter((f) => fs.statSync(f).isFile());
  };
  const raws = [...list('.', '.json'), ...list('bundles', '.json')].map((file) => {
    const bundleJson = fs.readFileSync(file, 'utf8');
    const stem = path.basename(file, '.json');
    return { source: file, digest: bundleDigest(bundleJson), namedDigest: /^[0-9a-f]{64}$/.test(stem) ? stem : null, bundleJson };
  });
  const delivered = [...list('.', '.pem'), ...list('keys', '.pem')].map((f) => fs.readFileSync(f, 'utf8'));
  return { raws, delivered, remoteHasRef: null };
}

/** commit → its author and committer emails, for the commits that exist locally. */
async function commitIdentities(repo: string, commits: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (commits.length === 0) return out;
  const check = await git(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: commits.join('\n') + '\n', allowFailure: true });
  const present = check.split('\n').map((l) => l.split(' ')).filter((f) => f[1] === 'commit').map((f) => f[0]!);
  if (present.length === 0) return out;
  const log = await git(repo, ['log', '--no-walk=unsorted', '--stdin', '--format=%H %ae %ce'], { input: present.join('\n') + '\n' });
  for (const line of log.split('\n')) {
    const [sha, author, committer] = line.trim().split(' ');
    if (sha && author) out.set(sha, [...new Set([author, committer ?? author])]);
  }
  return out;
}
