import type { FastifyInstance } from 'fastify';
import type { ShowResponse } from '../../protocol/types.js';
import { showCommit } from '../../query/show.js';
import type { ServerDeps } from '../build.js';
import { repoQuery, shaParams } from '../schemas.js';

export function showRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Params: { sha: string }; Querystring: { repo: string } }>('/v1/commits/:sha', { schema: { params: shaParams, querystring: repoQuery } }, async (req): Promise<ShowResponse> => {
    await deps.recorder.drain();
    return showCommit(deps.recorder, req.query.repo, req.params.sha);
  });
}
