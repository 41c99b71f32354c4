import { ENV_NAME, type DestinationConfig, type HttpDestinationConfig } from './schema.js';

/** Environment variable values (by name) captured from the pushing process, for `tokenEnv`. */
export type PushTokens = Record<string, string>;

/** A destination as queued: its config and the string shown in `trace status`. */
export interface PlannedDestination {
  config: DestinationConfig;
  label: string;
}

/** The `trace status` display string: `git:<remote>` or the URL without credentials or query. */
export function destinationLabel(cfg: DestinationConfig, pushedRemote: string): string {
  if (cfg.type === 'git') return `git:${cfg.remote ?? pushedRemote}`;
  try {
    const u = new URL(cfg.url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return cfg.url;
  }
}

/**
 * Pins the git remote of validated destinations (from a config loader; absent: the default) to the one
 * being pushed, ready for enqueuePush. An http destination's `tokenEnv` is resolved now from `tokens`
 * (the pusher's environment) when set there.
 */
export function planDestinations(
  destinations: readonly DestinationConfig[] | undefined,
  pushedRemote: string,
  tokens: PushTokens = {},
): PlannedDestination[] {
  return (destinations ?? [{ type: 'git' }]).map((cfg) => {
    const config: DestinationConfig = cfg.type === 'git' ? { type: 'git', remote: cfg.remote ?? pushedRemote } : withPushToken(cfg, tokens);
    return { config, label: destinationLabel(config, pushedRemote) };
  });
}

/** The config with `pushToken` set from `tokens[tokenEnv]` when the pusher had it (otherwise unchanged). */
export function withPushToken(cfg: HttpDestinationConfig, tokens: PushTokens): HttpDestinationConfig {
  const value = cfg.tokenEnv ? tokens[cfg.tokenEnv] : undefined;
  return value ? { ...cfg, pushToken: value } : cfg;
}

/** The `tokenEnv` names of destination lists (repository and user config), for capturing their values. */
export function tokenEnvNames(...lists: unknown[]): string[] {
  const names = new Set<string>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const d of list) {
      const name = (d as { tokenEnv?: unknown } | null)?.tokenEnv;
      if (typeof name === 'string' && ENV_NAME.test(name)) names.add(name);
    }
  }
  return [...names];
}

/** Picks the values of `names` that are set (non-empty) in `env`. */
export function pickTokens(env: NodeJS.ProcessEnv, names: Iterable<string>): PushTokens {
  const out: PushTokens = {};
  for (const n of names) {
    const v = env[n];
    if (v) out[n] = v;
  }
  return out;
}
