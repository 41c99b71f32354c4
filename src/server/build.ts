import Fastify, { type FastifyInstance } from 'fastify';
import type { Recorder } from '../capture/recorder.js';
import { httpStatusFor, TraceError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { ErrorResponse, PushRow, StatusWarning } from '../protocol/types.js';
import { commitMsgRoute } from './routes/commit-msg.js';
import { helloRoute } from './routes/hello.js';
import { sessionRoute } from './routes/session.js';
import { showRoute } from './routes/show.js';
import { statusRoute } from './routes/status.js';
import { shutdownRoute } from './routes/shutdown.js';
import { drainRoute } from './routes/drain.js';
import { blameRoute } from './routes/blame.js';
import { exportRoute } from './routes/export.js';

/** Everything the routes need; the daemon's main wires it, tests pass their own. */
export interface ServerDeps {
  recorder: Recorder;
  paths: TracePaths;
  log: Logger;
  version: string;
  startedAt: string;
  /** Asks the daemon to shut down after the response is sent. */
  requestShutdown: (reason: string) => void;
  /** Extra routes (the push queue registers its own). */
  plugins?: ((app: FastifyInstance, deps: ServerDeps) => void)[];
  /** Called on every request so the idle timer restarts. */
  touch?: () => void;
  /** Push rows for status (filled when the delivery queue is wired). */
  pushes?: () => PushRow[];
  /** Warnings for status: full disk, bypassed hooks, unattested commits… (see src/health). */
  /** `repo`: the caller's repository, checked too even when no session there is known. */
  warnings?: (repo?: string) => Promise<StatusWarning[]>;
}

/** Builds the daemon's HTTP API; it never listens by itself. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  app.addHook('onRequest', async () => deps.touch?.());
  app.setErrorHandler((err, req, reply) => {
    const e = err as Error & { statusCode?: number; code?: string; validation?: unknown };
    const send = (status: number, body: ErrorResponse) => reply.status(status).send(body);
    if (e instanceof TraceError) return send(httpStatusFor(e.code), { error: e.message, code: e.code });
    // a request that fails its route's JSON schema, or a body fastify cannot parse: the caller's mistake
    if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
      return send(400, { error: `invalid request to ${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}: ${e.message}`, code: 'USAGE' });
    }
    // a handler's failure, or a reply its route's schema cannot serialize (a required field missing)
    deps.log.error({ err: e.message, stack: e.stack, url: req.url }, 'request failed');
    return send(500, { error: e.message, code: 'INTERNAL' });
  });
  for (const route of [helloRoute, drainRoute, commitMsgRoute, showRoute, sessionRoute, statusRoute, shutdownRoute, blameRoute, exportRoute, ...(deps.plugins ?? [])]) {
    route(app, deps);
  }
  return app;
}
