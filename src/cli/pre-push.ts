import fs from 'node:fs';
import { connect } from '../client/client.js';
import { loadRepoConfig } from '../config/chainloop.js';
import { loadUserConfig } from '../config/user.js';
import { pickTokens, tokenEnvNames, type PushTokens } from '../deliver/plan.js';
import { tracePaths } from '../paths.js';
import type { PrePushRequest, PrePushResponse } from '../protocol/types.js';
import type { CliContext } from './context.js';
import { hookLog } from './hook.js';

/**
 * Enforced pre-push: with `requireTrace: true`, waits until the attestation is built, signed and
 * delivered to every destination; with policy gates (`policies.gates`), until the gates are evaluated.
 * Fails the push with the reason and what to do when it cannot go on.
 */
export async function prePush(args: string[], ctx: CliContext): Promise<number> {
  const [remote = 'origin', url = ''] = args;
  const stdin = fs.readFileSync(0, 'utf8');
  let wait: 'delivery' | 'gates' = 'delivery';
  let why = 'requireTrace: true';
  try {
    if (loadRepoConfig(ctx.cwd)?.requireTrace !== true) [wait, why] = ['gates', 'AI policy gates'];
  } catch {
    why = '.chainloop.yml is invalid'; // the daemon's answer says how
  }
  try {
    const paths = tracePaths(ctx.env);
    const tokens = pusherTokens(ctx, paths.home);
    const client = await connect(paths);
    try {
      const request: PrePushRequest = { repo: ctx.cwd, remote, url, stdin, tokens, wait };
      const r = await client!.call<PrePushResponse>('POST', '/v1/hooks/pre-push', request, 150_000);
      await hookLog(ctx.cwd, `git pre-push enforced ${r.ok ? (wait === 'gates' ? 'passed' : 'delivered') : 'failed'} commits=${r.commits.length}${r.reason ? ' ' + r.reason.replace(/\s+/g, ' ') : ''}`);
      if (r.ok) return 0;
      ctx.stderr(`ai-trace: push blocked (${why}): ${r.reason}\n`);
      return 1;
    } finally {
      await client?.close();
    }
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    await hookLog(ctx.cwd, `git pre-push enforced error ${msg}`);
    const off = wait === 'delivery' ? 'fix .chainloop.yml or set requireTrace: false' : 'remove policies.gates from .chainloop.yml';
    ctx.stderr(`ai-trace: push blocked (${why}): could not attest the push: ${msg}; run trace status, or ${off}\n`);
    return 1;
  }
}

/**
 * The destinations' `tokenEnv` values as set in this (the pusher's) environment: the daemon may have been
 * started elsewhere, without them. Config errors are left for the daemon to report.
 */
function pusherTokens(ctx: CliContext, traceHome: string): PushTokens {
  const raws: unknown[] = [];
  try {
    raws.push(loadRepoConfig(ctx.cwd)?.destinations);
  } catch {
    /* reported by the daemon */
  }
  try {
    raws.push(loadUserConfig(traceHome).destinations);
  } catch {
    /* reported by the daemon */
  }
  return pickTokens(ctx.env, tokenEnvNames(...raws));
}
