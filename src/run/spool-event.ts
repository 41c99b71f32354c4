import fs from 'node:fs';
import path from 'node:path';
import { GENERIC_SHIM, type RunPayload } from '../agents/generic/adapter.js';
import type { TracePaths } from '../paths.js';
import { ensureSpool } from '../spool/spool.js';

/**
 * Writes one `trace run` event into spool/new as the shims name theirs (`<seq>-<pid>-generic-<Event>.json`),
 * complete before it appears there (written beside, then renamed), so the daemon never sees half of it.
 */
export function writeRunEvent(paths: TracePaths, payload: RunPayload): string {
  ensureSpool(paths);
  const seqFile = path.join(paths.spool, 'seq');
  let seq = 0;
  try {
    seq = Number.parseInt(fs.readFileSync(seqFile, 'utf8'), 10) || 0;
  } catch {
    /* first event */
  }
  seq += 1;
  fs.writeFileSync(seqFile, `${seq}\n`);
  const name = `${seq}-${process.pid}-${GENERIC_SHIM}-${payload.hook_event_name}.json`;
  const tmp = path.join(paths.spool, `.${name}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(payload), { mode: 0o600 });
  fs.renameSync(tmp, path.join(paths.spoolNew, name));
  return name;
}
