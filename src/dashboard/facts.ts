import { createHash } from 'node:crypto';
import { SESSION_EVIDENCE_ID, type Statement } from '../attest/statement.js';

/**
 * What the dashboard counts, read from one verified attestation. Every figure on the dashboard comes
 * from these facts, whether they were read from a repository's attestation ref or stored by the server.
 */
export interface AttestationFacts {
  /** sha256 hex of the bundle bytes. */
  digest: string;
  keyFingerprint: string;
  /** The statement's createdAt (push time): the date of anything git did not date. */
  createdAt: string;
  commits: CommitFact[];
  sessions: SessionFact[];
}

/** One subject commit: who wrote it and when (from the subject's signed annotations). */
export interface CommitFact {
  sha: string;
  authorEmail: string | null;
  committedAt: string;
}

/** One session material of the attestation, dated and attributed to a developer. */
export interface SessionFact {
  sessionId: string;
  agent: string;
  model: string;
  costUsd: number;
  /** Earliest committer date of the session's commits in this attestation: when the session counts. */
  at: string;
  /** Latest committer date of those commits: when its lines count. */
  linesAt: string;
  /** The git author email of its earliest commit, else `key:<fingerprint>` of the signer. */
  user: string;
  aiLines: number;
  humanLines: number;
  /** Identifies this session's share of commits, so the same commits pushed twice count once. */
  linesKey: string;
  commits: string[];
}

/** A model name for sessions whose transcript named none. */
export const UNKNOWN_MODEL = 'unknown';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The facts of a statement that verifyBundle accepted (signed by keyFingerprint). */
export function factsFromStatement(statement: Statement, digest: string, keyFingerprint: string): AttestationFacts {
  const createdAt = new Date(Date.parse(statement.predicate.metadata.createdAt)).toISOString();
  const commits: CommitFact[] = statement.subject.map((s) => {
    const a = obj(s.annotations);
    const when = Date.parse(str(a.committed_at) ?? '');
    return {
      sha: s.digest.gitCommit,
      authorEmail: str(a.author_email)?.toLowerCase() ?? null,
      committedAt: Number.isNaN(when) ? createdAt : new Date(when).toISOString(),
    };
  });
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  // other materials (ai-trace's session signals, agent configs) are not sessions
  const materials = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === SESSION_EVIDENCE_ID);
  const sessions = materials.map((m): SessionFact => {
    const data = obj(m.data);
    const named = (Array.isArray(obj(data.git_context).commits) ? (obj(data.git_context).commits as unknown[]) : []).filter(
      (c): c is string => typeof c === 'string' && bySha.has(c),
    );
    const own = (named.length ? named : commits.map((c) => c.sha)).map((sha) => bySha.get(sha)!);
    own.sort((a, b) => a.committedAt.localeCompare(b.committedAt) || a.sha.localeCompare(b.sha));
    const first = own[0];
    const last = own[own.length - 1];
    const changes = obj(data.code_changes);
    const sessionId = str(obj(data.session).id) ?? 'unknown';
    const shas = own.map((c) => c.sha).sort();
    return {
      sessionId,
      agent: str(obj(data.agent).name) ?? 'unknown',
      model: str(obj(data.model).primary) ?? UNKNOWN_MODEL,
      costUsd: num(obj(data.usage).estimated_cost_usd),
      at: first?.committedAt ?? createdAt,
      linesAt: last?.committedAt ?? createdAt,
      user: first?.authorEmail ?? `key:${keyFingerprint}`,
      aiLines: num(changes.ai_lines_added),
      humanLines: num(changes.human_lines_added),
      linesKey: createHash('sha256').update(`${sessionId}\0${shas.join(',')}`).digest('hex'),
      commits: shas,
    };
  });
  return { digest, keyFingerprint, createdAt, commits, sessions };
}

/** A pull or merge request, from a forge's webhook or from the merge commit that names it. */
export interface PrFact {
  /** `<repository>#<number>` (GitLab: `!<number>`). */
  id: string;
  repo: string;
  number: number;
  state: 'open' | 'closed' | 'merged';
  /** When it was merged, else when it was opened: the period it counts in. */
  at: string;
  /** Commits known to belong to it (head commits seen, the merge commit, the merged branch). */
  commits: string[];
  /** Sessions named by trailers on its commits (a squash commit keeps its sessions' trailers). */
  sessions: string[];
}
