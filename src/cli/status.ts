import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { StatusResponse } from '../protocol/types.js';
import { spoolCounts, statusSessions } from '../query/status.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { shortTime, table } from './format.js';
import { usage } from './usage.js';
import { deadLetterWarning, diskWarning, formatWarning, type HealthWarning } from '../health/checks.js';

/** `trace status [--json]`: the daemon, recent sessions and where every push stands. */
export const status: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length) throw usage('trace status [--json]');
  const r = await withDaemon<StatusResponse>(
    ctx,
    async (c) => {
      // this repository is checked too, even if the daemon knows no session there (events it lost)
      const top = workTreeOf(ctx.cwd);
      return c.call('GET', `/v1/status${top ? `?repo=${encodeURIComponent(top)}` : ''}`);
    },
    async (rec, paths) => ({
      daemon: { running: false, pid: null, version: null },
      sessions: statusSessions(rec.sessions),
      // the queue is durable: show where every push stands even without the daemon
      pushes: new (await import('../deliver/queue.js')).DeliveryQueue(rec.db).list({ limit: 100 }),
      spool: spoolCounts(paths),
      warnings: [diskWarning(paths), deadLetterWarning(paths)].filter((w) => w !== null),
    }),
  );
  if (values.json) {
    ctx.stdout(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  for (const w of r.warnings ?? []) ctx.stdout(`${formatWarning(w as HealthWarning)}\n`);
  if (r.warnings?.length) ctx.stdout('\n');
  ctx.stdout(r.daemon.running ? `daemon: running (pid ${r.daemon.pid}, version ${r.daemon.version})\n` : 'daemon: not running\n');
  if (r.spool.waiting || r.spool.dead) ctx.stdout(`spool: ${r.spool.waiting} waiting, ${r.spool.dead} dead-lettered\n`);
  ctx.stdout(`\nsessions (${r.sessions.length}):\n`);
  if (r.sessions.length) {
    ctx.stdout(table(['ID', 'AGENT', 'STARTED', 'ENDED', 'EVENTS', 'FILES', 'REPO'], r.sessions.map((s) => [
      s.id.slice(0, 8), s.agent_version ? `${s.agent} ${s.agent_version}` : s.agent, shortTime(s.started_at), shortTime(s.ended_at), String(s.events), String(s.files_touched.length), s.repo ?? '-',
    ])));
  }
  const pushes = r.pushes;
  ctx.stdout(`\npushes (${pushes.length}):\n`);
  if (pushes.length) {
    ctx.stdout(table(['ID', 'STATE', 'DESTINATION', 'ATTEMPTS', 'COMMITS', 'NEXT', 'LAST ERROR'], pushes.map((p) => [
      String(p.id), p.state, p.destination, String(p.attempts), String(p.commits.length), shortTime(p.next_attempt_at), p.last_error ?? '',
    ])));
  }
  return 0;
};

/** The nearest directory at or above `dir` holding `.git` (no git process: status stays one round trip). */
function workTreeOf(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return null;
  }
}
