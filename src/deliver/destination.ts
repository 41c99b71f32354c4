import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { TraceError } from '../errors.js';
import { ATTESTATIONS_REF, GitRefDestination, type GitRefOptions } from './git-ref.js';
import { HttpDestination } from './http.js';

/** Everything a destination needs to deliver one attestation. `digest` is the sha256 hex of bundleJson. */
export type DeliveryItem = {
  bundleJson: string;
  digest: string;
  commits: string[];
  publicKeyPem: string;
  keyFingerprint: string;
  /** Work tree path of the repository that was pushed. */
  repo: string;
  /** Name (or URL) of the remote that was pushed to. */
  remote: string;
};

/** Result of one attempt: done, try again later, or never going to work (dead letter). */
export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string }
  | { kind: 'permanent'; reason: string };

/** A place attestations go to. `deliver` must be idempotent and should not throw (a throw counts as retry). */
export interface Destination {
  readonly label: string;
  deliver(item: DeliveryItem): Promise<DeliveryOutcome>;
}

/** `{type: git}`: the attestation ref on a git remote (default: the remote being pushed to). */
export interface GitDestinationConfig {
  type: 'git';
  remote?: string;
}

/** `{type: http}`: POST the bundle to url with a bearer token read from env[tokenEnv] or `token`. */
export interface HttpDestinationConfig {
  type: 'http';
  url: string;
  tokenEnv?: string;
  token?: string;
  timeoutMs?: number;
  /**
   * Never from config: the value of `tokenEnv` in the environment of whoever pushed (or ran
   * `trace push --retry`), kept with the queued job so delivery does not depend on the daemon's
   * environment. Dropped once delivered; never shown or logged.
   */
  pushToken?: string;
}

/** Environment variable values (by name) captured from the pushing process, for `tokenEnv`. */
export type PushTokens = Record<string, string>;

/** One entry of `destinations:` in .chainloop.yml (or the user config). */
export type DestinationConfig = GitDestinationConfig | HttpDestinationConfig;

/** A destination as queued: its config and the string shown in `trace status`. */
export interface PlannedDestination {
  config: DestinationConfig;
  label: string;
}

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

/** sha256 hex of the bundle's UTF-8 bytes: the content address used as idempotency key and file name. */
export function bundleDigest(bundleJson: string): string {
  return createHash('sha256').update(bundleJson, 'utf8').digest('hex');
}

/** Validates the raw `destinations` value from config; absent means `[{type: git}]`. */
export function parseDestinations(raw: unknown): DestinationConfig[] {
  if (raw === undefined || raw === null) return [{ type: 'git' }];
  if (!Array.isArray(raw)) throw invalid('`destinations` must be a list, e.g. [{type: git}]');
  if (raw.length === 0) throw invalid('`destinations` is empty; remove it to use the git remote, or list at least one');
  return raw.map((entry, i) => parseOne(entry, i));
}

function parseOne(entry: unknown, i: number): DestinationConfig {
  const where = `destinations[${i}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalid(`${where} must be a mapping with a type`);
  const e = entry as Record<string, unknown>;
  const type = e.type ?? 'git';
  if (type === 'git') {
    if (e.remote !== undefined && (typeof e.remote !== 'string' || e.remote.trim() === '')) {
      throw invalid(`${where}.remote must be a remote name such as origin`);
    }
    // every reader (verify, fetch, trace pr, the dashboard) looks in one ref: another would be written and never read
    if (e.ref !== undefined && e.ref !== ATTESTATIONS_REF) {
      throw invalid(`${where}.ref: attestations always go to ${ATTESTATIONS_REF}; remove ref (got ${JSON.stringify(e.ref)})`);
    }
    return e.remote === undefined ? { type: 'git' } : { type: 'git', remote: (e.remote as string).trim() };
  }
  if (type === 'http') {
    if (typeof e.url !== 'string') throw invalid(`${where}.url is required for type http`);
    checkUrl(e.url, where);
    const cfg: HttpDestinationConfig = { type: 'http', url: e.url };
    if (e.tokenEnv !== undefined) {
      if (typeof e.tokenEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.tokenEnv)) {
        throw invalid(`${where}.tokenEnv must be an environment variable name such as TRACE_TOKEN`);
      }
      cfg.tokenEnv = e.tokenEnv;
    }
    if (e.token !== undefined) {
      if (typeof e.token !== 'string') throw invalid(`${where}.token must be a string`);
      cfg.token = e.token;
    }
    if (e.timeoutMs !== undefined) {
      if (typeof e.timeoutMs !== 'number' || !(e.timeoutMs > 0)) throw invalid(`${where}.timeoutMs must be a positive number`);
      cfg.timeoutMs = e.timeoutMs;
    }
    return cfg;
  }
  throw invalid(`${where}.type '${String(type)}' is unknown; use git or http`);
}

function checkUrl(url: string, where: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`${where}.url '${url}' is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalid(`${where}.url must start with http:// or https://`);
  }
  return parsed;
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
 * Parses `destinations` and pins the git remote to the one being pushed, ready for enqueuePush. An
 * http destination's `tokenEnv` is resolved now from `tokens` (the pusher's environment) when set there.
 */
export function planDestinations(raw: unknown, pushedRemote: string, tokens: PushTokens = {}): PlannedDestination[] {
  return parseDestinations(raw).map((cfg) => {
    const config: DestinationConfig = cfg.type === 'git' ? { type: 'git', remote: cfg.remote ?? pushedRemote } : withPushToken(cfg, tokens);
    return { config, label: destinationLabel(config, pushedRemote) };
  });
}

/** The config with `pushToken` set from `tokens[tokenEnv]` when the pusher had it (otherwise unchanged). */
export function withPushToken(cfg: HttpDestinationConfig, tokens: PushTokens): HttpDestinationConfig {
  const value = cfg.tokenEnv ? tokens[cfg.tokenEnv] : undefined;
  return value ? { ...cfg, pushToken: value } : cfg;
}

/** The `tokenEnv` names of raw destination lists (repository and user config), for capturing their values. */
export function tokenEnvNames(...raws: unknown[]): string[] {
  const names = new Set<string>();
  for (const raw of raws) {
    if (!Array.isArray(raw)) continue;
    for (const d of raw) {
      const name = (d as { tokenEnv?: unknown } | null)?.tokenEnv;
      if (typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) names.add(name);
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

/** Builds the Destination for one config; throws CONFIG_INVALID (a permanent failure) when it cannot. */
export function destinationFromConfig(cfg: DestinationConfig, ctx: DestinationContext): Destination {
  const label = destinationLabel(cfg, ctx.remote);
  if (cfg.type === 'git') {
    return new GitRefDestination({ label, remote: cfg.remote ?? ctx.remote, ...ctx.git });
  }
  if (cfg.type === 'http') {
    checkUrl(cfg.url, label);
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
  throw invalid(`destination type '${String((cfg as { type?: unknown }).type)}' is unknown; use git or http`);
}

function invalid(message: string): TraceError {
  return new TraceError('CONFIG_INVALID', `.chainloop.yml: ${message}`);
}
