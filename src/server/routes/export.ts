import type { FastifyInstance } from 'fastify';
import { agentTraceRecord, type AgentTraceRecord } from '../../query/agent-trace.js';
import type { ServerDeps } from '../build.js';
import { exportQuery } from '../schemas.js';

export function exportRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: { repo: string; commits: string } }>('/v1/export/agent-trace', { schema: { querystring: exportQuery } }, async (req): Promise<AgentTraceRecord[]> => {
    await deps.recorder.drain();
    const out: AgentTraceRecord[] = [];
    for (const sha of req.query.commits.split(',').filter(Boolean)) out.push(await agentTraceRecord(deps.recorder, req.query.repo, sha));
    return out;
  });
}
