import { parseArgs } from 'node:util';
import { fetchAttestations } from '../git/attestations.js';
import type { Command } from './context.js';
import { requireRepo } from './resolve.js';
import { usage } from './usage.js';

/** `trace fetch [remote]`: brings the remote's attestations into this clone (refs/chainloop-trace/*). */
export const fetch: Command = async (args, ctx) => {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  if (positionals.length > 1) throw usage('trace fetch [remote]');
  const repo = await requireRepo(ctx.cwd);
  const remote = positionals[0] ?? 'origin';
  const r = await fetchAttestations(repo, remote);
  ctx.stdout(r.found ? `fetched attestations from ${remote} (${r.commit?.slice(0, 12)})\n` : `${remote} has no attestations yet\n`);
  return 0;
};
