import type { Migration } from './index.js';

/**
 * Pushes waiting to be (or already) delivered, and one durable delivery job per destination.
 * Times are epoch milliseconds. `pushes.digest` is the sha256 hex of the bundle bytes.
 */
export const push: Migration = {
  version: 2,
  name: 'push-delivery',
  sql: `
CREATE TABLE pushes (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  repo            TEXT    NOT NULL,
  remote          TEXT    NOT NULL,
  remote_url      TEXT,
  refs            TEXT    NOT NULL DEFAULT '[]',
  commits         TEXT    NOT NULL DEFAULT '[]',
  bundle          TEXT    NOT NULL,
  digest          TEXT    NOT NULL,
  public_key_pem  TEXT,
  key_fingerprint TEXT,
  created_at      INTEGER NOT NULL
);
CREATE INDEX pushes_digest ON pushes (digest);

CREATE TABLE delivery_jobs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  push_id         INTEGER NOT NULL REFERENCES pushes (id) ON DELETE CASCADE,
  destination     TEXT    NOT NULL,
  label           TEXT    NOT NULL,
  dest_key        TEXT    NOT NULL,
  state           TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'delivering', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error      TEXT,
  delivered_at    INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX delivery_jobs_due ON delivery_jobs (state, next_attempt_at);
CREATE INDEX delivery_jobs_push ON delivery_jobs (push_id);
`,
};
