/** How an event that failed to apply is handled: wait for space, retry a few times, or set it aside. */
export type FailureKind = 'disk-full' | 'transient' | 'permanent';

/** Attempts before an event that keeps failing is dead-lettered with its reason. */
export const MAX_ATTEMPTS = 3;

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const TRANSIENT = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EIO', 'GIT_FAILED']);

/**
 * A full disk is no fault of the event: it waits (in order, nothing after it is applied) until space
 * returns. Locks, busy databases, descriptor limits and git failures (an index.lock) may pass: a few
 * attempts. Anything else (a bad payload) will fail the same way every time.
 */
export function classifyFailure(err: unknown): FailureKind {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if ((typeof code === 'string' && DISK_FULL.has(code)) || /\b(ENOSPC|database or disk is full|No space left on device)\b/i.test(message)) return 'disk-full';
  if (typeof code === 'string' && TRANSIENT.has(code)) return 'transient';
  return 'permanent';
}

/** Counts failed attempts per spool entry (in memory: a restarted daemon gives each entry new tries). */
export class AttemptCounter {
  private readonly attempts = new Map<string, number>();

  /** Records a failure; true when the entry has had its last attempt. */
  failed(key: string): boolean {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    return n >= MAX_ATTEMPTS;
  }

  done(key: string): void {
    this.attempts.delete(key);
  }
}
