import { core } from './001-core.js';
import { push } from './002-push.js';

/** One schema change: applied once, in version order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [core, push].sort((a, b) => a.version - b.version);
