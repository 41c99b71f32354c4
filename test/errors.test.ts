// One error boundary: a coded error keeps its code from the daemon, through the client, to the CLI's
// exit status (USAGE → 2, everything else → 1); a request that fails its route's schema is USAGE.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../src/client/client.js';
import { main } from '../src/cli/main.js';
import { exitCodeFor, httpStatusFor, TRACE_ERROR_CODES, TraceError } from '../src/errors.js';
import { silentLogger } from '../src/log/logger.js';
import { tracePaths } from '../src/paths.js';
import { buildServer, type ServerDeps } from '../src/server/build.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-errors-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('error boundary', () => {
  it('maps USAGE to exit 2 and every other code to 1', () => {
    for (const code of TRACE_ERROR_CODES) expect(exitCodeFor(code)).toBe(code === 'USAGE' ? 2 : 1);
    expect(httpStatusFor('NOT_FOUND')).toBe(404);
    expect(httpStatusFor('CONFIG_INVALID')).toBe(422);
  });

  it('keeps the daemon code through the client, and answers schema failures with USAGE', async () => {
    const paths = tracePaths({ TRACE_HOME: path.join(tmp, 'home') });
    fs.mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
    const recorder = { drain: async () => 0 } as unknown as ServerDeps['recorder'];
    const app = buildServer({
      recorder, paths, log: silentLogger(), version: 'test', startedAt: new Date().toISOString(), requestShutdown: () => undefined,
      plugins: [
        (a) => a.get('/v1/test/config', async () => {
          throw new TraceError('CONFIG_INVALID', '.chainloop.yml: broken; fix it');
        }),
      ],
    } as ServerDeps);
    await app.listen({ path: paths.socket });
    const client = new DaemonClient(paths);
    try {
      const config = await client.call('GET', '/v1/test/config').catch((e: unknown) => e);
      expect(config).toBeInstanceOf(TraceError);
      expect((config as TraceError).code).toBe('CONFIG_INVALID');
      expect((config as TraceError).message).toBe('.chainloop.yml: broken; fix it');

      // export without its commits: fastify's validation, not a TypeError in the handler
      const missing = await client.call('GET', '/v1/export/agent-trace?repo=/x').catch((e: unknown) => e);
      expect((missing as TraceError).code).toBe('USAGE');
      expect((missing as TraceError).message).toMatch(/commits/);
      const body = await app.inject({ method: 'POST', url: '/v1/hooks/commit-msg', payload: { messageFile: 'x' } });
      expect(body.statusCode).toBe(400);
      expect(body.json()).toMatchObject({ code: 'USAGE' });
    } finally {
      await client.close();
      await app.close();
    }
  });

  it('main() turns a command usage error into exit 2 and a message', async () => {
    let err = '';
    const code = await main(['show', '--bogus-flag'], { cwd: tmp, env: { TRACE_HOME: path.join(tmp, 'h2') }, stdout: () => undefined, stderr: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/^trace show: /);
  });
});
