import { connect, type DaemonClient } from '../client/client.js';
import { Recorder } from '../capture/recorder.js';
import { silentLogger } from '../log/logger.js';
import { tracePaths, type TracePaths } from '../paths.js';
import { openDatabase } from '../store/db.js';
import type { CliContext } from './context.js';

/** Runs `viaDaemon` against the daemon (started on demand); when it cannot start, `local` on the database. */
export async function withDaemon<T>(
  ctx: CliContext,
  viaDaemon: (client: DaemonClient) => Promise<T>,
  local?: (rec: Recorder, paths: TracePaths) => Promise<T>,
): Promise<T> {
  const paths = tracePaths(ctx.env);
  let client: DaemonClient | null = null;
  try {
    client = await connect(paths);
  } catch (err) {
    if (!local) throw err;
    ctx.stderr(`ai-trace: daemon unavailable (${(err as Error).message}); reading the database directly\n`);
  }
  if (client) {
    try {
      return await viaDaemon(client);
    } finally {
      await client.close();
    }
  }
  const db = openDatabase(paths.db);
  try {
    return await local!(new Recorder(db, paths, silentLogger()), paths);
  } finally {
    db.close();
  }
}
