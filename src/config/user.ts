import path from 'node:path';
import { parse } from 'yaml';
import { checkDestinations, type DestinationConfig } from '../deliver/schema.js';
import { TraceError } from '../errors.js';
import { readRegular } from '../guard/regular-file.js';

/** `$TRACE_HOME/config.yml`: per-user defaults, e.g. destinations for repositories that name none. */
export interface UserConfig {
  /** Validated by the same schema as `.chainloop.yml`'s, defaults filled in. */
  destinations?: DestinationConfig[];
}

/** Reads and validates the user config; {} when there is none. */
export function loadUserConfig(home: string): UserConfig {
  const file = path.join(home, 'config.yml');
  // never blocking: a named pipe or a device in its place is refused, not read (as for .chainloop.yml)
  const r = readRegular(file, { maxBytes: 1024 * 1024 });
  if (r.kind === 'absent') return {};
  if (r.kind === 'skip') throw invalid(file, `cannot be read (${r.reason.replace(`${file}: `, '').replace(/: (line attribution )?skipped$/, '')})`);
  let v: unknown;
  try {
    v = parse(r.bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw invalid(file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(file, 'expected a mapping of keys (destinations: ...)');
  const raw = (v as Record<string, unknown>).destinations;
  if (raw === undefined || raw === null) return {};
  const checked = checkDestinations(raw);
  if (!checked.ok) throw invalid(file, checked.problem);
  return { destinations: checked.destinations };
}

function invalid(file: string, what: string): TraceError {
  return new TraceError('CONFIG_INVALID', `${file}: ${what}; fix it or remove it`);
}
