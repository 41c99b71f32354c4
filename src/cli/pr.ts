import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TraceError } from '../errors.js';
import { reviewPr } from '../review/pr.js';
import type { Command } from './context.js';
import { requireRepo } from './resolve.js';
import { usage } from './usage.js';

const FORM =
  'trace pr [<base>..<head>] [--json] [--policy FILE]... [--contract FILE] [--label NAME]... [--attestations DIR] [--no-fetch] [--key PEM]... [--link-base URL]';

/**
 * `trace pr`: the summary and verdict of a range's AI sessions, from its verified attestations.
 * Exit 0 on success and neutral (neutral says why on stderr), 1 on failure.
 */
export const pr: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean' },
      policy: { type: 'string', multiple: true },
      contract: { type: 'string' },
      label: { type: 'string', multiple: true },
      attestations: { type: 'string' },
      'no-fetch': { type: 'boolean' },
      key: { type: 'string', multiple: true },
      'link-base': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw usage(FORM);
  const repo = await requireRepo(ctx.cwd);
  const abs = (f: string) => path.resolve(ctx.cwd, f);
  const keys = (values.key ?? []).map((f) => {
    try {
      return fs.readFileSync(abs(f), 'utf8');
    } catch {
      throw new TraceError('NOT_FOUND', `--key ${f} cannot be read: pass a PEM public key file (trace key show > key.pem)`);
    }
  });
  const { report, markdown } = await reviewPr({
    repo,
    ...(positionals[0] !== undefined ? { range: positionals[0] } : {}),
    ...(values.attestations !== undefined ? { attestationsDir: abs(values.attestations) } : {}),
    noFetch: values['no-fetch'] === true,
    keys,
    policyFiles: (values.policy ?? []).map(abs),
    ...(values.contract !== undefined ? { contract: abs(values.contract) } : {}),
    labels: values.label ?? [],
    ...(values['link-base'] !== undefined ? { linkBase: values['link-base'] } : {}),
    env: ctx.env,
  });
  ctx.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdown}\n`);
  if (report.verdict === 'neutral') {
    ctx.stderr(`trace pr: neutral: ${report.reasons.join('; ')}\n`);
    return 0;
  }
  if (report.verdict === 'failure') {
    ctx.stderr(`trace pr: failure: ${report.reasons.length} reason${report.reasons.length === 1 ? '' : 's'}; first: ${report.reasons[0]}\n`);
    return 1;
  }
  return 0;
};
