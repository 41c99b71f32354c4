/**
 * The server's database, declared once for Kysely; the same tables on PostgreSQL and SQLite.
 * Times are ISO 8601 UTC strings (`toISOString()`, so they sort as text); flags are 0/1 integers.
 */
export interface TeamDatabase {
  tokens: TokensTable;
  token_keys: TokenKeysTable;
  attestations: AttestationsTable;
  attested_commits: AttestedCommitsTable;
  sessions: SessionsTable;
  session_lines: SessionLinesTable;
  prs: PrsTable;
  pr_commits: PrCommitsTable;
  pr_sessions: PrSessionsTable;
}

/** Bearer tokens: only their sha256 is kept. */
export interface TokensTable {
  id: string;
  name: string;
  token_sha256: string;
  created_at: string;
  revoked_at: string | null;
  /** 1 when the next key seen for this token becomes its key (new token, or after `key rotate`). */
  accepts_new_key: number;
}

/** Keys bound to tokens; one active row per token at most. */
export interface TokenKeysTable {
  token_id: string;
  fingerprint: string;
  public_key_pem: string;
  state: 'active' | 'revoked';
  bound_at: string;
  revoked_at: string | null;
}

/** Every stored bundle, once per idempotency key and once per content. */
export interface AttestationsTable {
  idempotency_key: string;
  digest: string;
  token_id: string;
  key_fingerprint: string;
  created_at: string;
  received_at: string;
  bundle_json: string;
}

/** Subject commits of stored attestations (what PRs are matched against). */
export interface AttestedCommitsTable {
  sha: string;
  digest: string;
  author_email: string | null;
  committed_at: string;
}

/** One row per session, merged over every attestation that holds it. */
export interface SessionsTable {
  session_id: string;
  at: string;
  day: string;
  /** The developer: git author email (see SessionFact.user). */
  developer: string;
  agent: string;
  model: string;
  cost_usd: number;
  key_fingerprint: string;
  digest: string;
}

/** A session's added lines over one set of commits (its part of one push). */
export interface SessionLinesTable {
  lines_key: string;
  session_id: string;
  /** The attestation that first brought these lines. */
  digest: string;
  at: string;
  day: string;
  ai_lines: number;
  human_lines: number;
}

/** Pull and merge requests. */
export interface PrsTable {
  id: string;
  repo: string;
  number: number;
  state: 'open' | 'closed' | 'merged';
  merged: number;
  at: string;
  day: string;
  updated_at: string;
}

export interface PrCommitsTable {
  pr_id: string;
  sha: string;
}

export interface PrSessionsTable {
  pr_id: string;
  session_id: string;
}
