import type { Migration } from './index.js';

/** Sessions, their events, file provenance and per-commit attribution. */
export const core: Migration = {
  version: 1,
  name: 'core',
  sql: `
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  agent TEXT NOT NULL,
  agent_version TEXT,
  repo TEXT,
  cwd TEXT,
  transcript_path TEXT,
  slug TEXT,
  model TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  events INTEGER NOT NULL DEFAULT 0,
  prompts INTEGER NOT NULL DEFAULT 0,
  stops INTEGER NOT NULL DEFAULT 0,
  tools TEXT NOT NULL DEFAULT '{}',
  subagents TEXT NOT NULL DEFAULT '[]',
  files_touched TEXT NOT NULL DEFAULT '[]',
  warnings TEXT NOT NULL DEFAULT '[]',
  transcript_state TEXT,
  subagent_states TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_repo ON sessions(repo);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  spool_key TEXT NOT NULL UNIQUE,
  session_id TEXT,
  repo TEXT,
  ts TEXT NOT NULL,
  agent TEXT NOT NULL,
  name TEXT NOT NULL,
  tool TEXT,
  file TEXT,
  note TEXT
);
CREATE INDEX events_session ON events(session_id);

CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,
  content BLOB NOT NULL
);

CREATE TABLE provenance (
  repo TEXT NOT NULL,
  path TEXT NOT NULL,
  blob TEXT NOT NULL,
  labels TEXT NOT NULL,
  removed TEXT NOT NULL DEFAULT '[]',
  updated_at TEXT NOT NULL,
  PRIMARY KEY (repo, path)
);

CREATE TABLE commits (
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  parent TEXT,
  sessions TEXT NOT NULL,
  code_changes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (repo, sha)
);

CREATE TABLE commit_files (
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  path TEXT NOT NULL,
  labels TEXT NOT NULL,
  PRIMARY KEY (repo, sha, path)
);
CREATE INDEX commit_files_path ON commit_files(repo, path);
CREATE INDEX commit_files_sha ON commit_files(sha, path);
CREATE INDEX commits_sha ON commits(sha);

CREATE TABLE session_commits (
  session_id TEXT NOT NULL,
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  PRIMARY KEY (session_id, repo, sha)
);
`,
};
