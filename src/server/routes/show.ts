import type { FastifyInstance } from 'fastify';
import { replies, repoQuery, shaParams, showReply } from '../../protocol/schemas.js';
import type { RepoQuery, ShowResponse } from '../../protocol/types.js';
import { showCommit } from '../../query/show.js';
import type { ServerDeps } from '../build.js';

export function showRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Params: { sha: string }; Querystring: RepoQuery }>('/v1/commits/:sha', { schema: { params: shaParams, querystring: repoQuery, response: replies(showReply) } }, async (req): Promise<ShowResponse> => {
    await deps.recorder.drain();
    return showCommit(deps.recorder, req.query.repo, req.params.sha);
  });
}
