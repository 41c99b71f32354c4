import type { FastifyInstance } from 'fastify';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import { sessionsInIndex } from '../../query/commit-msg.js';
import type { ServerDeps } from '../build.js';

export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', async (req): Promise<CommitMsgResponse> => {
    await deps.recorder.drain();
    return { sessions: await sessionsInIndex(deps.recorder, req.body.repo, req.body.indexFile) };
  });
}
