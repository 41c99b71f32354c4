import type { FastifyInstance } from 'fastify';
import { replies, shutdownReply } from '../../protocol/schemas.js';
import type { ShutdownResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

export function shutdownRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/shutdown', { schema: { response: replies(shutdownReply) } }, async (_req, reply): Promise<ShutdownResponse> => {
    reply.raw.on('finish', () => deps.requestShutdown('requested by a client'));
    return { stopping: true, pid: process.pid };
  });
}
