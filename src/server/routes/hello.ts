import type { FastifyInstance } from 'fastify';
import { helloReply, replies } from '../../protocol/schemas.js';
import { PROTOCOL_VERSION, type HelloResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

export function helloRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get('/v1/hello', { schema: { response: replies(helloReply) } }, async (): Promise<HelloResponse> => ({
    name: 'ai-trace',
    version: deps.version,
    protocol: PROTOCOL_VERSION,
    pid: process.pid,
    startedAt: deps.startedAt,
    memory: { ...((globalThis as { gc?: () => void }).gc?.(), process.memoryUsage()) },
  }));
}
