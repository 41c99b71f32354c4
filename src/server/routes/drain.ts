import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../build.js';

export function drainRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/drain', async () => ({ ingested: await deps.recorder.drain() }));
}
