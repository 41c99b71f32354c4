import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { publicKeyFingerprint } from '../attest/key.js';
import { TraceError } from '../errors.js';
import type { TeamDatabase, TokenKeysTable } from './db/schema.js';
import { tokenByName } from './tokens.js';

type Db = Kysely<TeamDatabase>;

/** A key as listed, with the name of its token. */
export type KeyInfo = Omit<TokenKeysTable, 'public_key_pem'> & { token_name: string };

/**
 * The header a client's HTTP delivery sends its public key in: the SPKI PEM, base64-encoded (a header
 * cannot carry the PEM's line breaks). The bundle itself only names the key by a hint.
 */
export const PUBLIC_KEY_HEADER = 'x-trace-public-key';

/** Decodes the header's value into a PEM and its fingerprint; a message saying what is wrong otherwise. */
export function parseKeyHeader(value: string): { pem: string; fingerprint: string } | string {
  const pem = Buffer.from(value.trim(), 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) return `${PUBLIC_KEY_HEADER} must be the base64 of a PEM public key`;
  try {
    const key = crypto.createPublicKey(pem);
    return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: publicKeyFingerprint(key) };
  } catch (err) {
    return `${PUBLIC_KEY_HEADER} is not an ECDSA P-256 public key (${(err as Error).message})`;
  }
}

/** The active key of a token, if one is bound. */
export async function activeKey(db: Db, tokenId: string): Promise<{ fingerprint: string; pem: string } | null> {
  const row = await db
    .selectFrom('token_keys')
    .select(['fingerprint', 'public_key_pem'])
    .where('token_id', '=', tokenId)
    .where('state', '=', 'active')
    .executeTakeFirst();
  return row ? { fingerprint: row.fingerprint, pem: row.public_key_pem } : null;
}

/**
 * Binds `key` to the token when the token takes a new key (first key seen, or after a rotation).
 * Returns the key now active for the token (another server process may have bound one first).
 */
export async function bindKey(db: Db, tokenId: string, key: { pem: string; fingerprint: string }, now = new Date()): Promise<{ fingerprint: string; pem: string } | null> {
  try {
    await db.transaction().execute(async (trx) => {
      const open = await trx.updateTable('tokens').set({ accepts_new_key: 0 }).where('id', '=', tokenId).where('accepts_new_key', '=', 1).executeTakeFirst();
      if (Number(open.numUpdatedRows) === 0) return;
      await trx
        .insertInto('token_keys')
        .values({ token_id: tokenId, fingerprint: key.fingerprint, public_key_pem: key.pem, state: 'active', bound_at: now.toISOString(), revoked_at: null })
        .onConflict((oc) => oc.columns(['token_id', 'fingerprint']).doUpdateSet({ state: 'active', bound_at: now.toISOString(), revoked_at: null }))
        .execute();
    });
  } catch {
    // lost a race for the one active key: whatever is bound now decides
  }
  return activeKey(db, tokenId);
}

/** Every key ever bound, newest first. */
export async function listKeys(db: Db): Promise<KeyInfo[]> {
  return db
    .selectFrom('token_keys')
    .innerJoin('tokens', 'tokens.id', 'token_keys.token_id')
    .select(['token_keys.token_id', 'tokens.name as token_name', 'token_keys.fingerprint', 'token_keys.state', 'token_keys.bound_at', 'token_keys.revoked_at'])
    .orderBy('token_keys.bound_at', 'desc')
    .execute();
}

/** Revokes a key (for every token it is bound to): bundles it signs are refused until a rotation binds a key. */
export async function revokeKey(db: Db, fingerprint: string, now = new Date()): Promise<number> {
  const r = await db.updateTable('token_keys').set({ state: 'revoked', revoked_at: now.toISOString() }).where('fingerprint', '=', fingerprint).where('state', '=', 'active').executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  if (n === 0) throw new TraceError('NOT_FOUND', `no active key ${fingerprint}; see trace server key list`);
  return n;
}

/**
 * Rotates a token's key: the active one is revoked, and either `pem` is bound at once or the next key
 * the token's client presents is bound (as for a new token).
 */
export async function rotateKey(db: Db, tokenName: string, pem?: string, now = new Date()): Promise<string | null> {
  const token = await tokenByName(db, tokenName);
  let fingerprint: string | null = null;
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('token_keys').set({ state: 'revoked', revoked_at: now.toISOString() }).where('token_id', '=', token.id).where('state', '=', 'active').execute();
    if (pem === undefined) {
      await trx.updateTable('tokens').set({ accepts_new_key: 1 }).where('id', '=', token.id).execute();
      return;
    }
    let key: crypto.KeyObject;
    try {
      key = crypto.createPublicKey(pem);
    } catch {
      throw new TraceError('USAGE', 'the key file is not a PEM public key; pass the signing-key.pub.pem of the developer (trace key show)');
    }
    fingerprint = publicKeyFingerprint(key);
    const spki = key.export({ type: 'spki', format: 'pem' }).toString();
    await trx.updateTable('tokens').set({ accepts_new_key: 0 }).where('id', '=', token.id).execute();
    await trx
      .insertInto('token_keys')
      .values({ token_id: token.id, fingerprint, public_key_pem: spki, state: 'active', bound_at: now.toISOString(), revoked_at: null })
      .onConflict((oc) => oc.columns(['token_id', 'fingerprint']).doUpdateSet({ state: 'active', bound_at: now.toISOString(), revoked_at: null }))
      .execute();
  });
  return fingerprint;
}
