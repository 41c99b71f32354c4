import type { FastifyInstance } from 'fastify';
import { agentTraceRecord } from '../../query/agent-trace.js';
import { exportQuery, exportReply, replies } from '../../protocol/schemas.js';
import type { ExportQuery, ExportResponse } from '../../protocol/types.js';
import type { ServerDeps } from '../build.js';

export function exportRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get<{ Querystring: ExportQuery }>('/v1/export/agent-trace', { schema: { querystring: exportQuery, response: replies(exportReply) } }, async (req): Promise<ExportResponse> => {
    await deps.recorder.drain();
    const out: ExportResponse = [];
    for (const sha of req.query.commits.split(',').filter(Boolean)) out.push(await agentTraceRecord(deps.recorder, req.query.repo, sha));
    return out;
  });
}
