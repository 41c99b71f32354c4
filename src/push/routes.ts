import type { FastifyInstance } from 'fastify';
import type { SerializedBundle } from '@sigstore/bundle';
import { TraceError } from '../errors.js';
import { attestationQuery, attestationReply, prePushBody, prePushReply, replies, retryBody, retryReply, tokenEnvReply } from '../protocol/schemas.js';
import type {
  AttestationQuery,
  AttestationResponse,
  PrePushRequest,
  PrePushResponse,
  RetryRequest,
  RetryResponse,
  TokenEnvResponse,
} from '../protocol/types.js';
import type { ServerDeps } from '../server/build.js';
import { prePushGated, type EnforcedResult, type PushService } from './service.js';

/** The push API: enforced pre-push, retry, and attestation lookup. */
export function pushRoutes(service: PushService) {
  return (app: FastifyInstance, deps: ServerDeps): void => {
    app.post<{ Body: PrePushRequest }>('/v1/hooks/pre-push', { schema: { body: prePushBody, response: replies(prePushReply) } }, async (req): Promise<PrePushResponse> => {
      await deps.recorder.drain();
      const b = req.body;
      const r = b.wait === 'gates'
        ? await prePushGated(service, b.repo, b.remote, b.url, b.stdin, b.tokens ?? {})
        : await service.prePushEnforced(b.repo, b.remote, b.url, b.stdin, b.timeoutMs ?? 120_000, b.tokens ?? {});
      return prePushResponse(r);
    });
    // which tokenEnv values `trace push --retry` should send along (the user may have fixed a token)
    app.get('/v1/push/token-env', { schema: { response: replies(tokenEnvReply) } }, async (): Promise<TokenEnvResponse> => ({
      names: [...new Set([...service.queue.tokenEnvNames(), ...(await service.unattestedTokenEnvNames())])],
    }));
    app.post<{ Body: RetryRequest }>('/v1/push/retry', { schema: { body: retryBody, response: replies(retryReply) } }, async (req): Promise<RetryResponse> => {
      await deps.recorder.drain();
      const body = req.body ?? {};
      if (body.tokens) service.queue.refreshTokens(body.id ?? 'all', body.tokens);
      const n = service.queue.retry(body.id ?? 'all');
      if (body.id !== undefined && n === 0) throw new TraceError('NOT_FOUND', `no queued or failed push job ${body.id}: see trace status`);
      // traced commits that reached a remote without an attestation: attested now, when no job id is named
      const attested = body.id === undefined ? await service.attestUnattested(body.tokens ?? {}) : [];
      service.worker.kick();
      return { retried: n, attested };
    });
    app.get<{ Querystring: AttestationQuery }>('/v1/attestations', { schema: { querystring: attestationQuery, response: replies(attestationReply) } }, async (req): Promise<AttestationResponse> => {
      await deps.recorder.drain();
      const rows = service.queue.list();
      const { id, commit } = req.query;
      const row = id !== undefined ? rows.find((r) => String(r.id) === id) : rows.find((r) => commit !== undefined && r.commits.some((c) => c.startsWith(commit.toLowerCase())));
      if (!row) {
        const missed = commit ? await service.whyUnattested(commit) : undefined;
        if (missed) {
          throw new TraceError('NOT_FOUND', `no attestation for ${missed.sha.slice(0, 12)}: it reached ${missed.remote} without an attestation (${missed.reason}); ${missed.failed ? 'fix that, then ' : ''}run trace push --retry to attest it`);
        }
        throw new TraceError('NOT_FOUND', `no attestation for ${id ?? commit}: push the commit first, or trace fetch`);
      }
      const job = service.queue.getJob(row.id)!;
      return { id: row.id, pushId: job.pushId, digest: job.push.digest, commits: job.push.commits, bundle: JSON.parse(job.push.bundleJson) as SerializedBundle, publicKeyPem: job.push.publicKeyPem };
    });
  };
}

/** What the hook needs of an enforced pre-push (the jobs stay in the daemon: `trace status` lists them). */
function prePushResponse(r: EnforcedResult): PrePushResponse {
  return {
    ok: r.ok,
    pushId: r.pushId,
    commits: r.commits,
    ...(r.reason !== undefined ? { reason: r.reason } : {}),
    ...(r.digest !== undefined ? { digest: r.digest } : {}),
    ...(r.blocked !== undefined ? { blocked: r.blocked } : {}),
  };
}
