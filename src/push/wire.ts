import type { FastifyInstance } from 'fastify';
import type { GitEventSink } from '../capture/git-events.js';
import type { RepoCache } from '../capture/repo-cache.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { ServerDeps } from '../server/build.js';
import type { ReadModel } from '../query/deps.js';
import type { DB } from '../store/db.js';
import { pushRoutes } from './routes.js';
import { pruneDelivered, retentionMs } from './prune.js';
import { PushService } from './service.js';

/** What the daemon needs from the push side: its routes, its status rows, start and stop. */
export interface PushWiring {
  service: PushService;
  routes: ((app: FastifyInstance, deps: ServerDeps) => void)[];
  list: () => unknown[];
  start: () => void;
  stop: () => Promise<void>;
}

/** Connects spooled pre-push events and the push API to attestations and the delivery queue. */
export function wirePush(deps: { db: DB; recorder: Pick<ReadModel, 'commits' | 'sessions'> & { repos: RepoCache; pushSink: GitEventSink | null }; paths: TracePaths; log: Logger }): PushWiring {
  const service = new PushService(deps.db, deps.recorder, deps.paths, deps.log);
  deps.recorder.pushSink = {
    async onGitEvent(ev) {
      if (ev.hook !== 'pre-push') return;
      await service.prePush(ev.repo, ev.args[0] ?? 'origin', ev.args[1] ?? '', ev.stdin, ev.tokens);
    },
  };
  return {
    service,
    routes: [pushRoutes(service)],
    list: () => service.queue.list({ limit: 100 }),
    start: () => {
      service.start();
      const prune = () => {
        const n = pruneDelivered(deps.db, retentionMs());
        if (n) deps.log.info({ sessions: n }, 'pruned local data of delivered sessions');
      };
      prune();
      setInterval(prune, 60 * 60 * 1000).unref();
    },
    stop: () => service.stop(),
  };
}
