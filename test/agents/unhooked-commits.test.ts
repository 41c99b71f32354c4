/**
 * Commits an agent's shell made with git hooks off (Gemini CLI empties core.hooksPath): found in HEAD's
 * reflog after the shell call, recorded afterwards, and said in a warning when they carry no trailer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { commitsInWindow, recordUnhookedCommits } from '../../src/capture/unhooked-commits.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function repo(): Promise<{ top: string; commit: (msg: string) => Promise<string> }> {
  const top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'unhooked-')));
  dirs.push(top);
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const git = async (...args: string[]) => (await execa('git', args, { cwd: top, env })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'T');
  await git('config', 'user.email', 't@example.com');
  let n = 0;
  const commit = async (msg: string) => {
    fs.writeFileSync(path.join(top, `f${n++}.txt`), `${n}\n`);
    await git('add', '-A');
    // as Gemini's shell runs it: core.hooksPath emptied through GIT_CONFIG_COUNT
    await execa('git', ['commit', '-q', '-m', msg], { cwd: top, env: { ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '' } });
    return git('rev-parse', 'HEAD');
  };
  return { top, commit };
}

describe('commits made without git hooks', () => {
  it('are found in the reflog within the shell call, recorded, and warned about when they carry no trailer', async () => {
    const { top, commit } = await repo();
    const before = await commit('before the call');
    const start = Date.now();
    const a = await commit('by the agent');
    const b = await commit('by the agent too\n\nChainloop-Trace-Sessions: s1');
    const end = Date.now();
    expect((await commitsInWindow(top, start, end)).map((c) => c.sha)).toEqual(expect.arrayContaining([a, b]));

    const recorded: string[] = [];
    const deps = {
      commits: { get: (sha: string) => (sha === before ? ({ sha } as never) : undefined) },
      recordCommit: async (_repo: string, sha: string) => {
        recorded.push(sha);
        return { sessions: ['s1'] };
      },
    };
    const note = await recordUnhookedCommits(deps, top, start, end);
    expect(recorded).toEqual(expect.arrayContaining([a, b]));
    expect(note).toContain(`commit ${a.slice(0, 12)} was made in the agent's shell without git hooks`);
    expect(note).not.toContain(b.slice(0, 12));
  });

  it('reads nothing when HEAD did not move during the call, and records nothing already known', async () => {
    const { top, commit } = await repo();
    const sha = await commit('earlier');
    const recorded: string[] = [];
    const deps = { commits: { get: () => ({ sha }) as never }, recordCommit: async (_r: string, s: string) => (recorded.push(s), { sessions: ['s1'] }) };
    expect(await recordUnhookedCommits(deps, top, Date.now() + 5000, Date.now() + 6000)).toBeUndefined();
    expect(await recordUnhookedCommits(deps, top, Date.now() - 60_000, Date.now())).toBeUndefined();
    expect(recorded).toEqual([]);
  });
});
