import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { hookLog } from '../../git/hook-log.js';
import { addSessionsTrailer } from '../../git/trailer.js';
import type { CommitMsgRequest, CommitMsgResponse } from '../../protocol/types.js';
import { sessionsInIndex } from '../../query/commit-msg.js';
import type { ServerDeps } from '../build.js';

/** Sessions in what is being committed; with `messageFile`, also names them in its trailer. */
export function commitMsgRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post<{ Body: CommitMsgRequest }>('/v1/hooks/commit-msg', async (req): Promise<CommitMsgResponse> => {
    await deps.recorder.drain();
    const { repo, messageFile } = req.body;
    const indexFile = req.body.indexFile ? path.resolve(repo, req.body.indexFile) : undefined;
    const sessions = await sessionsInIndex(deps.recorder, repo, indexFile);
    if (messageFile && sessions.length) {
      const all = await addSessionsTrailer(repo, path.resolve(repo, messageFile), sessions);
      await hookLog(repo, `git commit-msg trailer ${all.join(',')}`);
    }
    return { sessions };
  });
}
