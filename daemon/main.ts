/**
 * The per-user ai-trace daemon: ingests the spool, serves the Unix-socket API, runs the delivery
 * queue. Process entry only: wires dependencies, listens, and owns the one shutdown path.
 */
import fs from 'node:fs';
import { Recorder } from '../src/capture/recorder.js';
import { fileLogger } from '../src/log/logger.js';
import { readPidFile, runningDaemonPid } from '../src/client/daemon-pid.js';
import { checkSocketPath, tracePaths } from '../src/paths.js';
import { buildServer } from '../src/server/build.js';
import { checkOwnState } from '../src/guard/home.js';
import { HealthMonitor } from '../src/health/monitor.js';
import { unansweredWarnings } from '../src/health/unanswered.js';
import { ensureSpool } from '../src/spool/spool.js';
import { openDatabase } from '../src/store/db.js';
import { VERSION } from '../src/version.js';
import { wirePush } from '../src/push/wire.js';

const IDLE_MS = Number(process.env.TRACE_IDLE_TIMEOUT_MS ?? 3 * 60 * 60 * 1000);
const POLL_MS = 1000;
const BACKLOG_GC = 500;
const SHUTDOWN_DRAIN_MS = 3000;

async function main(): Promise<void> {
  const paths = tracePaths();
  checkSocketPath(paths.socket);
  checkOwnState(paths);
  fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.home, 0o700);
  fs.chmodSync(paths.runDir, 0o700);
  ensureSpool(paths);
  const log = fileLogger(paths.daemonLog);
  const db = openDatabase(paths.db);
  const recorder = new Recorder(db, paths, log, true);
  const startedAt = new Date().toISOString();

  let lastActivity = Date.now();
  const touch = () => {
    lastActivity = Date.now();
  };
  let stopping: Promise<void> | null = null;
  let socketIno = 0;
  const push = wirePush({ db, recorder, paths, log });
  const health = new HealthMonitor(paths, recorder.sessions);
  health.sources.push(() => unansweredWarnings(recorder.unanswered));
  recorder.onDiskFull = (err) => health.diskFull(err);
  health.sources.push(push.warnings, (repo) => recorder.lostEventWarnings(repo));
  const app = buildServer({
    recorder, paths, log, version: VERSION, startedAt, touch,
    requestShutdown: (reason) => void shutdown(reason),
    plugins: push.routes,
    pushes: push.list,
    warnings: (repo) => health.warnings(repo),
  });

  // after (and during) a backlog, give memory back now rather than whenever V8 next needs it
  const collect = () => (globalThis as { gc?: () => void }).gc?.();
  recorder.afterBatch = collect;
  recorder.onDrained = (n) => {
    health.diskOk();
    // a second full collection gives the freed pages back (the first only marks them free)
    if (n >= BACKLOG_GC) for (let i = 0; i < 2; i++) collect();
    if (n > 0 && log.isLevelEnabled('debug')) log.debug({ ingested: n, memory: process.memoryUsage() }, 'spool drained');
  };
  const drain = () => {
    touch();
    recorder.kick();
  };
  // one directory watch: the shims rename finished events into spool/new
  const watcher = fs.watch(paths.spoolNew, (_, name) => {
    recorder.spoolChanged(name);
    drain();
  });
  watcher.on('error', (err) => log.warn({ err: err.message }, 'spool watcher failed; polling only'));
  const poll = setInterval(() => {
    if (fs.readdirSync(paths.spoolNew).length > 0) drain();
    void recorder.maintain().catch(() => undefined);
    // our state directory or socket was removed (uninstalled, a test's temp dir), or another daemon
    // took the socket over: nothing left to serve
    if (!fs.existsSync(paths.db)) void shutdown('state directory removed');
    else if (socketIno !== 0 && socketIno !== inode(paths.socket)) void shutdown('socket removed or taken over');
    if (Date.now() - lastActivity > IDLE_MS) void shutdown('idle');
  }, POLL_MS);

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      log.info({ reason }, 'daemon stopping');
      // hooks asking from now on go another way than the spool (the last drain below answers those queued, within its bound)
      if (readPidFile(paths.answersPidFile) === process.pid) fs.rmSync(paths.answersPidFile, { force: true });
      clearInterval(poll);
      watcher.close();
      // closing the server unlinks the socket path: not when it is another daemon's now
      const taken = socketIno !== 0 && ![socketIno, -1].includes(inode(paths.socket));
      if (!taken) await app.close().catch(() => undefined);
      await push.stop();
      // what is queued is taken in for a moment more, then left in the spool for the next start: a
      // backlog must not hold a stop past what a service manager or `trace daemon stop` waits for
      const last = recorder.drain().catch(() => 0);
      await Promise.race([last, new Promise((r) => setTimeout(r, SHUTDOWN_DRAIN_MS).unref())]);
      recorder.halt();
      await last;
      await recorder.close();
      db.close();
      if (readPidFile(paths.pidFile) === process.pid) fs.rmSync(paths.pidFile, { force: true });
      log.info('daemon stopped');
      process.exit(0);
    })();
    return stopping;
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  // one daemon per TRACE_HOME: two would ingest the same spool (clients wait for a busy one)
  const other = runningDaemonPid(paths);
  if (other !== null && other !== process.pid) {
    log.warn({ pid: other }, 'another daemon is running: exiting');
    process.stderr.write(`ai-trace daemon already running (pid ${other})\n`);
    process.exit(0);
  }
  fs.rmSync(paths.socket, { force: true });
  await app.listen({ path: paths.socket });
  fs.chmodSync(paths.socket, 0o600);
  socketIno = fs.statSync(paths.socket).ino;
  fs.writeFileSync(paths.pidFile, String(process.pid), { mode: 0o600 });
  fs.writeFileSync(paths.answersPidFile, `${process.pid}\n`, { mode: 0o600 });
  log.info({ version: VERSION, socket: paths.socket }, 'daemon listening');
  push.start();
  drain();
}

function inode(file: string): number {
  try {
    return fs.statSync(file).ino;
  } catch {
    return -1;
  }
}

main().catch((err: Error) => {
  const damaged = /malformed|not a database|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(`${err.message} ${(err as { code?: string }).code ?? ''}`);
  process.stderr.write(`ai-trace daemon failed to start: ${err.message}${damaged ? ' (the database is damaged: run `trace doctor`)' : ''}\n`);
  process.exit(1);
});
