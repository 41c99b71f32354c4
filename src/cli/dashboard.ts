import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Dashboard, DailySeries } from '../dashboard/cards.js';
import { loadFromGit } from '../dashboard/git-source.js';
import { renderHtml } from '../dashboard/html.js';
import { parsePeriod, windowFor } from '../dashboard/period.js';
import { queryDailySeries, queryDashboard } from '../dashboard/query.js';
import { fetchDailySeries, fetchDashboard } from '../dashboard/remote.js';
import { renderTerminal } from '../dashboard/terminal.js';
import { tracePaths } from '../paths.js';
import type { Command } from './context.js';
import { usage } from './usage.js';

const FORM = 'trace dashboard [--period 24h|7d|30d|90d] [--json] [--html FILE] [--repo PATH]... [--server URL] [--key PEM]... [--no-fetch]';

/** `trace dashboard`: the six cards from the repositories' attestation refs (default: this one) or a server. */
export const dashboard: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      period: { type: 'string' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      repo: { type: 'string', multiple: true },
      server: { type: 'string' },
      key: { type: 'string', multiple: true },
      'no-fetch': { type: 'boolean' },
    },
  });
  if (positionals.length > 0 || (values.server && values.repo?.length)) throw usage(FORM);
  const period = parsePeriod(values.period);
  let board: Dashboard;
  let series: DailySeries | null = null;
  let source: string;
  if (values.server) {
    board = await fetchDashboard(values.server, period);
    if (values.html) series = await fetchDailySeries(values.server, period);
    source = `server ${values.server}`;
  } else {
    const repos = (values.repo?.length ? values.repo : ['.']).map((r) => path.resolve(ctx.cwd, r));
    const { db, report } = await loadFromGit(repos, {
      fetch: !values['no-fetch'],
      keyFiles: (values.key ?? []).map((k) => path.resolve(ctx.cwd, k)),
      keyDir: tracePaths(ctx.env).keyDir,
    });
    try {
      const w = windowFor(period);
      board = await queryDashboard(db.db, w);
      if (values.html) series = await queryDailySeries(db.db, w);
    } finally {
      await db.close();
    }
    for (const f of report.fetchFailures) ctx.stderr(`trace dashboard: could not fetch ${f}; using the last fetched attestations\n`);
    for (const r of report.rejected) ctx.stderr(`trace dashboard: not counted: ${r}\n`);
    source = `${report.attestations} verified attestation(s) from ${report.repos.map((r) => path.basename(r)).join(', ')}`;
  }
  if (values.html) {
    const file = path.resolve(ctx.cwd, values.html);
    fs.writeFileSync(file, renderHtml({ dashboard: board, series: series!, source }));
    if (!values.json) ctx.stderr(`wrote ${file}\n`);
  }
  if (values.json) ctx.stdout(`${JSON.stringify(board, null, 2)}\n`);
  else ctx.stdout(renderTerminal(board));
  return 0;
};
