import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { TraceError } from '../errors.js';

/** `$TRACE_HOME/config.yml`: per-user defaults, e.g. destinations for repositories that name none. */
export interface UserConfig {
  destinations?: unknown[];
}

export function loadUserConfig(home: string): UserConfig {
  const file = path.join(home, 'config.yml');
  if (!fs.existsSync(file)) return {};
  try {
    const v = parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (v === null || v === undefined) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error('must be a mapping');
    const c = v as Record<string, unknown>;
    if (c.destinations !== undefined && !Array.isArray(c.destinations)) throw new Error('destinations must be a list');
    return c as UserConfig;
  } catch (err) {
    throw new TraceError('CONFIG_INVALID', `${file}: ${(err as Error).message}; fix it or remove it`);
  }
}
