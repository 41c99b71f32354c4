import type { FastifyInstance } from 'fastify';
import { showSession } from '../../query/session.js';
import type { ServerDeps } from '../build.js';

export function sessionRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Params: { id: string } }>('/v1/sessions/:id', async (req) => {
    await deps.recorder.drain();
    return showSession(deps.recorder, req.params.id);
  });
}
