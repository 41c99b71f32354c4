import { parseArgs } from 'node:util';
import { pickTokens } from '../deliver/plan.js';
import type { RetryRequest, RetryResponse, TokenEnvResponse } from '../protocol/types.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { usage } from './usage.js';

/**
 * `trace push --retry [ID]`: retry queued or dead-lettered deliveries now; without ID, also attest the
 * traced commits that reached a remote without an attestation (`git push --no-verify`, a failed pre-push).
 */
export const push: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { retry: { type: 'boolean' } }, allowPositionals: true });
  if (!values.retry || positionals.length > 1 || (positionals[0] !== undefined && !/^\d+$/.test(positionals[0]))) throw usage('trace push --retry [ID]');
  const id = positionals[0] === undefined ? undefined : Number(positionals[0]);
  const r = await withDaemon<RetryResponse>(ctx, async (c) => {
    // a token the user exported since the push (e.g. after a 401) replaces the one captured then
    const { names } = await c.call<TokenEnvResponse>('GET', '/v1/push/token-env');
    const tokens = pickTokens(ctx.env, names);
    const request: RetryRequest = { ...(id === undefined ? {} : { id }), ...(Object.keys(tokens).length ? { tokens } : {}) };
    return c.call('POST', '/v1/push/retry', request);
  });
  let failed = 0;
  for (const a of r.attested ?? []) {
    const shas = a.commits.map((c) => c.slice(0, 12)).join(', ');
    if (a.error === undefined) {
      ctx.stdout(`attested ${a.commits.length} commit(s) of ${a.repo} that reached ${a.remote} without an attestation (${shas}): push ${a.pushId}, ${a.jobs} delivery job(s) queued\n`);
    } else {
      failed++;
      ctx.stderr(`could not attest ${a.commits.length} commit(s) of ${a.repo} that reached ${a.remote} without an attestation (${shas}): ${a.error}\n  fix that, then run trace push --retry again\n`);
    }
  }
  ctx.stdout(`${r.retried} delivery job(s) queued for retry now; see trace status\n`);
  return failed ? 1 : 0;
};
