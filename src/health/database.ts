import fs from 'node:fs';
import type { HealthWarning } from './checks.js';

/**
 * The database checked read-only (`PRAGMA quick_check`): a damaged one ("database disk image is
 * malformed") is named with the way forward, instead of failing every command the same way.
 */
export async function databaseWarning(file: string): Promise<HealthWarning | null> {
  if (!fs.existsSync(file)) return null;
  let problem: string | null = null;
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      const bad = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (bad.length) problem = bad.slice(0, 3).join('; ');
    } finally {
      db.close();
    }
  } catch (err) {
    problem = (err as Error).message;
  }
  if (!problem) return null;
  return {
    code: 'DATABASE_DAMAGED',
    message: `the database ${file} is damaged (${problem})`,
    fix: `\`trace daemon stop\`, then \`mv ${file} ${file}.damaged\` (and its -wal/-shm files); the daemon starts a new one: sessions and pushes recorded so far stay in the old file, the attestations already on remotes are untouched`,
  };
}
