import { parseArgs } from 'node:util';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { usage } from './usage.js';

/** `trace push --retry [ID]`: retry queued or dead-lettered deliveries now. */
export const push: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { retry: { type: 'boolean' } }, allowPositionals: true });
  if (!values.retry || positionals.length > 1 || (positionals[0] !== undefined && !/^\d+$/.test(positionals[0]))) throw usage('trace push --retry [ID]');
  const id = positionals[0] === undefined ? undefined : Number(positionals[0]);
  const r = await withDaemon<{ retried: number }>(ctx, (c) => c.call('POST', '/v1/push/retry', id === undefined ? {} : { id }));
  ctx.stdout(`${r.retried} delivery job(s) queued for retry now; see trace status\n`);
  return 0;
};
