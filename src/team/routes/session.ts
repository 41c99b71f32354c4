import type { FastifyInstance } from 'fastify';
import type { TeamServerDeps } from '../server.js';

/**
 * GET /api/sessions/{id}: what the server knows of one session across repositories: its dashboard row,
 * every stored attestation that holds it (digest, signer, subjects) and the session's material data
 * from each, so a PR check can find sessions pushed from anywhere.
 */
export function sessionRoute(app: FastifyInstance, deps: TeamServerDeps): void {
  app.get<{ Params: { id: string } }>('/api/sessions/:id', async (req, reply) => {
    const id = req.params.id;
    const db = deps.db.db;
    const row = await db.selectFrom('sessions').selectAll().where('session_id', '=', id).executeTakeFirst();
    if (!row) return reply.status(404).send({ error: `no attestation holds session ${id}` });
    const digests = (await db.selectFrom('session_lines').select('digest').where('session_id', '=', id).execute()).map((r) => r.digest);
    const atts = await db
      .selectFrom('attestations')
      .select(['digest', 'key_fingerprint', 'created_at', 'received_at', 'bundle_json'])
      .where('digest', 'in', [...new Set([row.digest, ...digests])])
      .orderBy('created_at')
      .execute();
    return {
      id,
      at: row.at,
      user: row.developer,
      agent: row.agent,
      model: row.model,
      estimated_cost_usd: Number(row.cost_usd),
      attestations: atts.map((a) => {
        const statement = JSON.parse(Buffer.from((JSON.parse(a.bundle_json) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString('utf8')) as {
          subject: { name: string; digest: { gitCommit: string } }[];
          predicate: { materials: { data: { session?: { id?: string } } }[] };
        };
        return {
          digest: a.digest,
          key_fingerprint: a.key_fingerprint,
          created_at: a.created_at,
          received_at: a.received_at,
          commits: statement.subject.map((s) => ({ name: s.name, sha: s.digest.gitCommit })),
          materials: statement.predicate.materials.filter((m) => m.data.session?.id === id),
        };
      }),
    };
  });
}
