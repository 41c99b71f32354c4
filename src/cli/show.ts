import { parseArgs } from 'node:util';
import type { ShowResponse } from '../protocol/types.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { formatRanges } from './format.js';
import { requireRepo, resolveCommit } from './resolve.js';
import { usage } from './usage.js';

/** `trace show <commit> [--json]`: which lines of a commit the agent wrote. */
export const show: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length > 1) throw usage('trace show [<commit>] [--json]');
  const repo = await requireRepo(ctx.cwd);
  const sha = await resolveCommit(repo, positionals[0] ?? 'HEAD');
  const r = await withDaemon<ShowResponse>(
    ctx,
    (c) => c.call('GET', `/v1/commits/${sha}?repo=${encodeURIComponent(repo)}`),
    async (rec) => {
      const { showCommit } = await import('../query/show.js');
      await rec.drain();
      return showCommit(rec, repo, sha);
    },
  );
  if (values.json) {
    ctx.stdout(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  const cc = r.code_changes;
  ctx.stdout(`commit ${r.commit}\n`);
  ctx.stdout(`sessions: ${r.sessions.length ? r.sessions.join(', ') : '(none)'}\n`);
  ctx.stdout(`lines: +${cc.lines_added} -${cc.lines_removed}  ai +${cc.ai_lines_added} -${cc.ai_lines_removed}  human +${cc.human_lines_added} -${cc.human_lines_removed}\n`);
  for (const f of cc.files) {
    ctx.stdout(`  ${f.attribution.padEnd(5)} ${f.status.padEnd(8)} ${f.path}  +${f.lines_added} -${f.lines_removed}`);
    if (f.line_ranges.length) ctx.stdout(`  ai: ${formatRanges(f.line_ranges)}`);
    if (f.human_line_ranges.length) ctx.stdout(`  human: ${formatRanges(f.human_line_ranges)}`);
    ctx.stdout('\n');
  }
  return 0;
};
