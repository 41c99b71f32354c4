import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { drain } from '../helpers/daemon.js';
import type { TestRepo } from '../helpers/repo.js';

type Session = ReturnType<TestRepo['session']>;

/** Waits for the daemon's own drain: every queued event applied, the spool empty. */
export async function drainedAll(t: TestRepo, timeoutMs: number): Promise<void> {
  await drain(t.traceHome, timeoutMs);
  expect(fs.readdirSync(path.join(t.traceHome, 'spool', 'new'))).toEqual([]);
}

/**
 * A repository whose daemon is stopped with events waiting: session `a`'s start (the daemon watched the
 * work tree from it), session `b`'s edit of b.txt (left unstaged) and `queued` copies of it, then what
 * `queue` adds through `a`.
 */
export async function withBacklog(t: TestRepo, queued: number, queue: (a: Session) => void = () => undefined): Promise<{ a: Session; b: Session }> {
  expect(t.trace('daemon', 'start').code).toBe(0);
  const a = t.session();
  a.start();
  a.write('other.txt', 'warm-up\n');
  await drainedAll(t, 60_000);
  t.stopDaemon();
  t.env.TRACE_AUTOSTART = '0';
  const before = t.spoolFiles('new');
  const b = t.session();
  b.edit('b.txt', 'b1', 'b1 changed by b');
  queueCopies(t, newEntries(t, before), queued);
  queue(a);
  expect(t.spoolFiles('new').length).toBeGreaterThanOrEqual(queued);
  return { a, b };
}

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
