/**
 * Issue 3, "Must show": with `requireTrace: true` and an unreachable destination, `git push` fails
 * with a one-line reason; with it off, the push succeeds and the job waits in the queue.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';
import {
  addBareRemote,
  bundleJson,
  checkBundle,
  closedPort,
  configure,
  FAST_RETRY,
  gitAsync,
  humanCommit,
  startReceiver,
  status,
  tracedCommit,
  waitForPushes,
} from './helpers.js';

// pushes that wait on their delivery's verdict: minutes on a loaded 2-core machine, seconds otherwise
describe('requireTrace', { timeout: 240_000 }, () => {
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  it('on: an unreachable destination fails the push with a one-line reason; human-only pushes pass', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/attestations`;
    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    Object.assign(t.env, FAST_RETRY);
    const bare = addBareRemote(t);
    configure(t, `requireTrace: true\ndestinations:\n  - type: http\n    url: ${url}\n    tokenEnv: TRACE_TOKEN\n`);
    const pushEnv = { ...t.env, TRACE_TOKEN: 'tok-enforced' }; // exported only where the user pushes
    t.git('push', '-q', 'origin', 'main');
    const remoteMain = () => t.gitIn(bare, ['rev-parse', 'main']).trim();
    const before = remoteMain();

    const traced = tracedCommit(t, 'src/x.js', 'export const x = 1;\n');
    const blocked = () => {
      const r = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: t.repo, env: pushEnv, encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(remoteMain()).toBe(before); // git did not push
      const ours = r.stderr.split('\n').filter((l) => l.includes('ai-trace'));
      expect(ours, r.stderr).toHaveLength(1);
      expect(ours[0]).toMatch(/^ai-trace: push blocked \(requireTrace: true\): /);
      expect(ours[0]).toContain(`127.0.0.1:${port}`);
      expect(ours[0]).toMatch(/unreachable/);
      expect(ours[0]).toMatch(/ECONNREFUSED|connect/);
      expect(ours[0]).toMatch(/trace status|push again/); // what to do
    };
    blocked();
    blocked(); // pushing again while it is still unreachable is blocked too

    // the attestation was built and stays queued for when the destination is back
    const [job] = status(t).pushes;
    expect(job).toMatchObject({ commits: [traced.sha], destination: url });
    expect(job!.attempts).toBeGreaterThanOrEqual(1);
    checkBundle(bundleJson(t, traced.sha), [traced], [traced.sha]);

    // a human-only branch still pushes under enforcement, adding no job
    t.git('checkout', '-q', '-b', 'docs', before);
    humanCommit(t, 'docs.md', 'by hand\n');
    t.git('push', '-q', 'origin', 'docs');
    expect(t.gitIn(bare, ['rev-parse', 'docs']).trim()).toBe(t.head());
    expect(status(t).pushes).toHaveLength(1);

    // once the destination answers, pushing again delivers the queued attestation and goes through
    const rx = await startReceiver(() => ({ status: 201 }), port);
    try {
      t.git('checkout', '-q', 'main');
      const r = await gitAsync(t, ['push', '-q', 'origin', 'main'], pushEnv); // async: the receiver lives in this process
      expect(r.code, r.stderr).toBe(0);
      expect(remoteMain()).toBe(traced.sha);
      expect(rx.requests).toHaveLength(1);
      expect(rx.requests[0]!.headers.authorization).toBe('Bearer tok-enforced');
      expect(status(t).pushes).toEqual([expect.objectContaining({ id: job!.id, state: 'delivered', commits: [traced.sha] })]);
      checkBundle(rx.requests[0]!.body, [traced], [traced.sha]);
    } finally {
      await rx.close();
    }
  });

  it('the git hook reads the settings file init wrote; after an edit of .chainloop.yml it is stale, written anew, never trusted', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/attestations`;
    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    Object.assign(t.env, FAST_RETRY);
    const settings = path.join(t.repo, '.git/chainloop-trace/settings');
    const read = () => fs.readFileSync(settings, 'utf8');
    expect(read()).toContain(`\nsource ${path.join(t.repo, '.chainloop.yml')}\nuser_config ${path.join(t.traceHome, 'config.yml')}\n`);
    expect(read()).toMatch(/\nconfig ok\nrequire_trace 0\ngates 0\n/);
    const bare = addBareRemote(t);
    const log = () => fs.readFileSync(path.join(t.repo, '.git/chainloop-trace/log.txt'), 'utf8');
    const rewrites = () => log().split('\n').filter((l) => / git pre-push settings rewritten$/.test(l)).length;

    // on: the edited config is newer than the file, so the hook has node write it again before it decides
    // (the agent's work comes first: the daemon also refreshes the file when it sees agent events)
    tracedCommit(t, 'src/a.js', 'export const a = 1;\n');
    configure(t, `requireTrace: true\ndestinations:\n  - type: http\n    url: ${url}\n`);
    const blocked = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: t.repo, env: t.env, encoding: 'utf8' });
    expect(blocked.status, blocked.stderr).not.toBe(0);
    expect(blocked.stderr).toMatch(/^ai-trace: push blocked \(requireTrace: true\): /m);
    expect(read()).toMatch(/\nconfig ok\nrequire_trace 1\n/);
    expect(rewrites()).toBe(1);

    // off again (a comment saying true): the push goes through and the job waits in the queue
    const yml = path.join(t.repo, '.chainloop.yml');
    fs.writeFileSync(yml, fs.readFileSync(yml, 'utf8').replace('requireTrace: true', 'requireTrace: false # true blocks the push'));
    t.git('commit', '-q', '-am', 'requireTrace off');
    const ok = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: t.repo, env: t.env, encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(t.gitIn(bare, ['rev-parse', 'main']).trim()).toBe(t.head());
    expect(read()).toMatch(/\nrequire_trace 0\n/);
    expect(rewrites()).toBe(2);

    // a config that does not load but still plainly asks for requireTrace: enforced, the push fails with its error
    tracedCommit(t, 'src/b.js', 'export const b = 1;\n');
    fs.writeFileSync(yml, 'projectName: [unclosed\nrequireTrace: true\n');
    t.git('commit', '-q', '-am', 'broken config');
    const broken = spawnSync('git', ['push', '-q', 'origin', 'main'], { cwd: t.repo, env: t.env, encoding: 'utf8' });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/^ai-trace: push blocked \(\.chainloop\.yml is invalid\): .*invalid YAML/m);
    expect(read()).toMatch(/\nconfig invalid\nrequire_trace 1\n/);
    expect(rewrites()).toBe(3);
  });

  it('off: the push succeeds and the job waits in the queue', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/attestations`;
    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    // the next attempt is far away, so the job is still waiting when `trace status` is read
    Object.assign(t.env, { TRACE_RETRY_BASE_MS: '600000', TRACE_RETRY_MAX_MS: '600000' });
    const bare = addBareRemote(t);
    configure(t, `requireTrace: false # true blocks the push\ndestinations:\n  - type: http\n    url: ${url}\n`);
    const traced = tracedCommit(t, 'src/y.js', 'export const y = 2;\n');
    t.git('push', '-q', 'origin', 'main');
    expect(t.gitIn(bare, ['rev-parse', 'main']).trim()).toBe(traced.sha);
    const [job] = await waitForPushes(t, (p) => p.length === 1 && p[0]!.state === 'queued' && p[0]!.attempts >= 1 && p[0]!.last_error !== null);
    expect(job).toMatchObject({ commits: [traced.sha], destination: url });
    expect(job!.last_error).toMatch(/ECONNREFUSED|connect/);
    expect(job!.next_attempt_at).not.toBeNull();
    const human = t.trace('status').stdout;
    expect(human).toMatch(new RegExp(`^${job!.id} +queued +${url.replace(/[.]/g, '\\.')}`, 'm'));
    checkBundle(bundleJson(t, traced.sha), [traced], [traced.sha]);
  });
});
