import type { FastifyInstance } from 'fastify';
import { prFromGithubEvent, validGithubSignature } from '../github.js';
import { storePr } from '../records.js';
import type { TeamServerDeps } from '../server.js';

/** POST /webhooks/github: `pull_request` events, HMAC-verified with the configured secret; others refused. */
export function githubRoute(app: FastifyInstance, deps: TeamServerDeps): void {
  app.post('/webhooks/github', async (req, reply) => {
    if (!deps.githubSecret) return reply.status(404).send({ error: 'GitHub webhooks are off: start trace server with --github-webhook-secret-env NAME' });
    const body = typeof req.body === 'string' ? req.body : '';
    const sig = req.headers['x-hub-signature-256'];
    if (!validGithubSignature(deps.githubSecret, body, Array.isArray(sig) ? sig[0] : sig)) {
      req.log.warn('webhook refused: bad signature');
      return reply.status(401).send({ error: 'X-Hub-Signature-256 does not match the payload: check the webhook secret' });
    }
    const event = req.headers['x-github-event'];
    if (event === 'ping') return { ok: true };
    if (event !== 'pull_request') return reply.status(422).send({ error: `event '${String(event)}' is not handled; subscribe the webhook to pull_request events only` });
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return reply.status(400).send({ error: 'payload is not JSON: set the webhook content type to application/json' });
    }
    const pr = prFromGithubEvent(payload);
    if (typeof pr === 'string') return reply.status(422).send({ error: pr });
    await storePr(deps.db.db, pr, (deps.now?.() ?? new Date()).toISOString());
    req.log.info({ pr: pr.id, state: pr.state }, 'pull request recorded');
    return { ok: true, pr: pr.id, state: pr.state };
  });
}
