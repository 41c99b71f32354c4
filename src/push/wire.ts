import type { FastifyInstance } from 'fastify';
import type { GitEventSink } from '../capture/git-events.js';
import type { RepoCache } from '../capture/repo-cache.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { ServerDeps } from '../server/build.js';
import type { ReadModel } from '../query/deps.js';
import type { DB } from '../store/db.js';
import { pushRoutes } from './routes.js';
import type { PushRow } from '../protocol/types.js';
import { pruneDelivered, retentionMs } from './prune.js';
import { PushService } from './service.js';
import { findUnattested, prePushPending, reposWithUnattested, unattestedWarning } from './unattested.js';
import { unattestedTraced } from './commits.js';
import { classifyFailure } from '../guard/failures.js';
import type { HealthWarning } from '../health/checks.js';

/** How long trace status may show a repository's unattested commits without asking git again. */
const RECHECK_MS = 2_000;

/** What the daemon needs from the push side: its routes, its status rows, start and stop. */
export interface PushWiring {
  service: PushService;
  routes: ((app: FastifyInstance, deps: ServerDeps) => void)[];
  list: () => PushRow[];
  /** Traced commits on a remote that no attestation covers, one warning per repository (for trace status). */
  warnings: () => Promise<HealthWarning[]>;
  start: () => void;
  stop: () => Promise<void>;
}

/** Connects spooled pre-push events and the push API to attestations and the delivery queue. */
export function wirePush(deps: { db: DB; recorder: Pick<ReadModel, 'commits' | 'sessions'> & { repos: RepoCache; pushSink: GitEventSink | null }; paths: TracePaths; log: Logger }): PushWiring {
  const service = new PushService(deps.db, deps.recorder, deps.paths, deps.log);
  let last: HealthWarning[] = [];
  const checked = new Map<string, { key: string; at: number; warning: HealthWarning | null }>();
  deps.recorder.pushSink = {
    async onGitEvent(ev) {
      if (ev.hook !== 'pre-push') return;
      try {
        await service.prePush(ev.repo, ev.args[0] ?? 'origin', ev.args[1] ?? '', ev.stdin, ev.tokens);
      } catch (err) {
        // a full disk or a lock: the event waits and is tried again. Anything else (a bad .chainloop.yml)
        // is recorded with the commits: once they are on the remote, trace status names them and why
        if (classifyFailure(err) !== 'permanent') throw err;
        deps.log.warn({ repo: ev.repo, err: (err as Error).message }, 'push not attested');
      }
      // commits an earlier push carried past the hook (--no-verify) are on the remote-tracking refs now
      const missed = await findUnattested(deps.db, ev.repo);
      if (missed.length) deps.log.warn({ repo: ev.repo, commits: missed.map((c) => c.sha), reason: missed[0]!.reason }, 'traced commits reached a remote without an attestation: trace push --retry');
    },
  };
  return {
    service,
    routes: [pushRoutes(service)],
    list: () => service.queue.list({ limit: 100 }),
    warnings: async () => {
      if (prePushPending(deps.paths)) return last; // its commits may be on the remote, not yet attested
      const out: HealthWarning[] = [];
      for (const repo of reposWithUnattested(deps.db)) {
        // git is asked again when the unattested commits change, or after RECHECK_MS (a push past the hook)
        const key = unattestedTraced(deps.db, repo).join(',');
        let c = checked.get(repo);
        if (!c || c.key !== key || Date.now() - c.at > RECHECK_MS) {
          const missed = await findUnattested(deps.db, repo);
          c = { key, at: Date.now(), warning: missed.length ? unattestedWarning(repo, missed) : null };
          checked.set(repo, c);
        }
        if (c.warning) out.push(c.warning);
      }
      return (last = out);
    },
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
