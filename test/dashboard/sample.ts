/**
 * A synthetic org for the HTML page: five developers, three models, fourteen days of sessions, stored
 * through the server's own fact writer into an in-memory database and read back with its queries.
 */
import { createHash } from 'node:crypto';
import type { Dashboard, DailySeries } from '../../src/dashboard/cards.js';
import type { AttestationFacts } from '../../src/dashboard/facts.js';
import { windowFor } from '../../src/dashboard/period.js';
import { queryDailySeries, queryDashboard } from '../../src/dashboard/query.js';
import { openTeamDb } from '../../src/team/db/open.js';
import { storeFacts, storePr } from '../../src/team/records.js';

const USERS = ['alice@example.com', 'bob@example.com', 'chen@example.com', 'dana@example.com', 'eve@example.com'];
const MODELS = [
  { model: 'claude-sonnet-4-5-20250929', cost: 0.41 },
  { model: 'claude-opus-4-5-20251101', cost: 1.37 },
  { model: 'claude-haiku-4-5-20251001', cost: 0.06 },
];
const hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The dashboard and daily series of the synthetic org for the 7 days ending at `now`. */
export async function sampleDashboard(now = new Date()): Promise<{ dashboard: Dashboard; series: DailySeries }> {
  const db = await openTeamDb(':memory:');
  try {
    let n = 0;
    for (let day = 0; day < 14; day++) {
      const perDay = 2 + ((day * 7) % 5);
      for (let k = 0; k < perDay; k++, n++) {
        const at = new Date(now.getTime() - day * 86400_000 - (k + 1) * 3600_000).toISOString();
        const m = MODELS[(n * 5 + day) % 7 < 4 ? 0 : (n + day) % 3 === 0 ? 2 : 1]!;
        const sha = hex(`c${n}`).slice(0, 40);
        const facts: AttestationFacts = {
          digest: hex(`a${n}`),
          keyFingerprint: `SHA256:k${n % 5}`,
          createdAt: at,
          commits: [{ sha, authorEmail: USERS[(n * 3 + day) % 5 === 4 ? 4 : n % 4]!, committedAt: at }],
          sessions: [
            {
              sessionId: `s${n}`,
              agent: 'claude-code',
              model: m.model,
              costUsd: m.cost,
              at,
              linesAt: at,
              user: USERS[(n * 3 + day) % 5 === 4 ? 4 : n % 4]!,
              aiLines: 20 + ((n * 37) % 90),
              humanLines: 5 + ((n * 13 + day * 7) % 40),
              linesKey: hex(`l${n}`),
              commits: [sha],
            },
          ],
        };
        await storeFacts(db.db, facts);
        if (n % 3 === 0) {
          await storePr(db.db, { id: `acme/app#${n}`, repo: 'acme/app', number: n, state: n % 2 ? 'merged' : 'open', at, commits: [sha], sessions: [] }, at);
        } else if (n % 5 === 1) {
          await storePr(db.db, { id: `acme/app#${n}`, repo: 'acme/app', number: n, state: 'merged', at, commits: [hex(`h${n}`).slice(0, 40)], sessions: [] }, at);
        }
      }
    }
    const w = windowFor('7d', now);
    return { dashboard: await queryDashboard(db.db, w), series: await queryDailySeries(db.db, w) };
  } finally {
    await db.close();
  }
}
