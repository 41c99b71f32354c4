/**
 * One git layer: the one runner and `cat-file` reader (src/git/run.ts), the attestation ref's readers
 * on top of it (src/git/attestations.ts), and the one helper for the per-repository state paths
 * (src/paths.ts repoStatePaths), in main and linked work trees.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleDigest } from '../../src/attest/digest.js';
import { GitRefDestination } from '../../src/deliver/git-ref.js';
import { TraceError } from '../../src/errors.js';
import { bundlesForCommit, readAttestations } from '../../src/git/attestations.js';
import { hookLog } from '../../src/git/hook-log.js';
import { gitDirs, readObjects } from '../../src/git/run.js';
import { repoStatePaths } from '../../src/paths.js';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-git-layer-')));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const gitEnv: NodeJS.ProcessEnv = { ...process.env, HOME: root, GIT_CONFIG_NOSYSTEM: '1', XDG_CONFIG_HOME: root };

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: gitEnv, extendEnv: false })).stdout.trim();
}

/** A repository with one commit holding `a.txt` and `dir/b.txt`. */
async function repo(name: string): Promise<string> {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'dir'), { recursive: true });
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'config', 'user.name', 't');
  await git(dir, 'config', 'user.email', 't@example.com');
  fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
  fs.writeFileSync(path.join(dir, 'dir', 'b.txt'), 'b\n');
  await git(dir, 'add', '-A');
  await git(dir, 'commit', '-q', '-m', 'one');
  return dir;
}

describe('per-repository state paths', () => {
  it('live in the common git dir, per work tree files keyed like the shim keys them', async () => {
    const main = await repo('state');
    const linked = path.join(root, 'state-wt');
    await git(main, 'worktree', 'add', '-q', linked);
    const common = path.join(main, '.git');

    const m = await gitDirs(main);
    const l = await gitDirs(path.join(linked, 'dir'));
    expect(m).toEqual({ gitDir: common, commonDir: common });
    expect(l).toEqual({ gitDir: path.join(common, 'worktrees', 'state-wt'), commonDir: common });
    expect(await gitDirs(root)).toBeNull();

    const state = repoStatePaths(l!.commonDir);
    expect(state).toMatchObject({
      dir: path.join(common, 'chainloop-trace'),
      log: path.join(common, 'chainloop-trace', 'log.txt'),
      manifest: path.join(common, 'chainloop-trace', 'install.json'),
      ownHooks: path.join(common, 'chainloop-trace', 'hooks'),
      lastCommit: path.join(common, 'chainloop-trace', 'last-commit'),
      lost: path.join(common, 'chainloop-trace', 'lost'),
    });
    expect(state.marker('unpushed')).toBe(path.join(common, 'chainloop-trace', 'unpushed'));
    // shims/git-hook.sh: "$trace_dir/answer.${trace_wd##*/}", trace_wd being the work tree's git dir
    expect(state.answer(m!.gitDir)).toBe(path.join(common, 'chainloop-trace', 'answer..git'));
    expect(state.answer(l!.gitDir)).toBe(path.join(common, 'chainloop-trace', 'answer.state-wt'));
    expect(state.carry(l!.gitDir)).toBe(path.join(common, 'chainloop-trace', 'carry.state-wt'));

    // the hook log of a linked work tree is the repository's one, once trace init made the folder
    await hookLog(linked, 'before init');
    expect(fs.existsSync(state.log)).toBe(false);
    fs.mkdirSync(state.dir);
    await hookLog(linked, 'git  post-commit');
    expect(fs.readFileSync(state.log, 'utf8')).toMatch(/^\d+ git post-commit\n$/);
  });
});

describe('the one cat-file reader', () => {
  it('reads blobs by id and by rev:path in order; missing, capped and (if asked) non-blob objects as null', async () => {
    const dir = await repo('cat');
    const blobA = await git(dir, 'rev-parse', 'HEAD:a.txt');
    const specs = ['HEAD:dir/b.txt', blobA, 'HEAD:nope.txt', 'HEAD:dir'];
    const [b, a, missing, tree] = await readObjects(dir, specs);
    expect([b?.toString(), a?.toString(), missing]).toEqual(['b\n', 'a\n', null]);
    expect(tree).not.toBeNull(); // any object's bytes by default, as the attribution readers always had
    expect(await readObjects(dir, specs, { blobsOnly: true })).toEqual([Buffer.from('b\n'), Buffer.from('a\n'), null, null]);
    expect(await readObjects(dir, specs, { maxBytes: 1 })).toEqual([null, null, null, null]);
  });

  it('reads a failed git as missing, or throws GIT_FAILED when strict (the writer must not take it for an empty ref)', async () => {
    const gone = path.join(root, 'no-such-repo');
    expect(await readObjects(gone, ['HEAD:a.txt'])).toEqual([null]);
    const err = await readObjects(gone, ['HEAD:a.txt'], { strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TraceError);
    expect((err as TraceError).code).toBe('GIT_FAILED');
    expect((err as TraceError).message).toContain(`git cat-file --batch failed in ${gone}`);
  });
});

describe('attestation ref readers on the shared runner', () => {
  it('read back a bundle larger than the snapshot cap that the writer delivered', async () => {
    const dir = await repo('ref');
    const bare = path.join(root, 'ref-remote.git');
    await git(root, 'init', '-q', '--bare', bare);
    await git(dir, 'remote', 'add', 'origin', bare);
    const commit = await git(dir, 'rev-parse', 'HEAD');
    const bundleJson = JSON.stringify({ dsseEnvelope: { payload: randomBytes(4096).toString('base64') } });
    const dest = new GitRefDestination({ env: gitEnv });
    const item = { bundleJson, digest: bundleDigest(bundleJson), commits: [commit], publicKeyPem: '', keyFingerprint: '', repo: dir, remote: 'origin' };
    expect(await dest.deliver(item)).toEqual({ kind: 'delivered' });

    const saved = process.env.TRACE_MAX_SNAPSHOT_BYTES;
    process.env.TRACE_MAX_SNAPSHOT_BYTES = '1024'; // snapshots are capped; bundles are not
    try {
      expect(await readAttestations(dir, { env: gitEnv })).toEqual([{ digest: item.digest, bundleJson }]);
      expect(await bundlesForCommit(dir, 'HEAD', { env: gitEnv })).toEqual([{ digest: item.digest, bundleJson }]);
    } finally {
      if (saved === undefined) delete process.env.TRACE_MAX_SNAPSHOT_BYTES;
      else process.env.TRACE_MAX_SNAPSHOT_BYTES = saved;
    }
    // delivering it again finds it on the ref (read through the same reader) and writes nothing
    const before = await git(bare, 'rev-parse', 'refs/chainloop-trace/attestations');
    expect(await dest.deliver(item)).toEqual({ kind: 'delivered' });
    expect(await git(bare, 'rev-parse', 'refs/chainloop-trace/attestations')).toBe(before);
  });
});
