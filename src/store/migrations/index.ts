import { core } from './001-core.js';
import { push } from './002-push.js';
import { signals } from './003-signals.js';
import { pushFailures } from './004-push-failures.js';
import { unanswered } from './005-unanswered.js';

/** One schema change: applied once, in version order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [core, push, signals, pushFailures, unanswered].sort((a, b) => a.version - b.version);
