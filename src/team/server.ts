import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { TraceError } from '../errors.js';
import type { TeamDb } from './db/open.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { ingestRoute } from './routes/ingest.js';
import { sessionRoute } from './routes/session.js';
import { githubRoute } from './routes/github.js';

/** What the team server needs; `trace server` wires it, tests pass their own. */
export interface TeamServerDeps {
  db: TeamDb;
  log: Logger;
  /** The GitHub webhook secret; without it POST /webhooks/github answers 404. */
  githubSecret?: string;
  now?: () => Date;
}

/** Largest request body accepted (a bundle or a webhook payload). */
export const BODY_LIMIT = 8 * 1024 * 1024;

/**
 * Builds `trace server`'s HTTP API (it never listens by itself). Stateless: everything lives in the
 * database, so several processes can serve one database behind a load balancer.
 */
export function buildTeamServer(deps: TeamServerDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: BODY_LIMIT, disableRequestLogging: false });
  // bundles are hashed and webhooks HMAC-checked over their exact bytes: keep bodies as text
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err, req, reply) => {
    const e = err as Error & { statusCode?: number };
    if (e instanceof TraceError) {
      const status = e.code === 'NOT_FOUND' ? 404 : e.code === 'USAGE' ? 400 : 500;
      return reply.status(status).send({ error: e.message, code: e.code });
    }
    if (e.statusCode && e.statusCode < 500) return reply.status(e.statusCode).send({ error: e.message });
    req.log.error({ err: e.message }, 'request failed');
    return reply.status(500).send({ error: 'internal error; see the server log' });
  });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await sql`select 1`.execute(deps.db.db);
      return { ok: true, database: deps.db.engine };
    } catch (err) {
      return reply.status(503).send({ ok: false, error: `database unreachable: ${(err as Error).message}` });
    }
  });
  ingestRoute(app, deps);
  dashboardRoutes(app, deps);
  sessionRoute(app, deps);
  githubRoute(app, deps);
  return app;
}
