import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Numbered migrations, applied in order by Kysely's Migrator (it records them in kysely_migration). */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('accepts_new_key', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .createTable('token_keys')
        .addColumn('token_id', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('public_key_pem', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('bound_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addPrimaryKeyConstraint('token_keys_pk', ['token_id', 'fingerprint'])
        .execute();
      // at most one active key per token, even with several server processes racing to bind one
      await sql`CREATE UNIQUE INDEX token_keys_one_active ON token_keys (token_id) WHERE state = 'active'`.execute(db);
      await db.schema
        .createTable('attestations')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('digest', 'text', (c) => c.notNull().unique())
        .addColumn('token_id', 'text', (c) => c.notNull())
        .addColumn('key_fingerprint', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('bundle_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('attested_commits')
        .addColumn('sha', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('author_email', 'text')
        .addColumn('committed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('attested_commits_pk', ['sha', 'digest'])
        .execute();
      await db.schema
        .createTable('sessions')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('developer', 'text', (c) => c.notNull())
        .addColumn('agent', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('key_fingerprint', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_at').on('sessions').column('at').execute();
      await db.schema
        .createTable('session_lines')
        .addColumn('lines_key', 'text', (c) => c.primaryKey())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('ai_lines', 'integer', (c) => c.notNull())
        .addColumn('human_lines', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('session_lines_at').on('session_lines').column('at').execute();
      await db.schema.createIndex('session_lines_session').on('session_lines').column('session_id').execute();
      await db.schema
        .createTable('prs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('repo', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('merged', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('prs_at').on('prs').column('at').execute();
      await db.schema
        .createTable('pr_commits')
        .addColumn('pr_id', 'text', (c) => c.notNull())
        .addColumn('sha', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pr_commits_pk', ['pr_id', 'sha'])
        .execute();
      await db.schema.createIndex('pr_commits_sha').on('pr_commits').column('sha').execute();
      await db.schema
        .createTable('pr_sessions')
        .addColumn('pr_id', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('pr_sessions_pk', ['pr_id', 'session_id'])
        .execute();
    },
  },
};

/** Kysely's MigrationProvider over the list above (no migration files to find at run time). */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
