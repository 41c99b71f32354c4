import fs from 'node:fs';
import path from 'node:path';
import type { TestRepo } from '../helpers/repo.js';

/**
 * Queues `n` more hook events behind what is in the spool: copies of the events the real hooks left
 * there (payload, snapshot and done file, as the shim writes them), in order, each under a new sequence
 * number. The daemon applies each copy like the original (an edit's snapshots diffed again).
 */
export function queueCopies(t: TestRepo, names: string[], n: number): void {
  const spool = path.join(t.traceHome, 'spool');
  let seq = Number(fs.readFileSync(path.join(spool, 'seq'), 'utf8').trim()) || 0;
  for (let i = 0; i < n; i++) {
    const name = names[i % names.length]!;
    const key = name.replace(/\.json$/, '');
    const copy = `${++seq}${key.slice(key.indexOf('-'))}`;
    for (const ext of ['', '.done']) {
      const blob = path.join(spool, 'blobs', key + ext);
      if (fs.existsSync(blob)) fs.copyFileSync(blob, path.join(spool, 'blobs', copy + ext));
    }
    fs.copyFileSync(path.join(spool, 'new', name), path.join(spool, 'new', `${copy}.json`));
  }
  fs.writeFileSync(path.join(spool, 'seq'), `${seq}\n`);
}

/** Spool entries written since `before` (a listing of spool/new), oldest first. */
export function newEntries(t: TestRepo, before: string[]): string[] {
  const seen = new Set(before);
  return t.spoolFiles('new').filter((n) => !seen.has(n));
}
