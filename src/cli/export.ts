import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { agentTraceRecord, type AgentTraceRecord } from '../query/agent-trace.js';
import { git } from '../git/run.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { requireRepo, resolveCommit } from './resolve.js';
import { usage } from './usage.js';

const FORM = 'trace export --format agent-trace <commit|A..B> [--out FILE]';

/** `trace export --format agent-trace <commit|range>`: Agent Trace records, one JSON line per commit. */
export const exportCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { format: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true });
  if (values.format !== 'agent-trace' || positionals.length !== 1) throw usage(FORM);
  const repo = await requireRepo(ctx.cwd);
  const spec = positionals[0]!;
  const commits = spec.includes('..')
    ? (await git(repo, ['rev-list', '--reverse', spec])).split('\n').filter(Boolean)
    : [await resolveCommit(repo, spec)];
  const q = new URLSearchParams({ repo, commits: commits.join(',') });
  const records = await withDaemon<AgentTraceRecord[]>(
    ctx,
    (c) => c.call('GET', `/v1/export/agent-trace?${q}`),
    async (rec) => {
      await rec.drain();
      const out: AgentTraceRecord[] = [];
      for (const sha of commits) out.push(await agentTraceRecord(rec, repo, sha));
      return out;
    },
  );
  const text = records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
  if (values.out) {
    fs.writeFileSync(path.resolve(ctx.cwd, values.out), text);
    ctx.stderr(`wrote ${records.length} Agent Trace record(s) to ${values.out}\n`);
  } else ctx.stdout(text);
  return 0;
};
