import { spawn } from 'node:child_process';
import { checkOwnState } from '../guard/home.js';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isTraceErrorCode, TraceError } from '../errors.js';
import { cleanGitEnv } from '../git/run.js';
import { checkSocketPath, daemonArgv, type TracePaths } from '../paths.js';
import { PROTOCOL_VERSION, type HelloResponse } from '../protocol/types.js';
import { VERSION } from '../version.js';
import { runningDaemonPid } from './daemon-pid.js';
import { acquireStartLock, alive } from './start-lock.js';

export { alive };

const START_TIMEOUT_MS = 10_000;

/** Talks to the per-user daemon over its Unix socket (node:http: no HTTP client library to load at start). */
export class DaemonClient {
  private readonly agent: http.Agent;
  constructor(readonly paths: TracePaths) {
    this.agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 1000 });
  }

  call<T>(method: 'GET' | 'POST', url: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.paths.socket,
          host: 'ai-trace',
          path: url,
          method,
          agent: this.agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            try {
              const text = Buffer.concat(chunks).toString('utf8');
              const data = text ? (JSON.parse(text) as T & { error?: string; code?: string }) : ({} as T & { error?: string; code?: string });
              const status = res.statusCode ?? 500;
              if (status >= 400) {
                // the daemon's own code is kept (a 422 CONFIG_INVALID stays one); an answer without one is the daemon's failure
                const code = isTraceErrorCode(data.code) ? data.code : 'DAEMON_UNAVAILABLE';
                reject(new TraceError(code, data.error ?? `daemon answered ${status} for ${url}`));
              } else resolve(data);
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new TraceError('DAEMON_UNAVAILABLE', `the daemon did not answer ${method} ${url} within ${timeoutMs} ms: see trace log`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The daemon's hello, or null when nothing answers on the socket. */
  async hello(): Promise<HelloResponse | null> {
    if (!fs.existsSync(this.paths.socket)) return null;
    try {
      return await this.call<HelloResponse>('GET', '/v1/hello', undefined, 2000);
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

/** A client to a running daemon, started on demand (and restarted when it is older than this CLI). */
export async function connect(paths: TracePaths, options: { start?: boolean } = {}): Promise<DaemonClient | null> {
  checkSocketPath(paths.socket);
  checkOwnState(paths);
  const client = new DaemonClient(paths);
  let hello = await client.hello();
  if (!hello) hello = await busyDaemon(paths, client);
  if (hello && (hello.protocol !== PROTOCOL_VERSION || hello.version !== VERSION)) {
    await stopDaemon(client, hello.pid);
    hello = null;
  }
  if (hello) return client;
  if (options.start === false) {
    await client.close();
    return null;
  }
  await startDaemon(paths, client);
  return client;
}

/**
 * A daemon that is alive but did not answer (busy on a loaded machine) is waited for, never doubled:
 * two daemons would ingest the same spool. One that stays silent that long is hung: it is killed
 * (its work is crash-safe) and a new one starts.
 */
async function busyDaemon(paths: TracePaths, client: DaemonClient): Promise<HelloResponse | null> {
  const pid = runningDaemonPid(paths);
  if (pid === null) return null;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && alive(pid)) {
    const hello = await client.hello();
    if (hello) return hello;
    await sleep(100);
  }
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return null;
}

async function startDaemon(paths: TracePaths, client: DaemonClient): Promise<void> {
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  const release = await acquireStartLock(paths.startLock, START_TIMEOUT_MS);
  try {
    if ((await client.hello()) || (await busyDaemon(paths, client))) return; // another client started it while we waited
    fs.mkdirSync(paths.logDir, { recursive: true, mode: 0o700 });
    const out = fs.openSync(path.join(paths.logDir, 'daemon.stderr.log'), 'a', 0o600);
    const child = spawn(process.execPath, daemonArgv(), {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...cleanGitEnv(), TRACE_HOME: paths.home, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
    });
    child.unref();
    fs.closeSync(out);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (await client.hello()) return;
      if (child.exitCode !== null) break;
      await sleep(25);
    }
    throw new TraceError('DAEMON_UNAVAILABLE', `the ai-trace daemon did not start: see ${paths.daemonLog} and ${path.join(paths.logDir, 'daemon.stderr.log')}${tail(path.join(paths.logDir, 'daemon.stderr.log'))}`);
  } finally {
    release();
  }
}

/**
 * Asks the daemon to stop, over its socket (`client`) or, when it does not answer there (busy or
 * stuck), with SIGTERM; waits until its process is gone, and SIGKILLs it past `timeoutMs` (its work is
 * crash-safe). True when it had to be killed.
 */
export async function stopDaemon(client: DaemonClient | null, pid: number, timeoutMs = 10_000): Promise<boolean> {
  if (client) await client.call('POST', '/v1/shutdown').catch(() => undefined);
  else {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return false; // gone already
    }
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive(pid)) await sleep(25);
  if (!alive(pid)) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}

function tail(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
    return lines ? ` (last lines: ${lines})` : '';
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
