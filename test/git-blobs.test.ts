/**
 * Blobs of what is being committed: read from the work tree when the file's git hash is the blob's id,
 * from git otherwise (partial staging, a symlink, a file gone), and the same bytes either way.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffFiles } from '../src/git/diff.js';
import { readBlobsPreferWorkTree } from '../src/git/run.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('readBlobsPreferWorkTree', () => {
  it('gives the staged bytes, from the work tree only where they are the same', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-blobs-'));
    dirs.push(repo);
    git(repo, 'init', '-q');
    git(repo, 'config', 'user.email', 'a@b');
    git(repo, 'config', 'user.name', 'a');
    fs.writeFileSync(path.join(repo, 'base.txt'), 'base\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    fs.writeFileSync(path.join(repo, 'whole.txt'), 'staged whole\n');
    fs.writeFileSync(path.join(repo, 'partial.txt'), 'staged\n');
    fs.writeFileSync(path.join(repo, 'gone.txt'), 'staged, then removed from the work tree\n');
    fs.symlinkSync('whole.txt', path.join(repo, 'link'));
    git(repo, 'add', '-A');
    fs.appendFileSync(path.join(repo, 'partial.txt'), 'not staged\n');
    fs.rmSync(path.join(repo, 'gone.txt'));
    fs.rmSync(path.join(repo, 'base.txt')); // staged deletion
    git(repo, 'rm', '-q', '--cached', 'base.txt');

    const diffs = await diffFiles(repo, git(repo, 'rev-parse', 'HEAD').trim(), { index: true });
    expect(diffs.map((d) => [d.path, d.status, d.newOid.length])).toEqual([
      ['base.txt', 'deleted', 40], ['gone.txt', 'created', 40], ['link', 'created', 40], ['partial.txt', 'created', 40], ['whole.txt', 'created', 40],
    ]);
    const blobs = await readBlobsPreferWorkTree(repo, diffs.map((d) => d.path), diffs.map((d) => d.newOid), diffs.map((d) => `:${d.path}`));
    expect(blobs.map((b) => b?.toString())).toEqual([undefined, 'staged, then removed from the work tree\n', 'whole.txt', 'staged\n', 'staged whole\n']);
  });
});
