import { parseArgs } from 'node:util';
import type { SessionData } from '../evidence/session-data.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { shortTime } from './format.js';
import { usage } from './usage.js';

/** `trace session show <id> [--json]`: one session as Chainloop session evidence. */
export const session: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals[0] !== 'show' || positionals.length !== 2) throw usage('trace session show <id> [--json]');
  const id = positionals[1]!;
  const d = await withDaemon<SessionData>(
    ctx,
    (c) => c.call('GET', `/v1/sessions/${encodeURIComponent(id)}`),
    async (rec) => {
      const { showSession } = await import('../query/session.js');
      await rec.drain();
      return showSession(rec, id);
    },
  );
  if (values.json) {
    ctx.stdout(JSON.stringify(d, null, 2) + '\n');
    return 0;
  }
  const u = d.usage;
  const cc = d.code_changes;
  ctx.stdout(`session ${d.session.id}${d.session.slug ? ` (${d.session.slug})` : ''}\n`);
  ctx.stdout(`agent:    ${d.agent.name} ${d.agent.version ?? ''}\n`);
  ctx.stdout(`time:     ${shortTime(d.session.started_at)} → ${shortTime(d.session.ended_at)} (${d.session.duration_seconds}s)\n`);
  ctx.stdout(`model:    ${d.model?.primary ?? '-'}${d.model && d.model.models_used.length > 1 ? ` (also ${d.model.models_used.filter((m) => m !== d.model?.primary).join(', ')})` : ''}\n`);
  if (u && u.input_tokens === null) ctx.stdout('tokens:   unknown (the agent keeps no usage records ai-trace can read)\n');
  else if (u) ctx.stdout(`tokens:   in ${u.input_tokens}, out ${u.output_tokens}, cache read ${u.cache_read_input_tokens}, cache write ${u.cache_creation_input_tokens}; ${u.estimated_cost_usd === null ? 'cost unknown' : `≈ $${u.estimated_cost_usd.toFixed(4)}`}\n`);
  ctx.stdout(`messages: ${d.conversation?.user_messages ?? 0} user, ${d.conversation?.assistant_messages ?? 0} assistant\n`);
  ctx.stdout(`tools:    ${d.tools_used?.summary.map((t) => `${t.tool_name}×${t.invocation_count}`).join(', ') || '-'}\n`);
  if (d.subagents?.length) ctx.stdout(`subagents: ${d.subagents.map((s) => `${s.id}${s.type ? ` (${s.type})` : ''}`).join(', ')}\n`);
  ctx.stdout(`commits:  ${d.git_context?.commit_count ?? 0}${cc ? `; lines +${cc.lines_added} -${cc.lines_removed}, ai +${cc.ai_lines_added}, human +${cc.human_lines_added}` : ''}\n`);
  for (const w of d.warnings ?? []) ctx.stdout(`warning:  ${w}\n`);
  return 0;
};
