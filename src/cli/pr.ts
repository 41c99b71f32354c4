import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TraceError } from '../errors.js';
import { forgeLabels, forgeRange, forgeSummary, forgeTarget, postSummary, writeStepSummary, type ForgeTarget } from '../review/forges/index.js';
import { reviewPr } from '../review/pr.js';
import type { Command } from './context.js';
import { requireRepo } from './resolve.js';
import { usage } from './usage.js';

const FORM =
  'trace pr [<base>..<head>] [--json] [--policy FILE]... [--contract FILE] [--label NAME]... [--attestations DIR] [--no-fetch] [--key PEM]... [--link-base URL] [--github | --gitlab]';

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
      github: { type: 'boolean' },
      gitlab: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1 || (values.github && values.gitlab)) throw usage(FORM);
  const forge: ForgeTarget | undefined = values.github ? forgeTarget('github', ctx.env) : values.gitlab ? forgeTarget('gitlab', ctx.env) : undefined;
  const range = positionals[0] ?? (forge ? forgeRange(forge) : undefined);
  const labels = [...new Set([...(values.label ?? []), ...(forge ? forgeLabels(forge) : [])])];
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
    ...(range !== undefined ? { range } : {}),
    ...(values.attestations !== undefined ? { attestationsDir: abs(values.attestations) } : {}),
    noFetch: values['no-fetch'] === true,
    keys,
    policyFiles: (values.policy ?? []).map(abs),
    ...(values.contract !== undefined ? { contract: abs(values.contract) } : {}),
    labels,
    ...(values['link-base'] !== undefined ? { linkBase: values['link-base'] } : {}),
    env: ctx.env,
  });
  ctx.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdown}\n`);
  let postFailed = false;
  if (forge) {
    const posted = await postSummary(forge, forgeSummary(report, markdown));
    const where = forge.kind === 'github' ? `pull request #${forge.pr.number}` : `merge request !${forge.mr.iid}`;
    if (posted.ok) {
      const o = posted.outcome;
      const did = [o.comment !== 'none' ? `${o.comment} the summary ${forge.kind === 'github' ? 'comment' : 'note'}` : '', o.check ? `set the ${forge.kind === 'github' ? 'check run' : 'commit status'}` : ''].filter(Boolean);
      ctx.stderr(`trace pr: ${where}: ${[...did, ...o.notes].join('; ') || 'nothing to do'}\n`);
    } else {
      // the summary still reaches the job log (above) and the job summary; a read-only token does not fail the job
      ctx.stderr(`${forge.kind === 'github' ? (posted.readOnly ? '::warning::' : '::error::') : ''}trace pr: ${where}: ${posted.error}\n`);
      postFailed = !posted.readOnly;
    }
    if (forge.kind === 'github') writeStepSummary(ctx.env, markdown);
  }
  if (postFailed) return 1;
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
