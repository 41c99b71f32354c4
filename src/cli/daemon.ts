import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { connect, DaemonClient, stopDaemon } from '../client/client.js';
import { runningDaemonPid } from '../client/daemon-pid.js';
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
      const killed = pid !== null && (await stopDaemon(hello ? c : null, pid));
      await c.close();
      ctx.stdout(pid === null ? 'daemon was not running\n' : `daemon stopped (pid ${pid}${killed ? ', killed: it did not stop within 10 s' : ''})\n`);
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
