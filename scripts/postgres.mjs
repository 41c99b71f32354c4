// A throw-away PostgreSQL server from the system's packages, for tests and benchmarks: initdb in a
// temporary directory, started with pg_ctl on a Unix socket in that directory (no TCP port), as an
// unprivileged user (`nobody` when we are root: postgres refuses to run as root), stopped and removed
// by stop(). Needs the Debian `postgresql` package (binaries in /usr/lib/postgresql/<version>/bin).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The bin directory of the newest PostgreSQL installed under /usr/lib/postgresql, or an error saying what to install. */
export function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (it provides /usr/lib/postgresql/<version>/bin)');
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(base, versions[0], 'bin');
}

function run(asUser, file, args) {
  const cmd = asUser ? ['runuser', ['-u', asUser, '--', file, ...args]] : [file, args];
  return execFileSync(cmd[0], cmd[1], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts a fresh server; returns { url, version, dir, stop }. `url` connects through the socket
 * directory as the `postgres` superuser (trust authentication, reachable only by local users who can
 * enter the 0700 directory) to a database named `trace`.
 */
export async function startPostgres(opts = {}) {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trpg-'));
  const data = path.join(dir, 'data');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const user = asRoot ? opts.user ?? 'nobody' : null;
  if (user) {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
    fs.chownSync(dir, uid, gid);
  }
  let started = false;
  const stop = async () => {
    if (started) {
      try {
        run(user, path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already gone */
      }
      started = false;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    run(user, path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '--locale=C', '-E', 'UTF8']);
    const settings = [
      `-k ${dir}`,
      "-c listen_addresses=''",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      `-c max_connections=${opts.maxConnections ?? 100}`,
    ].join(' ');
    run(user, path.join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    started = true;
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ host: dir, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE trace');
      const { rows } = await admin.query('SHOW server_version');
      return { url: `postgres://postgres@localhost/trace?host=${encodeURIComponent(dir)}`, version: rows[0].server_version, dir, stop };
    } finally {
      await admin.end();
    }
  } catch (err) {
    const log = path.join(dir, 'server.log');
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`could not start PostgreSQL from ${bin}: ${err.message}${tail ? `\n${tail}` : ''}`);
  }
}
