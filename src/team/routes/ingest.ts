import type { FastifyInstance } from 'fastify';
import { ingestAttestation } from '../ingest.js';
import { PUBLIC_KEY_HEADER } from '../keys.js';
import type { TeamServerDeps } from '../server.js';

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** POST /attestations: the HTTP destination's receiver. */
export function ingestRoute(app: FastifyInstance, deps: TeamServerDeps): void {
  app.post('/attestations', async (req, reply) => {
    const answer = await ingestAttestation(
      deps.db,
      {
        authorization: header(req.headers.authorization),
        idempotencyKey: header(req.headers['idempotency-key']),
        publicKey: header(req.headers[PUBLIC_KEY_HEADER]),
        body: typeof req.body === 'string' ? req.body : '',
      },
      deps.now,
    );
    if (answer.status >= 400) req.log.warn({ status: answer.status, reason: answer.body.error }, 'attestation refused');
    else req.log.info({ digest: answer.body.digest, stored: answer.body.stored }, 'attestation received');
    return reply.status(answer.status).send(answer.body);
  });
}
