import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { connect, DaemonClient, stopDaemon } from '../client/client.js';
import { runningDaemonPid } from '../client/daemon-pid.js';
import { alive } from '../client/start-lock.js';
import { daemonArgv, packageRoot, tracePaths } from '../paths.js';
import type { Command } from './context.js';
import { usage } from './usage.js';

const FORM = 'trace daemon start|stop|status|run|install [--json]';

/** `trace daemon start|stop|status|run|install`. */
export const daemon: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  const paths = tracePaths(ctx.env);
  switch (positionals[0]) {
    case 'start': {
      const c = await connect(paths);
      const hello = await c!.hello();
      await c!.close();
      ctx.stdout(`daemon running (pid ${hello?.pid}, version ${hello?.version})\n`);
      return 0;
    }
    case 'stop': {
      const c = new DaemonClient(paths);
      const hello = await c.hello();
      // one that does not answer (busy, or stuck) is still stopped: by signal, from its pid file
      const pid = hello?.pid ?? runningDaemonPid(paths);
      const how = hello ? (await stopDaemon(c, hello.pid), '') : pid !== null ? await signalStop(pid) : '';
      await c.close();
      ctx.stdout(pid !== null ? `daemon stopped (pid ${pid}${how})\n` : 'daemon was not running\n');
      return 0;
    }
    case 'status': {
      const c = new DaemonClient(paths);
      const hello = await c.hello();
      await c.close();
      const pid = hello?.pid ?? runningDaemonPid(paths);
      const s = { running: pid !== null, answering: hello !== null, pid, version: hello?.version ?? null, socket: paths.socket, home: paths.home };
      if (values.json) ctx.stdout(JSON.stringify(s, null, 2) + '\n');
      else if (hello) ctx.stdout(`daemon running (pid ${hello.pid}, version ${hello.version}, socket ${paths.socket})\n`);
      else if (pid !== null) ctx.stdout(`daemon running (pid ${pid}) but not answering on ${paths.socket}: busy or stuck (see ${paths.daemonLog}); \`trace daemon stop\` stops it\n`);
      else ctx.stdout(`daemon not running (state in ${paths.home})\n`);
      return pid !== null ? 0 : 1;
    }
    case 'run': {
      // foreground, for service managers
      const r = spawnSync(process.execPath, daemonArgv(), { stdio: 'inherit', env: ctx.env });
      return r.status ?? 1;
    }
    case 'install':
      return install(ctx.stdout);
    default:
      throw usage(FORM);
  }
};

const STOP_WAIT_MS = 10_000;

/** SIGTERM, then SIGKILL past STOP_WAIT_MS; says how it ended when it had to kill. */
async function signalStop(pid: number): Promise<string> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return '';
  }
  const deadline = Date.now() + STOP_WAIT_MS;
  while (Date.now() < deadline && alive(pid)) await new Promise((r) => setTimeout(r, 25));
  if (!alive(pid)) return '';
  process.kill(pid, 'SIGKILL');
  return `, killed: it did not stop within ${STOP_WAIT_MS / 1000} s of SIGTERM`;
}

/** Installs the daemon as a systemd user service (Linux) or a launchd agent (macOS). */
function install(out: (t: string) => void): number {
  const bin = path.join(packageRoot, 'bin', 'trace.js');
  if (process.platform === 'darwin') {
    const src = fs.readFileSync(path.join(packageRoot, 'launchd', 'dev.ai-trace.daemon.plist'), 'utf8');
    const dest = path.join(os.homedir(), 'Library', 'LaunchAgents', 'dev.ai-trace.daemon.plist');
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, src.replaceAll('@NODE@', process.execPath).replaceAll('@TRACE@', bin));
    out(`wrote ${dest}\nnext: launchctl load -w ${dest}\n`);
    return 0;
  }
  const src = fs.readFileSync(path.join(packageRoot, 'systemd', 'ai-trace.service'), 'utf8');
  const dest = path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'systemd', 'user', 'ai-trace.service');
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.writeFileSync(dest, src.replaceAll('@NODE@', process.execPath).replaceAll('@TRACE@', bin));
  out(`wrote ${dest}\nnext: systemctl --user daemon-reload && systemctl --user enable --now ai-trace\n`);
  return 0;
}
