import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TraceError } from '../errors.js';
import type { TeamDatabase, TokensTable } from './db/schema.js';

type Db = Kysely<TeamDatabase>;

/** A token as listed (never the secret itself). */
export type TokenInfo = Pick<TokensTable, 'id' | 'name' | 'created_at' | 'revoked_at'> & { key_fingerprint: string | null };

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** Creates a token named `name`; returns the secret, which is shown once and stored only as its sha256. */
export async function createToken(db: Db, name: string, now = new Date()): Promise<{ id: string; token: string }> {
  if (!/^[\w.@-]{1,100}$/.test(name)) throw new TraceError('USAGE', `token name '${name}' must be 1-100 letters, digits, '.', '@', '_' or '-'`);
  const existing = await db.selectFrom('tokens').select('id').where('name', '=', name).executeTakeFirst();
  if (existing) throw new TraceError('USAGE', `a token named '${name}' exists; revoke it first or pick another name`);
  const token = `trace_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.insertInto('tokens').values({ id, name, token_sha256: sha256(token), created_at: now.toISOString(), revoked_at: null, accepts_new_key: 1 }).execute();
  return { id, token };
}

/** Every token with the key bound to it. */
export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db
    .selectFrom('tokens')
    .leftJoin('token_keys', (j) => j.onRef('token_keys.token_id', '=', 'tokens.id').on('token_keys.state', '=', 'active'))
    .select(['tokens.id', 'tokens.name', 'tokens.created_at', 'tokens.revoked_at', 'token_keys.fingerprint as key_fingerprint'])
    .orderBy('tokens.created_at')
    .orderBy('tokens.name')
    .execute();
  return rows.map((r) => ({ ...r, key_fingerprint: r.key_fingerprint ?? null }));
}

/** Revokes the token named `name` (by name or id); its bundles are refused from now on. */
export async function revokeToken(db: Db, name: string, now = new Date()): Promise<void> {
  const r = await db
    .updateTable('tokens')
    .set({ revoked_at: now.toISOString() })
    .where((eb) => eb.or([eb('name', '=', name), eb('id', '=', name)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new TraceError('NOT_FOUND', `no active token named '${name}'; see trace server token list`);
}

/** The live token a bearer secret belongs to, or null. */
export async function tokenForSecret(db: Db, secret: string): Promise<Pick<TokensTable, 'id' | 'name' | 'accepts_new_key'> | null> {
  const row = await db
    .selectFrom('tokens')
    .select(['id', 'name', 'accepts_new_key'])
    .where('token_sha256', '=', sha256(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ?? null;
}

/** Looks a token up by name or id; NOT_FOUND otherwise. */
export async function tokenByName(db: Db, name: string): Promise<Pick<TokensTable, 'id' | 'name'>> {
  const row = await db
    .selectFrom('tokens')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('name', '=', name), eb('id', '=', name)]))
    .executeTakeFirst();
  if (!row) throw new TraceError('NOT_FOUND', `no token named '${name}'; see trace server token list`);
  return row;
}
