import type { FastifyInstance } from 'fastify';
import { answerCommitMsg, commitWaitMs } from '../../capture/commit-answer.js';
import { commitMsgBody, commitMsgReply, replies } from '../../protocol/schemas.js';
import { spoolCounts } from '../../query/status.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

/** Sessions in what is being committed; with `messageFile`, also names them in its trailer (none past the commit's bound). */
export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', { schema: { body: commitMsgBody, response: replies(commitMsgReply) } }, async (req): Promise<CommitMsgResponse> => {
    // the queued events first: replayed ahead when they can be, else applied, for at most the commit's bound
    const ready = await deps.recorder.readyToAnswer(req.body, req.body.waitMs ?? commitWaitMs());
    if (!ready) return { sessions: [], unanswered: spoolCounts(deps.paths).waiting };
    const { sessions } = await answerCommitMsg(ready, req.body);
    return { sessions };
  });
}
