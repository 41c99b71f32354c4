import type { SignalState } from '../signals/state.js';
import type { DB } from './db.js';

/** Each session's capture-time signal state. */
export class SignalStore {
  constructor(private readonly db: DB) {}

  get(sessionId: string): SignalState | undefined {
    const row = this.db.prepare('SELECT state FROM session_signals WHERE session_id = ?').get(sessionId) as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as SignalState) : undefined;
  }

  put(sessionId: string, state: SignalState): void {
    this.db
      .prepare('INSERT INTO session_signals (session_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at')
      .run(sessionId, JSON.stringify(state), new Date().toISOString());
  }
}
