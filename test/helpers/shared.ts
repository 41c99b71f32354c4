import fs from 'node:fs';
import path from 'node:path';

import { ROOT } from './env.js';

/**
 * The shared folder (harnesses, fixtures, formats) laid beside the repository: `../shared` in CI's fresh
 * clone; `../../shared` from a work tree under `<dir>/wt/<branch>`; `$AI_TRACE_SHARED` overrides both.
 * Throws when there is none: tests that need it must fail, not skip.
 */
export function sharedDir(): string {
  const candidates = [process.env.AI_TRACE_SHARED, path.resolve(ROOT, '..', 'shared'), path.resolve(ROOT, '..', '..', 'shared')];
  const found = candidates.find((c): c is string => !!c && fs.existsSync(path.join(c, 'harness')));
  if (!found) throw new Error(`no shared folder (harness/, fixtures/) beside the repository: looked in ${candidates.filter(Boolean).join(', ')}`);
  return found;
}
