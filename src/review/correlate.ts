import { SESSION_EVIDENCE_ID, SESSION_SCHEMA_URI } from '../attest/statement.js';
import type { LoadedAttestations, RejectedAttestation, SessionData, VerifiedAttestation } from './attestations.js';
import type { ReviewRange } from './range.js';

/** One part of a session: its material in one attestation (a session pushed in parts has several). */
export interface SessionPart {
  attestation: VerifiedAttestation;
  data: SessionData;
  /** The commits this part covers (its git_context, else the attestation's subjects). */
  commits: string[];
}

/** A session behind the range, its parts aggregated into one material shaped as Chainloop's. */
export interface CorrelatedSession {
  id: string;
  /** The aggregated CHAINLOOP_AI_CODING_SESSION material: what policies get as `input`. */
  material: { schema: string; 'chainloop.material.evidence.id': string; data: SessionData };
  parts: SessionPart[];
  /** Commits of the range this session contributed to (by subject or by trailer). */
  rangeCommits: string[];
  /** The other materials of its parts' attestations (ai-trace's signals material among them). */
  companions: Record<string, unknown>[];
}

/** What the range's commits and the verified attestations say together. */
export interface Correlation {
  sessions: CorrelatedSession[];
  /** Session ids a commit of the range names but no verified attestation holds, with the commits naming them. */
  missing: { id: string; commits: string[] }[];
  /** Refused bundles that concern the range (claim one of its commits or sessions, or cannot be read at all). */
  rejected: RejectedAttestation[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function partCommits(a: VerifiedAttestation, data: SessionData): string[] {
  const git = isObj(data.git_context) ? data.git_context : undefined;
  const own = Array.isArray(git?.commits) ? (git.commits as unknown[]).filter((c): c is string => typeof c === 'string') : [];
  return own.length ? own : a.commits;
}

/**
 * Matches the range to sessions: by commit id (an attestation's subjects) and by the sessions a
 * commit's message names (so squashed or rebased ranges, with new ids, still match). A session found
 * in several attestations is aggregated: for a range that contains some of its commits, the parts
 * covering those; for one that only names it (squashed), every part.
 */
export function correlate(range: ReviewRange, loaded: LoadedAttestations): Correlation {
  const inRange = new Set(range.commits.map((c) => c.sha));
  const named = new Map<string, string[]>();
  for (const c of range.commits) for (const s of c.sessions) named.set(s, [...(named.get(s) ?? []), c.sha]);

  const partsById = new Map<string, SessionPart[]>();
  for (const a of loaded.verified) {
    for (const data of a.sessions) {
      const id = typeof data.session?.id === 'string' ? data.session.id : undefined;
      if (!id) continue;
      const list = partsById.get(id) ?? [];
      list.push({ attestation: a, data, commits: partCommits(a, data) });
      partsById.set(id, list);
    }
  }

  const sessions: CorrelatedSession[] = [];
  const order: string[] = [];
  const consider = (id: string) => !order.includes(id) && order.push(id);
  // oldest commit first, and within a commit the order its trailer names them
  for (const c of range.commits) {
    for (const s of c.sessions) consider(s);
    for (const [id, parts] of partsById) if (parts.some((p) => p.commits.includes(c.sha))) consider(id);
  }
  for (const id of order) {
    const all = partsById.get(id);
    if (!all) continue;
    const touching = all.filter((p) => p.commits.some((c) => inRange.has(c)));
    const parts = dedupeParts(touching.length ? touching : all);
    const rangeCommits = range.commits
      .filter((c) => c.sessions.includes(id) || parts.some((p) => p.commits.includes(c.sha)))
      .map((c) => c.sha);
    const companions = [...new Set(parts.map((p) => p.attestation))].flatMap((a) => a.materials.filter((m) => m['chainloop.material.evidence.id'] !== SESSION_EVIDENCE_ID));
    sessions.push({ id, parts, rangeCommits, companions, material: { schema: SESSION_SCHEMA_URI, 'chainloop.material.evidence.id': SESSION_EVIDENCE_ID, data: mergeParts(parts) } });
  }

  const missing = [...named].filter(([id]) => !partsById.has(id)).map(([id, commits]) => ({ id, commits }));
  const rejected = loaded.rejected.filter(
    (r) =>
      (r.claimedCommits.length === 0 && r.claimedSessions.length === 0) ||
      r.claimedCommits.some((c) => inRange.has(c)) ||
      r.claimedSessions.some((s) => named.has(s)),
  );
  return { sessions, missing, rejected };
}

/** Parts over the same commits (the same push delivered twice, or re-attested) count once: the newest. */
function dedupeParts(parts: SessionPart[]): SessionPart[] {
  const byCommits = new Map<string, SessionPart>();
  for (const p of parts) {
    const key = [...p.commits].sort().join(',');
    const prev = byCommits.get(key);
    if (!prev || p.attestation.createdAt >= prev.attestation.createdAt) byCommits.set(key, p);
  }
  return [...byCommits.values()].sort((a, b) => a.attestation.createdAt.localeCompare(b.attestation.createdAt));
}

/**
 * One session's data from its parts: identity, model and usage from the newest part (usage is the
 * session's running total when each part was pushed), models and commits united, code changes summed
 * file by file (each part covers different commits).
 */
export function mergeParts(parts: SessionPart[]): SessionData {
  const newest = parts[parts.length - 1]!.data;
  if (parts.length === 1) return newest;
  const models = new Set<string>();
  for (const p of parts) {
    const m = isObj(p.data.model) ? p.data.model : {};
    for (const x of Array.isArray(m.models_used) ? m.models_used : []) if (typeof x === 'string') models.add(x);
  }
  const commits = [...new Set(parts.flatMap((p) => p.commits))];
  const started = parts.map((p) => (isObj(p.data.session) ? String((p.data.session as Obj).started_at ?? '') : '')).filter(Boolean).sort()[0];
  const session = { ...(isObj(newest.session) ? newest.session : {}), ...(started ? { started_at: started } : {}) };
  const git = isObj(newest.git_context) ? newest.git_context : {};
  return {
    ...newest,
    session,
    ...(isObj(newest.model) ? { model: { ...newest.model, models_used: [...models] } } : {}),
    git_context: { ...git, commits, commit_count: commits.length, commit_start: commits[0], commit_end: commits[commits.length - 1] },
    code_changes: sumCodeChanges(parts.map((p) => p.data.code_changes)),
  };
}

const COUNTS = ['files_modified', 'files_created', 'files_deleted', 'lines_added', 'lines_removed', 'ai_lines_added', 'ai_lines_removed', 'human_lines_added', 'human_lines_removed'] as const;
const FILE_COUNTS = ['lines_added', 'lines_removed', 'ai_lines_added', 'ai_lines_removed', 'human_lines_added', 'human_lines_removed'] as const;

function sumCodeChanges(list: unknown[]): Obj {
  const out: Obj = Object.fromEntries(COUNTS.map((k) => [k, 0]));
  const files = new Map<string, Obj>();
  for (const cc of list) {
    if (!isObj(cc)) continue;
    for (const k of COUNTS) out[k] = num(out[k]) + num(cc[k]);
    for (const f of Array.isArray(cc.files) ? cc.files : []) {
      if (!isObj(f) || typeof f.path !== 'string') continue;
      const prev = files.get(f.path);
      if (!prev) {
        const { line_ranges: _r, human_line_ranges: _h, ...rest } = f;
        files.set(f.path, { ...rest });
        continue;
      }
      for (const k of FILE_COUNTS) if (k in prev || k in f) prev[k] = num(prev[k]) + num(f[k]);
      if (f.attribution === 'ai') prev.attribution = 'ai';
      if (f.status === 'deleted') prev.status = prev.status === 'created' ? 'created' : 'deleted';
      const ids = new Set([...(Array.isArray(prev.session_ids) ? prev.session_ids : []), ...(Array.isArray(f.session_ids) ? f.session_ids : [])]);
      if (ids.size) prev.session_ids = [...ids];
    }
  }
  // a file created in one part and modified in a later one was created by the session
  const all = [...files.values()];
  out.files_created = all.filter((f) => f.status === 'created').length;
  out.files_modified = all.filter((f) => f.status === 'modified' || f.status === 'renamed').length;
  out.files_deleted = all.filter((f) => f.status === 'deleted').length;
  out.files = all;
  return out;
}
