/**
 * One destinations model: `.chainloop.yml` and `$TRACE_HOME/config.yml` go through the same schema
 * (src/deliver/schema.ts), so they keep the same keys, fill the same defaults and refuse the same
 * mistakes, each error naming its file, the key and what to write.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../../src/config/chainloop.js';
import { loadUserConfig } from '../../src/config/user.js';
import { bundleDigest } from '../../src/attest/digest.js';
import { destinationFromConfig } from '../../src/deliver/factory.js';
import { planDestinations } from '../../src/deliver/plan.js';
import type { DestinationConfig } from '../../src/deliver/schema.js';
import { TraceError } from '../../src/errors.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-destinations-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let n = 0;
/** The same `destinations:` text as a repository config and as a user config. */
function bothConfigs(destinationsYaml: string): { repoDir: string; home: string } {
  const repoDir = path.join(root, `repo-${++n}`);
  const home = path.join(root, `home-${n}`);
  fs.mkdirSync(repoDir);
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(repoDir, '.chainloop.yml'), `projectName: p\n${destinationsYaml}`);
  fs.writeFileSync(path.join(home, 'config.yml'), destinationsYaml);
  return { repoDir, home };
}

function errorOf(fn: () => unknown): TraceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).code).toBe('CONFIG_INVALID');
    return err as TraceError;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('destinations in the repository and the user config', () => {
  it('read alike: the same entries, the same defaults (type git), timeoutMs kept', () => {
    const { repoDir, home } = bothConfigs(
      'destinations:\n  - remote: backup\n  - type: git\n    ref: refs/chainloop-trace/attestations\n  - type: http\n    url: https://x.example/attestations\n    tokenEnv: TOK\n    timeoutMs: 2500\n',
    );
    const expected: DestinationConfig[] = [
      { type: 'git', remote: 'backup' },
      { type: 'git' },
      { type: 'http', url: 'https://x.example/attestations', tokenEnv: 'TOK', timeoutMs: 2500 },
    ];
    expect(loadRepoConfig(repoDir)!.destinations).toEqual(expected);
    expect(loadUserConfig(home).destinations).toEqual(expected);
    // no destinations in either: the same default, the pushed remote
    const none = bothConfigs('');
    expect(loadRepoConfig(none.repoDir)!.destinations).toBeUndefined();
    expect(loadUserConfig(none.home).destinations).toBeUndefined();
    expect(planDestinations(undefined, 'origin')).toEqual([{ config: { type: 'git', remote: 'origin' }, label: 'git:origin' }]);
  });

  it('refuses a ref attestations would never be read from, in both files, naming file and key', () => {
    const { repoDir, home } = bothConfigs('destinations:\n  - type: git\n    ref: refs/notes/x\n');
    expect(errorOf(() => loadRepoConfig(repoDir)).message).toBe(
      '.chainloop.yml: destinations[0].ref: attestations always go to refs/chainloop-trace/attestations; remove ref (got "refs/notes/x"); fix it or run trace init again',
    );
    expect(errorOf(() => loadUserConfig(home)).message).toBe(
      `${path.join(home, 'config.yml')}: destinations[0].ref: attestations always go to refs/chainloop-trace/attestations; remove ref (got "refs/notes/x"); fix it or remove it`,
    );
  });

  it.each([
    ['  - type: http\n', 'destinations[0].url is required for type http, e.g. url: https://trace.example.com/attestations'],
    ['  - type: http\n    url: ftp://x\n', 'destinations[0].url must be an http:// or https:// URL, e.g. url: https://trace.example.com/attestations (got "ftp://x")'],
    ['  - type: http\n    url: https://x\n    timeoutMs: "10s"\n', 'destinations[0].timeoutMs must be a positive number of milliseconds, e.g. timeoutMs: 10000 (got "10s")'],
    ['  - type: http\n    url: https://x\n    tokenEnv: my token\n', 'destinations[0].tokenEnv must be an environment variable name, e.g. tokenEnv: TRACE_TOKEN (got "my token")'],
    ['  - type: git\n  - type: http\n    url: https://x\n    tokenenv: TOK\n', 'destinations[1].tokenenv is not a key of a http destination (it takes type, url, tokenEnv, token, timeoutMs); remove it'],
    ['  - remote: ""\n', 'destinations[0].remote must be a remote name, e.g. remote: origin (got "")'],
    ['  - type: s3\n', "destinations[0].type 's3' is unknown; use git or http"],
    ['  - git\n', 'destinations[0] must be a mapping, e.g. - type: git'],
    ['  {}\n', '`destinations` must be a list, e.g. destinations: [{type: git}]'],
    [' []\n', '`destinations` is empty; remove it to use the git remote, or list at least one'],
  ])('says which file and key are wrong and what to write: %j', (entries, problem) => {
    const { repoDir, home } = bothConfigs(`destinations:\n${entries}`);
    expect(errorOf(() => loadRepoConfig(repoDir)).message).toBe(`.chainloop.yml: ${problem}; fix it or run trace init again`);
    expect(errorOf(() => loadUserConfig(home)).message).toBe(`${path.join(home, 'config.yml')}: ${problem}; fix it or remove it`);
  });

  it('delivers with the timeoutMs of either config: a receiver that never answers is given up on in time', async () => {
    const hanging = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/attestations`;
    try {
      const { repoDir, home } = bothConfigs(`destinations:\n  - type: http\n    url: ${url}\n    timeoutMs: 150\n`);
      const bundleJson = JSON.stringify({ dsseEnvelope: { payload: 'x' } });
      const item = { bundleJson, digest: bundleDigest(bundleJson), commits: [], publicKeyPem: '', keyFingerprint: '', repo: repoDir, remote: 'origin' };
      for (const destinations of [loadRepoConfig(repoDir)!.destinations, loadUserConfig(home).destinations]) {
        const [planned] = planDestinations(destinations, 'origin');
        const dest = destinationFromConfig(planned!.config, { env: {}, repo: repoDir, remote: 'origin' });
        // the default is 10 s per phase: this answer comes from the 150 ms in the file
        const started = Date.now();
        const outcome = await dest.deliver(item);
        expect(outcome).toEqual({ kind: 'retry', reason: expect.stringMatching(/time(d )?out/i) });
        expect(Date.now() - started).toBeLessThan(5_000);
      }
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });
});

describe('the user config file itself', () => {
  it('is refused, not read, when something other than a regular file stands in its place (a FIFO would block)', async () => {
    const home = path.join(root, 'fifo-home');
    fs.mkdirSync(home);
    const { execa } = await import('execa');
    await execa('mkfifo', [path.join(home, 'config.yml')]);
    expect(errorOf(() => loadUserConfig(home)).message).toBe(
      `${path.join(home, 'config.yml')}: cannot be read (a named pipe, not a regular file); fix it or remove it`,
    );
    expect(loadUserConfig(path.join(root, 'no-such-home'))).toEqual({});
  });
});
