import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { TraceError } from '../../errors.js';
import { migrationProvider } from './migrations.js';
import type { TeamDatabase } from './schema.js';

/** An open server database: the Kysely handle and which engine is behind it. */
export interface TeamDb {
  db: Kysely<TeamDatabase>;
  engine: 'postgres' | 'sqlite';
  /** Where it lives, without credentials (for logs). */
  label: string;
  close(): Promise<void>;
}

/** True for `postgres://` and `postgresql://` URLs. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens `location` (a postgres:// URL, a SQLite file path, or `:memory:`) and applies pending
 * migrations. pg and better-sqlite3 are loaded only for the engine in use.
 */
export async function openTeamDb(location: string, opts: { poolSize?: number } = {}): Promise<TeamDb> {
  let teamDb: TeamDb;
  if (isPostgresUrl(location)) {
    const { default: pg } = await import('pg');
    // COUNT and SUM come back as int8/numeric strings; the queries convert them with Number()
    const pool = new pg.Pool({ connectionString: location, max: opts.poolSize ?? 10 });
    const db = new Kysely<TeamDatabase>({ dialect: new PostgresDialect({ pool }) });
    teamDb = { db, engine: 'postgres', label: redactUrl(location), close: () => db.destroy() };
  } else {
    const { default: Database } = await import('better-sqlite3');
    // token hashes and developers' emails live here: a private directory
    if (location !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(location)), { recursive: true, mode: 0o700 });
    let sqlite: InstanceType<typeof Database>;
    try {
      sqlite = new Database(location);
    } catch (err) {
      throw new TraceError('CONFIG_INVALID', `cannot open the SQLite database ${location}: ${(err as Error).message}; check the path and its permissions`, { cause: err });
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<TeamDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
    teamDb = { db, engine: 'sqlite', label: location, close: () => db.destroy() };
  }
  try {
    await migrate(teamDb.db);
  } catch (err) {
    await teamDb.close().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new TraceError('CONFIG_INVALID', `cannot prepare the database ${teamDb.label}: ${why}; check that it is reachable and writable`, { cause: err });
  }
  return teamDb;
}

async function migrate(db: Kysely<TeamDatabase>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw failed ? new Error(`migration ${failed.migrationName} failed: ${(error as Error).message ?? String(error)}`) : error;
}

/** A database URL with its password removed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}
