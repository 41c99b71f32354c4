import type { FastifyInstance } from 'fastify';
import type { Recorder } from '../capture/recorder.js';
import type { Logger } from '../log/logger.js';
import type { TracePaths } from '../paths.js';
import type { ServerDeps } from '../server/build.js';
import type { DB } from '../store/db.js';

/** What the daemon needs from the push side: its routes, its status rows, start and stop. */
export interface PushWiring {
  routes: ((app: FastifyInstance, deps: ServerDeps) => void)[];
  list: () => unknown[];
  start: () => void;
  stop: () => Promise<void>;
}

/** Connects git pushes to attestations and the delivery queue (filled in by the push work). */
export function wirePush(_deps: { db: DB; recorder: Recorder; paths: TracePaths; log: Logger }): PushWiring {
  return { routes: [], list: () => [], start: () => undefined, stop: async () => undefined };
}
