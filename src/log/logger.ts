import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

const MAX_LOG_BYTES = 5 * 1024 * 1024;

/** The daemon's pino logger, writing to `file`; the file is rotated to `<file>.1` past 5 MB at start. */
export function fileLogger(file: string, level = process.env.TRACE_LOG_LEVEL ?? 'info'): Logger {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    if (fs.statSync(file).size > MAX_LOG_BYTES) fs.renameSync(file, file + '.1');
  } catch {
    /* no log yet */
  }
  const dest = pino.destination({ dest: file, sync: true, mode: 0o600 });
  // a write that fails (a full disk) must not end the daemon: sonic-boom keeps the line and writes it
  // with the next one, once there is space again
  dest.on('error', () => undefined);
  return pino({ level, base: { pid: process.pid } }, dest);
}

/** A logger that discards everything (tests, one-shot CLI use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
