import type { Migration } from './index.js';

/**
 * Pre-pushes that could not be attested (a bad `.chainloop.yml`, a signing error, policy gates that
 * blocked it): the commits it carried and why, so commits that reach the remote anyway are reported
 * with their reason. Times are epoch milliseconds.
 */
export const pushFailures: Migration = {
  version: 4,
  name: 'push-failures',
  sql: `
CREATE TABLE push_failures (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  repo       TEXT    NOT NULL,
  remote     TEXT    NOT NULL,
  commits    TEXT    NOT NULL DEFAULT '[]',
  reason     TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX push_failures_repo ON push_failures (repo);
`,
};
