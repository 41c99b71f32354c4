import { parseArgs } from 'node:util';
import { connect } from '../client/client.js';
import { TraceError } from '../errors.js';
import { checkOwnState } from '../guard/home.js';
import { deadLetterWarning, diskWarning, formatWarning, hookWarnings, type HealthWarning } from '../health/checks.js';
import { databaseWarning } from '../health/database.js';
import { repoTop } from '../git/run.js';
import { tracePaths } from '../paths.js';
import type { StatusResponse } from '../protocol/types.js';
import type { Command } from './context.js';
import { usage } from './usage.js';

/**
 * `trace doctor [--json]`: every check that can keep ai-trace from recording or attesting right, each
 * with what to do: state ownership, free space, the database, dead-lettered events, this repository's
 * git hooks, and what the running daemon warns about (unattested pushed commits, commits without
 * their trailer). Exit 1 when anything needs doing.
 */
export const doctor: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length) throw usage('trace doctor [--json]');
  const paths = tracePaths(ctx.env);
  const warnings: HealthWarning[] = [];
  const ok: string[] = [];
  const check = (name: string, found: HealthWarning[] | HealthWarning | null) => {
    const list = found === null ? [] : Array.isArray(found) ? found : [found];
    if (list.length) warnings.push(...list);
    else ok.push(name);
  };
  let owned = true;
  try {
    checkOwnState(paths);
    ok.push(`TRACE_HOME ${paths.home} is yours alone`);
  } catch (err) {
    owned = false;
    if (!(err instanceof TraceError)) throw err;
    const cut = err.message.lastIndexOf(': ');
    warnings.push({ code: 'STATE_NOT_OWNED', message: err.message.slice(0, cut), fix: err.message.slice(cut + 2) });
  }
  check('free space under TRACE_HOME', diskWarning(paths));
  check('the database', await databaseWarning(paths.db));
  check('no dead-lettered events', deadLetterWarning(paths));
  const top = await repoTop(ctx.cwd);
  if (top) check(`git hooks of ${top}`, await hookWarnings(top));
  if (owned) {
    const client = await connect(paths, { start: false }).catch(() => null);
    if (client) {
      try {
        const status = await client.call<StatusResponse>('GET', '/v1/status');
        // what was checked here just now (this repository's hooks, disk, dead letters) is not repeated
        const own = new Set(['DISK_FULL', 'DEAD_LETTERS']);
        const fresh = (status.warnings ?? []).filter((w) => !own.has(w.code) && !(top && w.message.startsWith(`${top}:`)));
        check('the daemon reports nothing', fresh as HealthWarning[]);
      } finally {
        await client.close();
      }
    } else ok.push('the daemon is not running (it starts with the next agent session or trace command)');
  }
  if (values.json) {
    ctx.stdout(JSON.stringify({ ok, warnings }, null, 2) + '\n');
  } else {
    for (const line of ok) ctx.stdout(`ok: ${line}\n`);
    for (const w of warnings) ctx.stdout(`${formatWarning(w)}\n`);
  }
  return warnings.length ? 1 : 0;
};
