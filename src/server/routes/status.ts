import type { FastifyInstance } from 'fastify';
import type { StatusQuery, StatusResponse } from '../../protocol/types.js';
import { spoolCounts, statusSessions } from '../../query/status.js';
import { replies, statusQuery, statusReply } from '../../protocol/schemas.js';
import type { ServerDeps } from '../build.js';

/** How long status waits for queued events to be applied before it answers with what it has. */
const DRAIN_WAIT_MS = 10_000;

export function statusRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: StatusQuery }>('/v1/status', { schema: { querystring: statusQuery, response: replies(statusReply) } }, async (req): Promise<StatusResponse> => {
    // what is queued is applied first, but a backlog (or a wait on a full disk) never holds the answer
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([deps.recorder.drain().catch(() => 0), new Promise((r) => (timer = setTimeout(r, DRAIN_WAIT_MS)))]);
    clearTimeout(timer);
    return {
      warnings: (await deps.warnings?.(req.query.repo).catch(() => [])) ?? [],
      daemon: { running: true, pid: process.pid, version: deps.version },
      sessions: statusSessions(deps.recorder.sessions),
      pushes: deps.pushes?.() ?? [],
      spool: spoolCounts(deps.paths),
    };
  });
}
