import type { FastifyInstance } from 'fastify';
import { showSession } from '../../query/session.js';
import { replies, sessionParams, sessionReply } from '../../protocol/schemas.js';
import type { SessionResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

export function sessionRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Params: { id: string } }>('/v1/sessions/:id', { schema: { params: sessionParams, response: replies(sessionReply) } }, async (req): Promise<SessionResponse> => {
    await deps.recorder.drain();
    return showSession(deps.recorder, req.params.id);
  });
}
