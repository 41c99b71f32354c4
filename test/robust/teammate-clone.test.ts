/**
 * Issue 11, nothing silently unattested: a teammate clones a traced repository (`.chainloop.yml` and
 * `.claude/settings.json` committed) and never runs `trace init`. The first agent event gets the git
 * hooks installed there by the daemon, exactly as init would (recorded for `trace uninstall`); the
 * teammate's first AI commit carries the trailer. After `trace uninstall` they stay away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isManagedHook } from '../../src/git/hooks-install.js';
import { until } from '../helpers/proc.js';
import { RepoPool } from '../helpers/repo.js';
import { addBareRemote } from '../push/helpers.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const ours = (repo: string, hook: string) => {
  const f = path.join(repo, '.git', 'hooks', hook);
  return fs.existsSync(f) && isManagedHook(fs.readFileSync(f, 'utf8'));
};

describe("a teammate's fresh clone", () => {
  it('gets its git hooks from the first agent event; the first AI commit carries the trailer', async () => {
    const lead = pool.create({ files: { 'README.md': '# r\n' } });
    const bare = addBareRemote(lead);
    const mate = pool.create({ init: false });
    mate.git('remote', 'add', 'origin', bare);
    mate.git('fetch', '-q', 'origin');
    mate.git('reset', '-q', '--hard', 'origin/main');
    // a hook of the teammate's own, which must keep running first
    fs.writeFileSync(path.join(mate.repo, '.git', 'hooks', 'commit-msg'), '#!/bin/sh\necho mine >> "$(git rev-parse --git-dir)/mine.log"\n', { mode: 0o755 });
    expect(fs.existsSync(path.join(mate.repo, '.git', 'chainloop-trace'))).toBe(false);

    const s = mate.session();
    s.start();
    s.prompt('write the greeting');
    await until('the git hooks', () => ours(mate.repo, 'prepare-commit-msg') && ours(mate.repo, 'commit-msg') && ours(mate.repo, 'post-commit') && ours(mate.repo, 'pre-push'), { timeoutMs: 30_000 });
    expect(fs.readFileSync(path.join(mate.repo, '.git', 'hooks', 'commit-msg.chainloop-backup'), 'utf8')).toContain('echo mine');
    // the daemon's log is written asynchronously: the line follows the hooks it reports
    await until('the daemon to log the install', () => /installed the git hooks in .*\.git\/hooks/.test(mate.daemonLog()), { timeoutMs: 10_000 });
    s.write('greet.js', 'export const greet = () => "hi";\n');
    s.stop();
    const sha = mate.commitAll('greeting');
    expect(mate.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(fs.readFileSync(path.join(mate.repo, '.git', 'mine.log'), 'utf8')).toBe('mine\n');
    expect(mate.show(sha).code_changes).toMatchObject({ ai_lines_added: 1, human_lines_added: 0 });

    // uninstall restores the teammate's hook, and the next agent event does not put ours back
    const u = mate.trace('uninstall', '--yes');
    expect(u.code, u.stderr).toBe(0);
    expect(fs.readFileSync(path.join(mate.repo, '.git', 'hooks', 'commit-msg'), 'utf8')).toContain('echo mine');
    mate.stopDaemon();
    const again = mate.session();
    again.start();
    again.prompt('more');
    expect(mate.trace('status').code).toBe(0); // starts the daemon
    await mate.drain(); // which has applied both events
    expect(ours(mate.repo, 'commit-msg')).toBe(false);
    expect(fs.existsSync(path.join(mate.repo, '.git', 'hooks', 'pre-push'))).toBe(false);
  }, 180_000);
});
