import { parseArgs } from 'node:util';
import { pickTokens } from '../deliver/destination.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { usage } from './usage.js';

/** `trace push --retry [ID]`: retry queued or dead-lettered deliveries now. */
export const push: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { retry: { type: 'boolean' } }, allowPositionals: true });
  if (!values.retry || positionals.length > 1 || (positionals[0] !== undefined && !/^\d+$/.test(positionals[0]))) throw usage('trace push --retry [ID]');
  const id = positionals[0] === undefined ? undefined : Number(positionals[0]);
  const r = await withDaemon<{ retried: number }>(ctx, async (c) => {
    // a token the user exported since the push (e.g. after a 401) replaces the one captured then
    const { names } = await c.call<{ names: string[] }>('GET', '/v1/push/token-env');
    const tokens = pickTokens(ctx.env, names);
    return c.call('POST', '/v1/push/retry', { ...(id === undefined ? {} : { id }), ...(Object.keys(tokens).length ? { tokens } : {}) });
  });
  ctx.stdout(`${r.retried} delivery job(s) queued for retry now; see trace status\n`);
  return 0;
};
