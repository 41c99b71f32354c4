/**
 * Issue 11, shell-made changes whatever the timing: a session that changes files only through its
 * shell (a heredoc, a generator, `sed -i`), committed at once or after a while, gets exact labels and
 * the trailer; with the daemon down while the shell commands ran (started afterwards by the commit),
 * the changes are reconstructed from the files' times inside each call's window, never silently
 * labelled human; a file changed meanwhile inside no tool call is labelled human with a warning in the
 * session's data. Claude Code 2.1.332's PreSkillShellCommand counts as a shell command.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/proc.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const BASE = { 'README.md': '# r\n', 'src/config.txt': 'mode=debug\nlevel=1\n' };

/** Every added line's label in a commit, per file: 'ai' or 'human'. */
function labels(t: TestRepo, sha: string): Record<string, { ai: number; human: number }> {
  const out: Record<string, { ai: number; human: number }> = {};
  for (const f of t.show(sha).code_changes.files) out[f.path] = { ai: f.ai_lines_added, human: f.human_lines_added };
  return out;
}

function shellSession(t: TestRepo, env: NodeJS.ProcessEnv = {}) {
  const s = t.session(undefined, env);
  s.start();
  s.prompt('generate the files');
  shellWork(s);
  s.stop();
  return s;
}

/** The three shell-made changes: a heredoc, a generator, `sed -i`. */
function shellWork(s: ReturnType<TestRepo['session']>): void {
  s.bash("cat > notes.md <<'EOF'\n# Notes\nfirst\nsecond\nEOF");
  s.bash("sh -c 'for i in 1 2 3 4; do echo \"export const v$i = $i;\"; done' > gen.js");
  s.bash("sed -i 's/mode=debug/mode=release/' src/config.txt");
}

const EXPECTED = { 'notes.md': { ai: 3, human: 0 }, 'gen.js': { ai: 4, human: 0 }, 'src/config.txt': { ai: 1, human: 0 } };

describe('a session that changes files only through its shell', { timeout: 180_000 }, () => {
  it('committed at once: exact labels and the trailer', () => {
    const t = pool.create({ files: BASE });
    expect(t.trace('daemon', 'start').code).toBe(0);
    const s = shellSession(t);
    const sha = t.commitAll('shell-made');
    expect(t.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(labels(t, sha)).toEqual(EXPECTED);
  });

  it('committed after a while: exact labels and the trailer', async () => {
    const t = pool.create({ files: BASE });
    expect(t.trace('daemon', 'start').code).toBe(0);
    const s = shellSession(t);
    await new Promise((r) => setTimeout(r, 2500)); // on purpose: the commit comes well after the shell window closed
    const sha = t.commitAll('shell-made, later');
    expect(t.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(labels(t, sha)).toEqual(EXPECTED);
  });

  it('with the watcher slow to come up (its git takes 1.5 s): what the shell changed meanwhile is the agent\'s', async () => {
    const t = pool.create({ files: BASE });
    // a loaded machine, made repeatable: the daemon's `git ls-files` (the watcher's ignored folders, read
    // before it watches) is slow, and says when it begins
    const bin = path.join(t.root, 'slow-git');
    const begun = path.join(t.root, 'watch-begun');
    fs.mkdirSync(bin);
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\ncase "$*" in *ls-files*--ignored*) : > '${begun}'; sleep 1.5 ;; esac\nexec ${realGit} "$@"\n`, { mode: 0o755 });
    t.env.PATH = `${bin}${path.delimiter}${t.env.PATH}`;
    expect(t.trace('daemon', 'start').code).toBe(0);
    const s = t.session();
    s.start();
    // the daemon has taken in the session's start and is bringing the watcher up: the shell works now
    await until('the watcher to begin coming up', () => fs.existsSync(begun), { timeoutMs: 30_000 });
    s.prompt('generate the files');
    shellWork(s);
    s.stop();
    const sha = t.commitAll('shell-made before the watcher was up');
    expect(t.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(labels(t, sha)).toEqual(EXPECTED);
  });

  it('with the daemon down during the session: reconstructed when it comes back', () => {
    const t = pool.create({ files: BASE });
    // no daemon while the agent works (the hooks do not start one); the commit's hooks start it
    const s = shellSession(t, { TRACE_AUTOSTART: '0' });
    expect(t.daemonPid()).toBeNull();
    t.write('human.txt', 'typed by a human\n');
    const sha = t.commitAll('shell-made while the daemon was down');
    expect(t.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(labels(t, sha)).toEqual({ ...EXPECTED, 'human.txt': { ai: 0, human: 1 } });
    // human.txt changed while nothing watched, inside no tool call: labelled human, and the session (its
    // CHAINLOOP_AI_CODING_SESSION data) says the truth cannot be known; the shell-made files are explained
    const data = t.json<{ warnings?: string[] }>('session', 'show', s.sessionId, '--json');
    const unsure = (data.warnings ?? []).filter((w) => w.includes('not watching'));
    expect(unsure).toHaveLength(1);
    expect(unsure[0]).toMatch(/^human\.txt changed while ai-trace was not watching the work tree \(the daemon was down or behind, \S+ to \S+\) and inside no recorded tool call: labelled human, though an agent may have made the change$/);
  });

  it("a skill's inline shell command (PreSkillShellCommand) counts as the agent's", () => {
    const t = pool.create({ files: BASE });
    expect(t.trace('daemon', 'start').code).toBe(0);
    const s = t.session();
    s.start();
    s.fire('PreSkillShellCommand', { tool_name: 'Bash', tool_input: { command: 'echo skill > skill.txt' }, command_name: 'gen', command_source: 'skill', invoked_by: 'skill' });
    t.sh('echo made by a skill > skill.txt');
    s.stop();
    const sha = t.commitAll('skill-made');
    expect(t.trailers(sha)).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(labels(t, sha)).toEqual({ 'skill.txt': { ai: 1, human: 0 } });
  });
});
