import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { hookLog } from '../../git/hook-log.js';
import { addSessionsTrailer } from '../../git/trailer.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import { isAmend, sessionsInIndex } from '../../query/commit-msg.js';
import type { ServerDeps } from '../build.js';

/** Sessions in what is being committed; with `messageFile`, also names them in its trailer. */
export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', async (req): Promise<CommitMsgResponse> => {
    await deps.recorder.drain();
    const { repo } = req.body;
    const indexFile = req.body.indexFile ? path.resolve(repo, req.body.indexFile) : undefined;
    const messageFile = req.body.messageFile ? path.resolve(repo, req.body.messageFile) : undefined;
    const sessions = await sessionsInIndex(deps.recorder, repo, indexFile, { messageFile, amend: isAmend(req.body.gitCommand) });
    if (messageFile) {
      // also when no session is new: a squashed message may repeat the trailer, which is merged
      const all = await addSessionsTrailer(repo, messageFile, sessions);
      if (all.length) await hookLog(repo, `git commit-msg trailer ${all.join(',')}`, await deps.recorder.repos.gitDir(repo));
    }
    return { sessions };
  });
}
