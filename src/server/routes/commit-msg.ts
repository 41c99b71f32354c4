import type { FastifyInstance } from 'fastify';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import { answerCommitMsg } from '../../capture/commit-answer.js';
import type { ServerDeps } from '../build.js';
import { commitMsgBody } from '../schemas.js';

/** Sessions in what is being committed; with `messageFile`, also names them in its trailer. */
export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', { schema: { body: commitMsgBody } }, async (req): Promise<CommitMsgResponse> => {
    await deps.recorder.drain();
    const { sessions } = await answerCommitMsg(deps.recorder, req.body);
    return { sessions };
  });
}
