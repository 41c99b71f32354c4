import { sql, type Kysely } from 'kysely';
import type { AttestationFacts, PrFact } from '../dashboard/facts.js';
import { dayOf } from '../dashboard/period.js';
import type { TeamDatabase } from './db/schema.js';

type Db = Kysely<TeamDatabase>;

/** One verified bundle to store, with who sent it. */
export interface AttestationToStore {
  idempotencyKey: string;
  tokenId: string;
  bundleJson: string;
  facts: AttestationFacts;
  receivedAt: string;
}

/**
 * Stores a verified attestation and its facts in one transaction, exactly once per idempotency key
 * and per content: returns false (and changes nothing) when either was stored before.
 */
export async function storeAttestation(db: Db, a: AttestationToStore): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('attestations')
      .values({
        idempotency_key: a.idempotencyKey,
        digest: a.facts.digest,
        token_id: a.tokenId,
        key_fingerprint: a.facts.keyFingerprint,
        created_at: a.facts.createdAt,
        received_at: a.receivedAt,
        bundle_json: a.bundleJson,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await storeFacts(trx, a.facts);
    return true;
  });
}

/** Writes the facts of one attestation (the sessions merged with what earlier attestations said). */
export async function storeFacts(db: Db, f: AttestationFacts): Promise<void> {
  if (f.commits.length) {
    await db
      .insertInto('attested_commits')
      .values(f.commits.map((c) => ({ sha: c.sha, digest: f.digest, author_email: c.authorEmail, committed_at: c.committedAt })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const s of f.sessions) {
    const earlier = sql<boolean>`excluded.at < sessions.at`;
    const pick = (col: string) => sql`CASE WHEN ${earlier} THEN excluded.${sql.ref(col)} ELSE sessions.${sql.ref(col)} END`;
    await db
      .insertInto('sessions')
      .values({
        session_id: s.sessionId,
        at: s.at,
        day: dayOf(s.at),
        developer: s.user,
        agent: s.agent,
        model: s.model,
        cost_usd: s.costUsd,
        key_fingerprint: f.keyFingerprint,
        digest: f.digest,
      })
      .onConflict((oc) =>
        oc.column('session_id').doUpdateSet({
          // the session counts when it first committed, for whoever authored that commit; its cost is
          // the largest the transcript reported (usage only grows)
          at: pick('at') as never,
          day: pick('day') as never,
          developer: pick('developer') as never,
          agent: pick('agent') as never,
          model: pick('model') as never,
          key_fingerprint: pick('key_fingerprint') as never,
          digest: pick('digest') as never,
          cost_usd: sql`CASE WHEN excluded.cost_usd > sessions.cost_usd THEN excluded.cost_usd ELSE sessions.cost_usd END` as never,
        }),
      )
      .execute();
    await db
      .insertInto('session_lines')
      .values({ lines_key: s.linesKey, session_id: s.sessionId, digest: f.digest, at: s.linesAt, day: dayOf(s.linesAt), ai_lines: s.aiLines, human_lines: s.humanLines })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Records (or updates) a PR and adds the commits and sessions known for it. */
export async function storePr(db: Db, pr: PrFact, updatedAt: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = { repo: pr.repo, number: pr.number, state: pr.state, merged: pr.state === 'merged' ? 1 : 0, at: pr.at, day: dayOf(pr.at), updated_at: updatedAt };
    await trx
      .insertInto('prs')
      .values({ id: pr.id, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    if (pr.commits.length) {
      await trx.insertInto('pr_commits').values(pr.commits.map((sha) => ({ pr_id: pr.id, sha }))).onConflict((oc) => oc.doNothing()).execute();
    }
    if (pr.sessions.length) {
      await trx.insertInto('pr_sessions').values(pr.sessions.map((session_id) => ({ pr_id: pr.id, session_id }))).onConflict((oc) => oc.doNothing()).execute();
    }
  });
}
