import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../build.js';

export function shutdownRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/shutdown', async (_req, reply) => {
    reply.raw.on('finish', () => deps.requestShutdown('requested by a client'));
    return { stopping: true, pid: process.pid };
  });
}
