// One error boundary: a coded error keeps its code from the daemon, through the client, to the CLI's
// exit status (USAGE → 2, everything else → 1); a request that fails its route's schema is USAGE.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../src/client/client.js';
import type { CliContext } from '../src/cli/context.js';
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
      expect((missing as TraceError).message).toBe("invalid request to GET /v1/export/agent-trace: querystring must have required property 'commits'");
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

/** A CLI context writing into strings, with git kept away from the machine's config. */
function cli(cwd: string, home: string): { ctx: CliContext; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const env = { PATH: process.env.PATH, HOME: tmp, TRACE_HOME: home, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: tmp };
  return { ctx: { cwd, env, stdout: (t) => (out += t), stderr: (t) => (err += t) }, out: () => out, err: () => err };
}

describe('commands throw; main.ts alone prints and picks the exit status', () => {
  it('init: a usage error exits 2 with the reason and the form; outside a repository exits 1', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'not-a-repo-'));
    const bogus = cli(dir, path.join(tmp, 'h-init'));
    expect(await main(['init', '--bogus'], bogus.ctx)).toBe(2);
    expect(bogus.err()).toMatch(/^trace init: Unknown option '--bogus'.*\nusage: trace init \[--project P\] .*\[--dry-run\]\n$/);
    const empty = cli(dir, path.join(tmp, 'h-init'));
    expect(await main(['init', '--project', ' '], empty.ctx)).toBe(2);
    expect(empty.err()).toMatch(/^trace init: --project needs a value\nusage: trace init /);
    const outside = cli(dir, path.join(tmp, 'h-init'));
    expect(await main(['init'], outside.ctx)).toBe(1);
    expect(outside.err()).toBe('trace init: not a git repository: run trace init inside one\n');
    expect(outside.out()).toBe('');
  });

  it('uninstall: not installed exits 1 (NOT_INITIALIZED), an unknown option exits 2 with the form', async () => {
    const repo = fs.mkdtempSync(path.join(tmp, 'repo-'));
    await execa('git', ['init', '-q', repo]);
    const never = cli(repo, path.join(tmp, 'h-un'));
    expect(await main(['uninstall', '--yes'], never.ctx)).toBe(1);
    expect(never.err()).toBe('trace uninstall: ai-trace is not installed in this repository (no .git/chainloop-trace/install.json); nothing to uninstall\n');
    const bad = cli(repo, path.join(tmp, 'h-un'));
    expect(await main(['uninstall', '--force'], bad.ctx)).toBe(2);
    expect(bad.err()).toMatch(/^trace uninstall: Unknown option '--force'.*\nusage: trace uninstall \[--yes\]\n$/);
  });

  it('key: usage errors exit 2 with the form, a key that cannot be created exits 1', async () => {
    const none = cli(tmp, path.join(tmp, 'h-key'));
    expect(await main(['key'], none.ctx)).toBe(2);
    expect(none.err()).toBe('trace key: usage: trace key show [--fingerprint]\n');
    const rotate = cli(tmp, path.join(tmp, 'h-key'));
    expect(await main(['key', 'rotate'], rotate.ctx)).toBe(2);
    expect(rotate.err()).toBe('trace key: unknown argument "rotate"\nusage: trace key show [--fingerprint]\n');
    const blocker = path.join(tmp, 'key-blocker');
    fs.writeFileSync(blocker, '');
    const blocked = cli(tmp, blocker);
    expect(await main(['key', 'show'], blocked.ctx)).toBe(1);
    expect(blocked.err()).toMatch(/^trace key: cannot create key directory /);
  });

  it("a request the daemon's schema refuses is USAGE: the CLI exits 2 with what was wrong", async () => {
    // outside a repository `trace attestation show REF` sends REF as is; the real daemon's query schema wants a commit id
    const home = path.join(tmp, 'h-daemon');
    const dir = fs.mkdtempSync(path.join(tmp, 'plain-'));
    const run = cli(dir, home);
    try {
      expect(await main(['attestation', 'show', 'not-a-commit'], run.ctx)).toBe(2);
      expect(run.err()).toBe('trace attestation: invalid request to GET /v1/attestations: querystring/commit must match pattern "^[0-9a-fA-F]{4,64}$"\n');
      expect(run.out()).toBe('');
    } finally {
      await main(['daemon', 'stop'], cli(dir, home).ctx);
    }
  });
});

describe('reply schemas', () => {
  const paths = tracePaths({ TRACE_HOME: path.join(tmp, 'reply-home') });
  const deps = (over: Partial<ServerDeps>): ServerDeps =>
    ({ recorder: { drain: async () => 0, sessions: { list: () => [] } }, paths, log: silentLogger(), version: 'test', startedAt: 'now', requestShutdown: () => undefined, ...over }) as unknown as ServerDeps;

  it('a reply missing a required field is refused (500 INTERNAL), never sent half', async () => {
    const app = buildServer(deps({ recorder: { drain: async () => undefined } as unknown as ServerDeps['recorder'] }));
    try {
      const r = await app.inject({ method: 'POST', url: '/v1/drain' });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ error: expect.stringMatching(/ingested.*required/), code: 'INTERNAL' });
    } finally {
      await app.close();
    }
  });

  it('a reply carries exactly the protocol fields: an extra one stays in the daemon', async () => {
    const row = { id: 7, repo: '/r', remote: 'origin', destination: 'git refs/chainloop-trace/attestations', state: 'queued', attempts: 1, next_attempt_at: null, last_error: 'HTTP 503', attestation_digest: 'sha256:ab', commits: ['abc'] };
    const app = buildServer(deps({ pushes: () => [{ ...row, bundleJson: '{"secret":1}' } as never], warnings: async () => [{ code: 'DISK_FULL', message: 'm', fix: 'f', extra: 1 } as never] }));
    try {
      const r = await app.inject({ method: 'GET', url: '/v1/status' });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.pushes).toEqual([row]);
      expect(body.warnings).toEqual([{ code: 'DISK_FULL', message: 'm', fix: 'f' }]);
      expect(Object.keys(body).sort()).toEqual(['daemon', 'pushes', 'sessions', 'spool', 'warnings']);
      expect(body.daemon).toEqual({ running: true, pid: process.pid, version: 'test' });
    } finally {
      await app.close();
    }
  });
});
