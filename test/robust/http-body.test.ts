/**
 * Issue 11, bounded HTTP answers: a receiver that answers 201 and then streams a body without end is
 * read only up to the cap (the daemon's memory stays small), and the push is not recorded as
 * delivered; the next attempt, once the receiver answers properly, delivers it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RepoPool } from '../helpers/repo.js';
import { peakRss } from './proc.js';
import { addBareRemote, configure, FAST_RETRY, tracedCommit, waitForPushes } from '../push/helpers.js';

describe('HTTP delivery with an answer that never ends', () => {
  const pool = new RepoPool();
  const servers: http.Server[] = [];
  afterEach(async () => {
    pool.cleanupAll();
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('reads at most the cap, does not record the push as delivered, and delivers on the next attempt', async () => {
    let requests = 0;
    let streamed = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (++requests > 1) {
          res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        // 201, then a body that only ends when the client goes away
        res.writeHead(201, { 'content-type': 'application/json' });
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) streamed += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/attestations`;

    const t = pool.create({ files: { 'README.md': '# demo\n' } });
    // the first retry comes after the endless answer has been given up on, well within the test
    Object.assign(t.env, FAST_RETRY);
    addBareRemote(t);
    configure(t, `destinations:\n  - type: http\n    url: ${url}\n`);
    const traced = tracedCommit(t, 'src/app.js', 'export const app = () => 1;\n');
    t.sh('git push -q origin main');

    const pushes = await waitForPushes(t, (p) => p.length === 1 && p[0]!.state === 'delivered', 30_000);
    expect(pushes[0]).toMatchObject({ state: 'delivered', commits: [traced.sha] });
    expect(pushes[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(requests).toBeGreaterThanOrEqual(2);
    // the first attempt was refused for its endless answer, and said so
    expect(t.daemonLog()).toMatch(/HTTP 201, but the answer is longer than 65536 bytes/);
    // the daemon read a small part of what the receiver sent, and stayed small
    const pid = t.daemonPid()!;
    expect(peakRss(pid)).toBeLessThan(300 * 1024 * 1024);
  });
});
