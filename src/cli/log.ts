import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { gitDirs, repoTop } from '../git/run.js';
import { repoStatePaths, tracePaths } from '../paths.js';
import type { Command } from './context.js';
import { usage } from './usage.js';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One pino JSON line as `time level msg key=value…`. */
export function formatLogLine(line: string): string {
  try {
    const { time, level, msg, pid: _pid, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
    return `${new Date(Number(time)).toISOString()} ${(LEVELS[Number(level)] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${fields ? ' ' + fields : ''}`;
  } catch {
    return line;
  }
}

/** `trace log [-f] [--hooks] [-n N]`: the daemon log, or this repository's hook log. */
export const log: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    options: { follow: { type: 'boolean', short: 'f' }, hooks: { type: 'boolean' }, lines: { type: 'string', short: 'n', default: '50' } },
    allowPositionals: true,
  });
  if (positionals.length) throw usage('trace log [-f] [--hooks] [-n N]');
  let file = tracePaths(ctx.env).daemonLog;
  if (values.hooks) {
    const top = await repoTop(ctx.cwd);
    if (!top) throw usage('trace log --hooks (inside a repository)');
    const dirs = await gitDirs(top);
    if (!dirs) throw usage('trace log --hooks (inside a repository)');
    file = repoStatePaths(dirs.commonDir).log;
  }
  const fmt = values.hooks ? (l: string) => l : formatLogLine;
  const n = Number(values.lines) || 50;
  let offset = 0;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    offset = Buffer.byteLength(text);
    for (const l of text.split('\n').filter(Boolean).slice(-n)) ctx.stdout(fmt(l) + '\n');
  } else ctx.stdout(`(no log yet at ${file})\n`);
  if (!values.follow) return 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    if (!fs.existsSync(file)) continue;
    const size = fs.statSync(file).size;
    if (size < offset) offset = 0;
    if (size === offset) continue;
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = size;
    for (const l of buf.toString('utf8').split('\n').filter(Boolean)) ctx.stdout(fmt(l) + '\n');
  }
};
