import type { FastifyInstance } from 'fastify';
import { drainReply, replies } from '../../protocol/schemas.js';
import type { DrainResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

/** Applies every spool event waiting (no input). */
export function drainRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.post('/v1/drain', { schema: { response: replies(drainReply) } }, async (): Promise<DrainResponse> => ({ ingested: await deps.recorder.drain() }));
}
