import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../helpers/env.js';

/** The Claude Code release the end-to-end test pins (the one ../shared/harness/claude-replay was verified with). */
export const CLAUDE_CODE_VERSION = '2.1.197';

/** Inside node_modules/, so it is gitignored and `npm ci` starts it afresh. */
export const CLAUDE_CACHE = path.join(ROOT, 'node_modules', '.cache', 'claude-code');

const LOCK_WAIT_MS = 10 * 60_000;
const INSTALL_TIMEOUT_MS = 8 * 60_000;

/** A runnable client, or why there is none (an install that failed: the test fails with this reason). */
export type ClaudeClient = { bin: string; version: string } | { skip: string };

/** The newest release the harness was verified with (2026-12-06): it adds the PreSkillShellCommand hook event. */
export const CLAUDE_CODE_LATEST = '2.1.332';

/**
 * The Claude Code CLI to drive: `$CLAUDE_BIN` when set (it must run) and no release is asked for, else
 * `@anthropic-ai/claude-code@<version>` (2.1.197 unless told) installed once into
 * node_modules/.cache/claude-code/<version>/ under a lock, so parallel runs share one install.
 * Returns `{ skip }` only when npm cannot install the package (for example no registry); anything else throws.
 */
export async function ensureClaudeClient(env: NodeJS.ProcessEnv = process.env, version?: string): Promise<ClaudeClient> {
  if (env.CLAUDE_BIN && !version) {
    const version = await clientVersion(env.CLAUDE_BIN);
    if (!version) throw new Error(`CLAUDE_BIN=${env.CLAUDE_BIN} does not run (\`${env.CLAUDE_BIN} --version\` failed)`);
    return { bin: env.CLAUDE_BIN, version };
  }
  const release = version ?? CLAUDE_CODE_VERSION;
  const dir = path.join(CLAUDE_CACHE, release);
  const ready = readyBin(dir);
  if (ready) return { bin: ready, version: release };

  fs.mkdirSync(CLAUDE_CACHE, { recursive: true });
  const unlock = await acquireLock(path.join(CLAUDE_CACHE, `${release}.lock`));
  try {
    const again = readyBin(dir);
    if (again) return { bin: again, version: release };
    return await install(dir, release);
  } finally {
    unlock();
  }
}

/** The bin recorded in `<dir>/ready.json` when that install finished and still exists. */
function readyBin(dir: string): string | null {
  try {
    const { bin } = JSON.parse(fs.readFileSync(path.join(dir, 'ready.json'), 'utf8')) as { bin: string };
    const abs = path.join(dir, bin);
    return fs.existsSync(abs) ? abs : null;
  } catch {
    return null;
  }
}

/** Installs into a staging folder, checks the binary runs, then renames the folder into place. */
async function install(dir: string, version: string): Promise<ClaudeClient> {
  const pkg = `@anthropic-ai/claude-code@${version}`;
  const staging = fs.mkdtempSync(path.join(CLAUDE_CACHE, `${version}.staging-`));
  try {
    fs.writeFileSync(path.join(staging, 'package.json'), '{ "name": "claude-code-cache", "private": true }\n');
    const env = { ...process.env };
    // `npm test` exports the outer project's npm settings; these would send the install elsewhere
    for (const k of ['npm_config_prefix', 'npm_config_local_prefix', 'npm_config_global', 'npm_config_ignore_scripts', 'npm_config_dry_run']) delete env[k];
    const r = await execa('npm', ['install', '--prefix', staging, '--no-audit', '--no-fund', '--loglevel=error', pkg], {
      cwd: staging,
      env,
      extendEnv: false,
      reject: false,
      timeout: INSTALL_TIMEOUT_MS,
      all: true,
    });
    if (r.exitCode !== 0 || r.timedOut) {
      const why = r.timedOut ? `timed out after ${INSTALL_TIMEOUT_MS / 1000} s` : `exit ${r.exitCode ?? r.signal}`;
      return { skip: `\`npm install ${pkg}\` failed (${why}): ${npmError(r.all ?? '')}. The end-to-end test needs the npm registry or CLAUDE_BIN.` };
    }
    const bin = await findBin(staging, version);
    if (!bin) throw new Error(`npm installed ${pkg} into ${staging}, but no claude binary in it reports version ${version}`);
    fs.writeFileSync(path.join(staging, 'ready.json'), JSON.stringify({ bin: path.relative(staging, bin), version }) + '\n');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
    return { bin: path.join(dir, path.relative(staging, bin)), version };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** npm's own summary of a failure: its `code` line and the first message line (no stack, no log path). */
function npmError(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^npm (error|ERR!) ?/, '').trimEnd());
  const code = lines.find((l) => /^code \S+$/.test(l));
  // skip npm's key lines, the error object's indented properties and stack, and its braces
  const message = lines.find((l) => l && !/^(code|syscall|errno) /.test(l) && !/^[\s{}]/.test(l));
  return [code, message].filter(Boolean).join(': ') || output.trim().split('\n').slice(-3).join(' | ') || 'no output';
}

/** `.bin/claude` (linked by the package's postinstall), else the platform package's binary itself. */
async function findBin(prefix: string, version: string): Promise<string | null> {
  const scope = path.join(prefix, 'node_modules', '@anthropic-ai');
  const candidates = [path.join(prefix, 'node_modules', '.bin', 'claude')];
  try {
    for (const name of fs.readdirSync(scope)) if (name.startsWith('claude-code-')) candidates.push(path.join(scope, name, 'claude'));
  } catch {
    /* no scope folder: nothing else to try */
  }
  for (const bin of candidates) if ((await clientVersion(bin)) === version) return bin;
  return null;
}

/** The version `claude --version` prints ("2.1.197 (Claude Code)"), or null when it does not run. */
export async function clientVersion(bin: string): Promise<string | null> {
  if (!fs.existsSync(bin)) return null;
  const r = await execa(bin, ['--version'], { reject: false, timeout: 60_000, env: { ...process.env, DISABLE_AUTOUPDATER: '1' } });
  const m = r.exitCode === 0 ? /^(\d+\.\d+\.\d+)/.exec(r.stdout.trim()) : null;
  return m ? m[1]! : null;
}

/** An exclusive lock folder holding the owner's pid; a lock whose owner died is taken over. */
async function acquireLock(lock: string): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (lockIsStale(lock)) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`waited ${LOCK_WAIT_MS / 1000} s for ${lock}; remove it if no test run is installing Claude Code`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function lockIsStale(lock: string): boolean {
  let pid = NaN;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // created but pid not written yet, or gone: stale only if it has been like that for a while
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
