import fs from 'node:fs';
import path from 'node:path';
import { git } from '../git/run.js';
import { parseArgs } from 'node:util';
import { blameFile, type BlameResponse } from '../query/blame.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { requireRepo } from './resolve.js';
import { usage } from './usage.js';

/** `trace blame <file> [--rev R] [--json]`: like git blame, with each line's AI or human origin. */
export const blame: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, rev: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw usage('trace blame <file> [--rev R] [--json]');
  const repo = await requireRepo(ctx.cwd);
  const file = path.relative(repo, path.resolve(ctx.cwd, positionals[0]!)).split(path.sep).join('/');
  const q = new URLSearchParams({ repo, file, ...(values.rev ? { rev: values.rev } : {}) });
  const r = await withDaemon<BlameResponse>(
    ctx,
    (c) => c.call('GET', `/v1/blame?${q}`),
    async (rec) => {
      await rec.drain();
      return blameFile(rec, repo, file, values.rev);
    },
  );
  if (values.json) {
    ctx.stdout(JSON.stringify(r) + '\n');
    return 0;
  }
  const text = values.rev ? await git(repo, ['show', `${values.rev}:${file}`]) : fs.readFileSync(path.join(repo, file), 'utf8');
  const content = text.split('\n');
  const width = String(r.lines.length).length;
  for (const l of r.lines) {
    const who = l.origin === 'ai' ? `ai ${(l.session ?? '').slice(0, 8)}` : l.origin;
    ctx.stdout(`${(l.commit ?? '0000000').slice(0, 8)} ${who.padEnd(11)} ${String(l.line).padStart(width)}) ${content[l.line - 1] ?? ''}\n`);
  }
  return 0;
};
