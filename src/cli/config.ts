import { parseArgs } from 'node:util';
import { collectAgentConfigs } from '../agent-config/collect.js';
import type { Command } from './context.js';
import { table } from './format.js';
import { requireRepo } from './resolve.js';
import { usage } from './usage.js';

const FORM = 'trace config show [--rev R] [--json]';

/**
 * `trace config show`: the CHAINLOOP_AI_AGENT_CONFIG materials the next push would attach (the agent
 * configuration at HEAD, or at --rev), secrets redacted and MCP environment values stripped as they would be.
 */
export const config: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, rev: { type: 'string' } }, allowPositionals: true });
  if (positionals[0] !== 'show' || positionals.length > 1) throw usage(FORM);
  const repo = await requireRepo(ctx.cwd);
  const r = await collectAgentConfigs({ repo, rev: values.rev ?? 'HEAD' });
  if (values.json) {
    ctx.stdout(JSON.stringify({ commit: r.commit, materials: r.materials, redactions: r.redactions, allowed: r.allowed, warnings: r.warnings }, null, 2) + '\n');
    return 0;
  }
  if (!r.commit) {
    ctx.stdout('no commit yet: nothing to attach\n');
    return 0;
  }
  if (r.materials.length === 0) ctx.stdout(`commit ${r.commit}: no AI agent configuration found\n`);
  for (const m of r.materials) {
    const d = m.data;
    ctx.stdout(`${d.agent.name}  (config_hash ${d.config_hash.slice(0, 16)}…, commit ${r.commit.slice(0, 12)})\n`);
    ctx.stdout(table(['KIND', 'SIZE', 'PATH'], d.config_files.map((f) => [f.kind, String(f.size), f.path])).replace(/^/gm, '  '));
    for (const s of d.mcp_servers ?? []) {
      const what = s.url ?? [s.command, ...(s.args ?? [])].filter(Boolean).join(' ');
      ctx.stdout(`  mcp ${s.name}: ${what}${s.env_keys?.length ? ` (env: ${s.env_keys.join(', ')}; values stripped)` : ''}${s.disabled ? ' [disabled]' : ''}\n`);
    }
    if (d.permissions) ctx.stdout(`  permissions: ${JSON.stringify(d.permissions)}\n`);
    for (const s of (d.subagents as { name: string; model?: string; tools?: string[] }[] | undefined) ?? []) {
      ctx.stdout(`  subagent ${s.name}${s.model ? ` (model ${s.model})` : ''}${s.tools ? `: ${s.tools.join(', ')}` : ''}\n`);
    }
  }
  for (const x of r.redactions) ctx.stdout(`redacted: ${x.path}:${x.line} (${x.rule}); keep a value with an "ai-trace:allow-secret" comment on its line\n`);
  if (r.allowed) ctx.stdout(`kept: ${r.allowed} value(s) on lines marked ai-trace:allow-secret\n`);
  for (const w of r.warnings) ctx.stderr(`warning: ${w}\n`);
  return 0;
};
