import { splitLines } from '../attribution/lines.js';
import { decodeLabels, encodeLabels } from '../attribution/labels.js';
import type { DormantLine, FileProvenance, RemovedLine } from '../attribution/provenance.js';
import { BlobStore } from './blobs.js';
import type { DB } from './db.js';

/** Per-file provenance maps: the last known content of each traced file and its lines' origins. */
export class ProvenanceStore {
  private readonly blobs: BlobStore;
  constructor(private readonly db: DB) {
    this.blobs = new BlobStore(db);
  }

  get(repo: string, path: string): FileProvenance | undefined {
    const row = this.db.prepare('SELECT blob, labels, removed FROM provenance WHERE repo = ? AND path = ?').get(repo, path) as
      | { blob: string; labels: string; removed: string }
      | undefined;
    if (!row) return undefined;
    const content = this.blobs.get(row.blob) ?? Buffer.alloc(0);
    const extra = JSON.parse(row.removed) as RemovedLine[] | { removed: RemovedLine[]; dormant?: DormantLine[] };
    const removed = Array.isArray(extra) ? extra : extra.removed;
    const dormant = Array.isArray(extra) ? [] : extra.dormant ?? [];
    return { lines: splitLines(content.toString('utf8')), labels: decodeLabels(row.labels), removed, dormant };
  }

  put(repo: string, path: string, prov: FileProvenance): void {
    const text = prov.lines.length ? prov.lines.join('\n') + '\n' : '';
    const blob = this.blobs.put(Buffer.from(text, 'utf8'));
    this.db
      .prepare(
        `INSERT INTO provenance (repo, path, blob, labels, removed, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (repo, path) DO UPDATE SET blob = excluded.blob, labels = excluded.labels,
           removed = excluded.removed, updated_at = excluded.updated_at`,
      )
      .run(repo, path, blob, encodeLabels(prov.labels), JSON.stringify({ removed: prov.removed, dormant: prov.dormant ?? [] }), new Date().toISOString());
  }

  delete(repo: string, path: string): void {
    this.db.prepare('DELETE FROM provenance WHERE repo = ? AND path = ?').run(repo, path);
  }

  paths(repo: string): string[] {
    return (this.db.prepare('SELECT path FROM provenance WHERE repo = ?').all(repo) as { path: string }[]).map((r) => r.path);
  }
}
