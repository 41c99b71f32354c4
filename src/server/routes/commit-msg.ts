import type { FastifyInstance } from 'fastify';
import { answerCommitMsg } from '../../capture/commit-answer.js';
import { commitMsgBody, commitMsgReply, replies } from '../../protocol/schemas.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

/** Sessions in what is being committed; with `messageFile`, also names them in its trailer. */
export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', { schema: { body: commitMsgBody, response: replies(commitMsgReply) } }, async (req): Promise<CommitMsgResponse> => {
    await deps.recorder.drain();
    const { sessions } = await answerCommitMsg(deps.recorder, req.body);
    return { sessions };
  });
}
