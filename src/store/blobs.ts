import { createHash } from 'node:crypto';
import type { DB } from './db.js';

/** Content-addressed file snapshots. */
export class BlobStore {
  constructor(private readonly db: DB) {}

  put(content: Buffer): string {
    const hash = createHash('sha256').update(content).digest('hex');
    this.db.prepare('INSERT OR IGNORE INTO blobs (hash, content) VALUES (?, ?)').run(hash, content);
    return hash;
  }

  get(hash: string): Buffer | undefined {
    const row = this.db.prepare('SELECT content FROM blobs WHERE hash = ?').get(hash) as { content: Buffer } | undefined;
    return row?.content;
  }

  /** Drops blobs nothing refers to any more. */
  collect(): number {
    return this.db
      .prepare('DELETE FROM blobs WHERE hash NOT IN (SELECT blob FROM provenance)')
      .run().changes;
  }
}
