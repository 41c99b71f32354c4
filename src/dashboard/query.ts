import { sql, type Kysely } from 'kysely';
import type { TeamDatabase } from '../team/db/schema.js';
import { counter, share, TOP_USERS, usd, type Dashboard, type DailySeries } from './cards.js';
import { daysOf, type Window } from './period.js';

type Db = Kysely<TeamDatabase>;

/** The six cards for `w` and the period before it, computed in SQL (the same on PostgreSQL and SQLite). */
export async function queryDashboard(db: Db, w: Window): Promise<Dashboard> {
  const [cur, prev, top, models, prs, prevPrs] = await Promise.all([
    windowTotals(db, w.from, w.to),
    windowTotals(db, w.previousFrom, w.from),
    db
      .selectFrom('sessions')
      .select(['developer', sql<string>`count(*)`.as('n')])
      .where('at', '>=', w.from)
      .where('at', '<', w.to)
      .groupBy('developer')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('developer')
      .limit(TOP_USERS)
      .execute(),
    db
      .selectFrom('sessions')
      .select(['model', sql<string>`count(*)`.as('n'), sql<string>`sum(cost_usd)`.as('cost')])
      .where('at', '>=', w.from)
      .where('at', '<', w.to)
      .groupBy('model')
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('model')
      .execute(),
    prTotals(db, w.from, w.to),
    prTotals(db, w.previousFrom, w.from),
  ]);
  const codeShare = share(cur.ai, cur.ai + cur.human);
  const prevCodeShare = share(prev.ai, prev.ai + prev.human);
  return {
    period: { from: w.from, to: w.to, name: w.name },
    total_sessions: counter(cur.sessions, prev.sessions),
    active_users: counter(cur.users, prev.users),
    ai_assisted_prs: {
      value: prs.ai,
      total: prs.total,
      share: share(prs.ai, prs.total),
      merged: prs.merged,
      previous: prevPrs.ai,
      delta: prs.ai - prevPrs.ai,
    },
    ai_authored_code: { ai_lines: cur.ai, human_lines: cur.human, share: codeShare, previous_share: prevCodeShare, delta: codeShare - prevCodeShare },
    top_users: top.map((r) => ({ user: r.developer, sessions: Number(r.n) })),
    model_breakdown: models.map((r) => ({
      model: r.model,
      sessions: Number(r.n),
      share: share(Number(r.n), cur.sessions),
      estimated_cost_usd: usd(Number(r.cost ?? 0)),
    })),
  };
}

async function windowTotals(db: Db, from: string, to: string): Promise<{ sessions: number; users: number; ai: number; human: number }> {
  const [s, l] = await Promise.all([
    db
      .selectFrom('sessions')
      .select([sql<string>`count(*)`.as('n'), sql<string>`count(distinct developer)`.as('u')])
      .where('at', '>=', from)
      .where('at', '<', to)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('session_lines')
      .select([sql<string | null>`sum(ai_lines)`.as('ai'), sql<string | null>`sum(human_lines)`.as('human')])
      .where('at', '>=', from)
      .where('at', '<', to)
      .executeTakeFirstOrThrow(),
  ]);
  return { sessions: Number(s.n), users: Number(s.u), ai: Number(l.ai ?? 0), human: Number(l.human ?? 0) };
}

/** PRs dated in [from, to): all, AI-assisted (a commit attested or a session named), AI-assisted and merged. */
async function prTotals(db: Db, from: string, to: string): Promise<{ total: number; ai: number; merged: number }> {
  const rows = await db
    .selectFrom('prs')
    .select((eb) => [
      'merged',
      eb
        .or([
          eb.exists(
            eb.selectFrom('pr_commits').innerJoin('attested_commits', 'attested_commits.sha', 'pr_commits.sha').select(sql`1`.as('one')).whereRef('pr_commits.pr_id', '=', 'prs.id'),
          ),
          eb.exists(
            eb.selectFrom('pr_sessions').innerJoin('sessions', 'sessions.session_id', 'pr_sessions.session_id').select(sql`1`.as('one')).whereRef('pr_sessions.pr_id', '=', 'prs.id'),
          ),
        ])
        .as('ai'),
    ])
    .where('at', '>=', from)
    .where('at', '<', to)
    .execute();
  // PostgreSQL answers a boolean, SQLite 0/1
  const ai = rows.filter((r) => (r.ai as unknown) === true || Number(r.ai) === 1);
  return { total: rows.length, ai: ai.length, merged: ai.filter((r) => Number(r.merged) === 1).length };
}

/** Sessions and lines per UTC day of the current period. */
export async function queryDailySeries(db: Db, w: Window): Promise<DailySeries> {
  const days = daysOf(w);
  const [s, l] = await Promise.all([
    db.selectFrom('sessions').select(['day', sql<string>`count(*)`.as('n')]).where('at', '>=', w.from).where('at', '<', w.to).groupBy('day').execute(),
    db
      .selectFrom('session_lines')
      .select(['day', sql<string>`sum(ai_lines)`.as('ai'), sql<string>`sum(human_lines)`.as('human')])
      .where('at', '>=', w.from)
      .where('at', '<', w.to)
      .groupBy('day')
      .execute(),
  ]);
  const sessions = new Map(s.map((r) => [r.day, Number(r.n)]));
  const lines = new Map(l.map((r) => [r.day, { ai: Number(r.ai), human: Number(r.human) }]));
  return {
    days,
    sessions: days.map((d) => sessions.get(d) ?? 0),
    ai_lines: days.map((d) => lines.get(d)?.ai ?? 0),
    human_lines: days.map((d) => lines.get(d)?.human ?? 0),
  };
}
