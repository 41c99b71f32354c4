import type { Migration } from './index.js';

/** Each session's capture-time signal state (JSON: rule ids, counts, tool call indexes; never a secret or a prompt). */
export const signals: Migration = {
  version: 3,
  name: 'session-signals',
  sql: `
CREATE TABLE session_signals (
  session_id TEXT PRIMARY KEY,
  state      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`,
};
