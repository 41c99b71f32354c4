/** Running the world's processes (git, the trace CLI) and waiting on what they do. */
import { spawn, spawnSync } from 'node:child_process';
import { TRACE_BIN } from './env.js';

/** One process run's exit code and output. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs git; returns its exit code and output (for commands expected to stop, e.g. on a conflict). */
export function gitTry(cwd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Run {
  const t0 = Date.now();
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8', input, maxBuffer: 256 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Runs git; throws with its stderr when it fails. */
export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const r = gitTry(cwd, args, env, input);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} in ${cwd} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Runs `node bin/trace.js …` (never throws: the exit code is in the result). */
export function runTrace(cwd: string | undefined, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Run {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [TRACE_BIN, ...args], { cwd, env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Runs a command without blocking (several at once, or one that must not hold the test's event loop). */
export function runAsync(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    // 'close': the process exited and every pipe it (or a child it left) held is closed
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 }));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Polls `pred` every `intervalMs` until it is true or `timeoutMs` passed; returns whether it became true. */
export function waitUntilSync(pred: () => boolean, timeoutMs: number, intervalMs = 20): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= deadline) return false;
    sleepSync(intervalMs);
  }
}

/**
 * Polls `probe` until it returns something other than undefined/false, and returns that; throws
 * naming `what` (and the last thing `describe` says) when `timeoutMs` passes first.
 */
export async function until<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 25, describe }: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${describe()}` : ''}`);
    await sleep(intervalMs);
  }
}
