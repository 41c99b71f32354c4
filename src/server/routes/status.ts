import type { FastifyInstance } from 'fastify';
import type { StatusResponse } from '../../protocol/types.js';
import { spoolCounts, statusSessions } from '../../query/status.js';
import type { ServerDeps } from '../build.js';

export function statusRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/status', async (): Promise<StatusResponse> => {
    await deps.recorder.drain();
    return {
      daemon: { running: true, pid: process.pid, version: deps.version },
      sessions: statusSessions(deps.recorder.sessions),
      pushes: deps.pushes?.() ?? [],
      spool: spoolCounts(deps.paths),
    };
  });
}
