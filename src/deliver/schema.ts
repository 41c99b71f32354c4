import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { TraceError } from '../errors.js';
import { ATTESTATIONS_REF } from '../git/attestations.js';

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

/** One entry of `destinations:` in .chainloop.yml or the user config. */
export type DestinationConfig = GitDestinationConfig | HttpDestinationConfig;

/** What `destinations` means when a config does not set it. */
export const DEFAULT_DESTINATIONS: readonly DestinationConfig[] = [{ type: 'git' }];

/** An environment variable name, as `tokenEnv` must be. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The one definition of `destinations`, for the repository config, the user config and delivery.
 * `hint` (ai-trace's own keyword) is what to write instead, quoted in the error when a value is wrong.
 */
export const DESTINATIONS_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    properties: { type: { enum: ['git', 'http'], default: 'git' } },
    required: ['type'],
    if: { properties: { type: { const: 'http' } }, required: ['type'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, read by ajv, never awaited
    then: {
      properties: {
        type: {},
        url: { type: 'string', format: 'http-url', hint: 'an http:// or https:// URL, e.g. url: https://trace.example.com/attestations' },
        tokenEnv: { type: 'string', pattern: ENV_NAME.source, hint: 'an environment variable name, e.g. tokenEnv: TRACE_TOKEN' },
        token: { type: 'string', hint: 'a string (better: tokenEnv: TRACE_TOKEN, so the token stays out of the file)' },
        timeoutMs: { type: 'number', exclusiveMinimum: 0, hint: 'a positive number of milliseconds, e.g. timeoutMs: 10000' },
      },
      required: ['url'],
      additionalProperties: false,
    },
    else: {
      properties: {
        type: {},
        remote: { type: 'string', pattern: '\\S', hint: 'a remote name, e.g. remote: origin' },
        // every reader (verify, fetch, trace pr, the dashboard) looks in one ref: another would be written and never read
        ref: { const: ATTESTATIONS_REF },
      },
      additionalProperties: false,
    },
  },
} as const;

/** The keys each type takes, for the message about an unknown one. */
const KEYS = { git: 'type, remote', http: 'type, url, tokenEnv, token, timeoutMs' } as const;

let validator: ValidateFunction | undefined;

/** Compiled on first use: ajv costs ~50 ms to load and compile, which a config without destinations never pays. */
function validate(): ValidateFunction {
  if (validator) return validator;
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new Ajv({ useDefaults: true, verbose: true, validateSchema: false, meta: false });
  ajv.addKeyword({ keyword: 'hint', schemaType: 'string' });
  ajv.addFormat('http-url', (url: string) => httpUrlProblem(url) === null);
  validator = ajv.compile(DESTINATIONS_SCHEMA);
  return validator;
}

/**
 * Validates a config's `destinations` value (absent or null: `[{type: git}]`) and fills the defaults;
 * the problem, naming the key and what to write, when it is wrong. `raw` is not modified.
 */
export function checkDestinations(raw: unknown): { ok: true; destinations: DestinationConfig[] } | { ok: false; problem: string } {
  if (raw === undefined || raw === null) return { ok: true, destinations: DEFAULT_DESTINATIONS.map((d) => ({ ...d })) };
  const copy: unknown = structuredClone(raw);
  const check = validate();
  if (check(copy)) return { ok: true, destinations: normalize(copy as DestinationConfig[]) };
  return { ok: false, problem: describe(check.errors?.[0], copy) };
}

/** checkDestinations that throws CONFIG_INVALID naming `file` (the config the value came from). */
export function parseDestinations(raw: unknown, file = '.chainloop.yml'): DestinationConfig[] {
  const r = checkDestinations(raw);
  if (!r.ok) throw new TraceError('CONFIG_INVALID', `${file}: ${r.problem}`);
  return r.destinations;
}

/** Why `url` cannot be an HTTP destination's URL, or null when it can. */
export function httpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not a valid URL`;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? null : 'must start with http:// or https://';
}

/** A remote's surrounding blanks dropped; the ref (only ever ATTESTATIONS_REF) dropped: delivery has nothing to do with it. */
function normalize(list: DestinationConfig[]): DestinationConfig[] {
  return list.map((d) => {
    if (d.type === 'http') return d;
    return d.remote === undefined ? { type: 'git' } : { type: 'git', remote: d.remote.trim() };
  });
}

function describe(error: ErrorObject | undefined, data: unknown): string {
  if (!error) return '`destinations` is invalid';
  const [, index, key] = error.instancePath.split('/');
  const where = index === undefined ? '`destinations`' : `destinations[${index}]`;
  const entry = index === undefined ? undefined : (data as Record<string, unknown>[])[Number(index)];
  if (index === undefined) {
    if (error.keyword === 'minItems') return '`destinations` is empty; remove it to use the git remote, or list at least one';
    return '`destinations` must be a list, e.g. destinations: [{type: git}]';
  }
  if (key === undefined) {
    if (error.keyword === 'type') return `${where} must be a mapping, e.g. - type: git`;
    if (error.keyword === 'required') return `${where}.${String(error.params.missingProperty)} is required for type http, e.g. url: https://trace.example.com/attestations`;
    if (error.keyword === 'additionalProperties') {
      const type = entry?.type === 'http' ? 'http' : 'git';
      return `${where}.${String(error.params.additionalProperty)} is not a key of a ${type} destination (it takes ${KEYS[type]}); remove it`;
    }
  }
  if (key === 'type') return `${where}.type '${String(entry?.type)}' is unknown; use git or http`;
  const got = key !== undefined && entry ? ` (got ${JSON.stringify(entry[key])})` : '';
  if (key === 'ref') return `${where}.ref: attestations always go to ${ATTESTATIONS_REF}; remove ref${got}`;
  const hint = (error.parentSchema as { hint?: string } | undefined)?.hint;
  return `${where}.${key ?? ''} must be ${hint ?? 'valid'}${got}`;
}
