import type { Migration } from './index.js';

/** Commits made without the daemon's trailer answer (it was busy past the commit's bound), until pushed. */
export const unanswered: Migration = {
  version: 5,
  name: 'unanswered-commits',
  sql: `
CREATE TABLE unanswered_commits (
  repo       TEXT    NOT NULL,
  sha        TEXT    NOT NULL,
  queued     INTEGER NOT NULL,
  sessions   TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  PRIMARY KEY (repo, sha)
);
`,
};
