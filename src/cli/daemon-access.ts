import { connect, type DaemonClient } from '../client/client.js';
import type { Recorder } from '../capture/recorder.js';
import { tracePaths, type TracePaths } from '../paths.js';
import type { CliContext } from './context.js';
import { checkOwnState } from '../guard/home.js';

/** Runs `viaDaemon` against the daemon (started on demand); when it cannot start, `local` on the database. */
export async function withDaemon<T>(
  ctx: CliContext,
  viaDaemon: (client: DaemonClient) => Promise<T>,
  local?: (rec: Recorder, paths: TracePaths) => Promise<T>,
): Promise<T> {
  const paths = tracePaths(ctx.env);
  checkOwnState(paths); // never fall back to a database in a folder that is not the user's own
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
  // the database side is loaded only when the daemon cannot be reached
  const [{ Recorder }, { silentLogger }, { openDatabase }] = await Promise.all([
    import('../capture/recorder.js'),
    import('../log/logger.js'),
    import('../store/db.js'),
  ]);
  const db = openDatabase(paths.db);
  try {
    return await local!(new Recorder(db, paths, silentLogger()), paths);
  } finally {
    db.close();
  }
}
