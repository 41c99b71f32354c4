import type { FastifyInstance } from 'fastify';
import type { StatusResponse } from '../../protocol/types.js';
import { spoolCounts, statusSessions } from '../../query/status.js';
import { replies, statusReply } from '../../protocol/schemas.js';
import type { ServerDeps } from '../build.js';

/** How long status waits for queued events to be applied before it answers with what it has. */
const DRAIN_WAIT_MS = 10_000;

export function statusRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/status', { schema: { response: replies(statusReply) } }, async (): Promise<StatusResponse> => {
    // what is queued is applied first, but a backlog (or a wait on a full disk) never holds the answer
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([deps.recorder.drain().catch(() => 0), new Promise((r) => (timer = setTimeout(r, DRAIN_WAIT_MS)))]);
    clearTimeout(timer);
    return {
      warnings: (await deps.warnings?.().catch(() => [])) ?? [],
      daemon: { running: true, pid: process.pid, version: deps.version },
      sessions: statusSessions(deps.recorder.sessions),
      pushes: deps.pushes?.() ?? [],
      spool: spoolCounts(deps.paths),
    };
  });
}
