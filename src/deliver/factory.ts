import type { Dispatcher } from 'undici';
import { TraceError } from '../errors.js';
import type { Destination } from './destination.js';
import { GitRefDestination, type GitRefOptions } from './git-ref.js';
import { HttpDestination } from './http.js';
import { destinationLabel } from './plan.js';
import { httpUrlProblem, type DestinationConfig } from './schema.js';

/** What destinationFromConfig needs from the outside: env for tokens, the pushed repo and remote. */
export interface DestinationContext {
  env: NodeJS.ProcessEnv;
  repo: string;
  remote: string;
  /** Overrides the HTTP timeout (ms) and/or undici dispatcher, mostly for tests. */
  http?: { timeoutMs?: number; dispatcher?: Dispatcher };
  /** Options for git commands (env override, timeouts). */
  git?: GitRefOptions;
}

/** Builds the Destination for one queued config; throws CONFIG_INVALID (a permanent failure) when it cannot. */
export function destinationFromConfig(cfg: DestinationConfig, ctx: DestinationContext): Destination {
  const label = destinationLabel(cfg, ctx.remote);
  if (cfg.type === 'git') {
    return new GitRefDestination({ label, remote: cfg.remote ?? ctx.remote, ...ctx.git });
  }
  if (cfg.type === 'http') {
    // a job queued by an older version was not checked by the schema
    const problem = httpUrlProblem(cfg.url);
    if (problem) throw new TraceError('CONFIG_INVALID', `HTTP destination ${label}: url ${problem}; fix destinations in .chainloop.yml and push again`);
    let token: string | undefined;
    if (cfg.tokenEnv) {
      // the pusher's value first (what the user has in the shell they pushed from), then the daemon's
      token = cfg.pushToken || ctx.env[cfg.tokenEnv];
      if (!token) {
        throw new TraceError(
          'CONFIG_INVALID',
          `HTTP destination ${label}: environment variable ${cfg.tokenEnv} is not set, neither where you pushed nor for the daemon; ` +
            `export it, then run \`trace push --retry\` in that shell`,
        );
      }
    } else if (cfg.token) {
      token = cfg.token;
    }
    return new HttpDestination({
      label,
      url: cfg.url,
      token,
      timeoutMs: ctx.http?.timeoutMs ?? cfg.timeoutMs,
      dispatcher: ctx.http?.dispatcher,
    });
  }
  throw new TraceError('CONFIG_INVALID', `destination type '${String((cfg as { type?: unknown }).type)}' is unknown; use git or http`);
}
