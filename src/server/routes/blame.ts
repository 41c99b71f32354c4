import type { FastifyInstance } from 'fastify';
import { blameFile, type BlameResponse } from '../../query/blame.js';
import type { ServerDeps } from '../build.js';
import { blameQuery } from '../schemas.js';

export function blameRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: { repo: string; file: string; rev?: string } }>('/v1/blame', { schema: { querystring: blameQuery } }, async (req): Promise<BlameResponse> => {
    await deps.recorder.drain();
    return blameFile(deps.recorder, req.query.repo, req.query.file, req.query.rev);
  });
}
