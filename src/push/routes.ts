import type { FastifyInstance } from 'fastify';
import { TraceError } from '../errors.js';
import type { ServerDeps } from '../server/build.js';
import { prePushGated, type PushService } from './service.js';

/** Enforced pre-push request: git's arguments and stdin. */
export interface PrePushRequest {
  repo: string;
  remote: string;
  url: string;
  stdin: string;
  timeoutMs?: number;
  /** Values of the destinations' tokenEnv variables in the pusher's environment. */
  tokens?: Record<string, string>;
  /** What to wait for: every destination's delivery (requireTrace, the default), or only the policy gates. */
  wait?: 'delivery' | 'gates';
}

/** The push API: enforced pre-push, retry, and attestation lookup. */
export function pushRoutes(service: PushService) {
  return (app: FastifyInstance, deps: ServerDeps): void => {
    app.post<{ Body: PrePushRequest }>('/v1/hooks/pre-push', async (req) => {
      await deps.recorder.drain();
      const b = req.body;
      if (b.wait === 'gates') return prePushGated(service, b.repo, b.remote, b.url, b.stdin, b.tokens ?? {});
      return service.prePushEnforced(b.repo, b.remote, b.url, b.stdin, b.timeoutMs ?? 120_000, b.tokens ?? {});
    });
    // which tokenEnv values `trace push --retry` should send along (the user may have fixed a token)
    app.get('/v1/push/token-env', async () => ({ names: [...new Set([...service.queue.tokenEnvNames(), ...(await service.unattestedTokenEnvNames())])] }));
    app.post<{ Body: { id?: number; tokens?: Record<string, string> } }>('/v1/push/retry', async (req) => {
      await deps.recorder.drain();
      if (req.body.tokens) service.queue.refreshTokens(req.body.id ?? 'all', req.body.tokens);
      const n = service.queue.retry(req.body.id ?? 'all');
      if (req.body.id !== undefined && n === 0) throw new TraceError('NOT_FOUND', `no queued or failed push job ${req.body.id}: see trace status`);
      // traced commits that reached a remote without an attestation: attested now, when no job id is named
      const attested = req.body.id === undefined ? await service.attestUnattested(req.body.tokens ?? {}) : [];
      service.worker.kick();
      return { retried: n, attested };
    });
    app.get<{ Querystring: { commit?: string; id?: string } }>('/v1/attestations', async (req) => {
      await deps.recorder.drain();
      const rows = service.queue.list();
      const row = req.query.id
        ? rows.find((r) => String(r.id) === req.query.id)
        : rows.find((r) => req.query.commit !== undefined && r.commits.some((c) => c.startsWith(req.query.commit!.toLowerCase())));
      if (!row) {
        const missed = req.query.commit ? await service.whyUnattested(req.query.commit) : undefined;
        if (missed) {
          throw new TraceError('NOT_FOUND', `no attestation for ${missed.sha.slice(0, 12)}: it reached ${missed.remote} without an attestation (${missed.reason}); ${missed.failed ? 'fix that, then ' : ''}run trace push --retry to attest it`);
        }
        throw new TraceError('NOT_FOUND', `no attestation for ${req.query.id ?? req.query.commit}: push the commit first, or trace fetch`);
      }
      const job = service.queue.getJob(row.id)!;
      return { id: row.id, pushId: job.pushId, digest: job.push.digest, commits: job.push.commits, bundle: JSON.parse(job.push.bundleJson) as unknown, publicKeyPem: job.push.publicKeyPem };
    });
  };
}
