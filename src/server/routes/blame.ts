import type { FastifyInstance } from 'fastify';
import { blameFile } from '../../query/blame.js';
import { blameQuery, blameReply, replies } from '../../protocol/schemas.js';
import type { BlameQuery, BlameResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

export function blameRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: BlameQuery }>('/v1/blame', { schema: { querystring: blameQuery, response: replies(blameReply) } }, async (req): Promise<BlameResponse> => {
    await deps.recorder.drain();
    return blameFile(deps.recorder, req.query.repo, req.query.file, req.query.rev);
  });
}
