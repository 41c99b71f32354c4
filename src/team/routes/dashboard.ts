import type { FastifyInstance } from 'fastify';
import { renderHtml } from '../../dashboard/html.js';
import { parsePeriod, windowFor } from '../../dashboard/period.js';
import { queryDailySeries, queryDashboard } from '../../dashboard/query.js';
import type { TeamServerDeps } from '../server.js';

type PeriodQuery = { Querystring: { period?: string } };

/** GET /api/dashboard (the `trace dashboard --json` object), /api/dashboard/daily, and the HTML page at /. */
export function dashboardRoutes(app: FastifyInstance, deps: TeamServerDeps): void {
  const window = (period: string | undefined) => windowFor(parsePeriod(period), deps.now?.() ?? new Date());
  app.get<PeriodQuery>('/api/dashboard', async (req) => queryDashboard(deps.db.db, window(req.query.period)));
  app.get<PeriodQuery>('/api/dashboard/daily', async (req) => queryDailySeries(deps.db.db, window(req.query.period)));
  app.get<PeriodQuery>('/', async (req, reply) => {
    const w = window(req.query.period);
    const [dashboard, series] = await Promise.all([queryDashboard(deps.db.db, w), queryDailySeries(deps.db.db, w)]);
    return reply.type('text/html; charset=utf-8').send(renderHtml({ dashboard, series, source: `trace server (${deps.db.engine})` }));
  });
}
