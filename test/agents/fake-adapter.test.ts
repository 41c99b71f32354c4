// Adding an agent touches one folder and one line of wiring: a copy of the package gets a fake agent
// (`src/agents/fake/` + one line in `src/agents/adapters.ts`) and nothing else; then the copy's own
// `trace init --fake` installs its hook file, the real shim spools the fake agent's events, the
// recorder applies them, a commit is attributed to the fake session, and `trace uninstall` restores
// the repository byte for byte. A second check reads the agent-agnostic layers and finds no agent named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

const FAKE_ADAPTER = `import { PayloadError, type AgentAdapter } from '../adapter.js';
import { agentHookCommand, isTraceCommand } from '../hook-command.js';
import type { TraceEventName } from '../events.js';

const NAMES: Record<string, TraceEventName> = { begin: 'session.start', pre: 'edit.before', post: 'edit.after', end: 'session.end' };
type Hooks = { hooks?: Record<string, string> };

/** A made-up agent: {"sid", "dir", "call", "target"} payloads, hooks in .fake/hooks.json. */
export const fake: AgentAdapter = {
  name: 'fake-agent',
  displayName: 'Fake Agent',
  flag: 'fake',
  shim: { name: 'fake', pathKeys: ['target'] },
  parse({ event, payload, ts, atMs }) {
    const p = payload as { sid?: string; dir?: string; call?: string; target?: string };
    if (!p || typeof p.sid !== 'string') throw new PayloadError('no sid');
    return [{ agent: 'fake-agent', name: NAMES[event] ?? 'other', agentEvent: event, sessionId: p.sid, ts, atMs, cwd: p.dir, toolName: 'put', toolUseId: p.call, files: p.target ? [p.target] : undefined }];
  },
  hookFiles: [{
    path: '.fake/hooks.json',
    kind: 'fake-hooks',
    summary: '4 fake hooks',
    merge(existing, root) {
      const cfg = (existing ? JSON.parse(existing) : {}) as Hooks;
      cfg.hooks = { ...cfg.hooks };
      for (const e of Object.keys(NAMES)) cfg.hooks[e] = agentHookCommand(root, 'fake', e, e === 'pre' || e === 'post' ? 'edit' : undefined, 'target');
      const text = JSON.stringify(cfg, null, 2) + '\\n';
      return text === existing ? existing : text;
    },
    remove(existing) {
      const cfg = JSON.parse(existing) as Hooks;
      for (const [e, c] of Object.entries(cfg.hooks ?? {})) if (isTraceCommand(c, 'fake')) delete cfg.hooks![e];
      return JSON.stringify(cfg, null, 2) + '\\n';
    },
  }],
  configFiles: [{ path: '.fake/', kind: 'settings' }],
};
`;

/** Every file under `dir`, relative, sorted. */
function walk(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p)];
  }).sort();
}

async function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env, extendEnv: false })).stdout;
}

describe('a fake agent adapter', () => {
  it('needs one folder and one line of wiring, then is traced end to end', async () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-fake-')));
    temps.push(tmp);
    const copy = path.join(tmp, 'pkg');
    fs.mkdirSync(copy);
    for (const d of ['src', 'shims', 'daemon', 'bin']) fs.cpSync(path.join(ROOT, d), path.join(copy, d), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(ROOT, f), path.join(copy, f));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));

    // the whole change: one new folder, one line
    fs.mkdirSync(path.join(copy, 'src/agents/fake'));
    fs.writeFileSync(path.join(copy, 'src/agents/fake/adapter.ts'), FAKE_ADAPTER);
    fs.appendFileSync(path.join(copy, 'src/agents/adapters.ts'), "export { fake } from './fake/adapter.js';\n");

    const before = walk(path.join(ROOT, 'src'));
    const after = walk(path.join(copy, 'src'));
    const changed = after.filter((f) => !before.includes(f) || !fs.readFileSync(path.join(ROOT, 'src', f)).equals(fs.readFileSync(path.join(copy, 'src', f))));
    expect(changed).toEqual(['agents/adapters.ts', 'agents/fake/adapter.ts']);
    const wiring = fs.readFileSync(path.join(copy, 'src/agents/adapters.ts'), 'utf8').split('\n');
    const original = fs.readFileSync(path.join(ROOT, 'src/agents/adapters.ts'), 'utf8').split('\n');
    expect(wiring.filter((l) => !original.includes(l))).toEqual(["export { fake } from './fake/adapter.js';"]);

    // a repository with a human line committed
    const home = path.join(tmp, 'home');
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(home);
    fs.mkdirSync(repo);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: home, TRACE_HOME: path.join(home, 'trace'), TRACE_AUTOSTART: '0', LANG: 'C',
      GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com',
    };
    await git(repo, env, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'app.txt'), 'human line\n');
    await git(repo, env, 'add', '.');
    await git(repo, env, 'commit', '-qm', 'base');
    const pristine = new Map(walk(repo).filter((f) => !f.startsWith('.git/')).map((f) => [f, fs.readFileSync(path.join(repo, f))]));

    // the copy's own CLI installs the fake agent's hooks (and only them)
    const { init } = await import(path.join(copy, 'src/cli/init.ts'));
    let out = '';
    const ctx = { cwd: repo, env, stdout: (t: string) => (out += t), stderr: (t: string) => (out += t) };
    expect(await init(['--fake'], ctx), out).toBe(0);
    expect(out).toContain('.fake/hooks.json (4 fake hooks)');
    expect(fs.existsSync(path.join(repo, '.claude'))).toBe(false);
    const hooks = JSON.parse(fs.readFileSync(path.join(repo, '.fake/hooks.json'), 'utf8')).hooks as Record<string, string>;

    // the fake agent runs its hooks around an edit, through the real shim
    const file = path.join(repo, 'app.txt');
    const hook = (event: string, payload: object) =>
      execa('sh', ['-c', hooks[event]!], { cwd: repo, env, extendEnv: false, input: JSON.stringify(payload) });
    const base = { sid: 'fake-session-1', dir: repo };
    await hook('begin', base);
    await hook('pre', { ...base, call: 'c1', target: file });
    fs.writeFileSync(file, 'human line\nagent line 1\nagent line 2\n');
    await hook('post', { ...base, call: 'c1', target: file });
    const spooled = fs.readdirSync(path.join(env.TRACE_HOME!, 'spool/new'));
    expect(spooled.filter((n) => n.includes('-fake-')).length).toBe(3);
    expect(fs.readdirSync(path.join(env.TRACE_HOME!, 'spool/blobs')).some((n) => n.endsWith('-fake-pre-e'))).toBe(true);

    // the copy's recorder applies them with no agent-specific code outside the fake folder
    const { tracePaths } = await import(path.join(copy, 'src/paths.ts'));
    const { openDatabase } = await import(path.join(copy, 'src/store/db.ts'));
    const { silentLogger } = await import(path.join(copy, 'src/log/logger.ts'));
    const { Recorder } = await import(path.join(copy, 'src/capture/recorder.ts'));
    const paths = tracePaths(env);
    fs.mkdirSync(paths.home, { recursive: true });
    const db = openDatabase(paths.db);
    try {
      const rec = new Recorder(db, paths, silentLogger());
      expect(await rec.drain()).toBe(3);
      expect(fs.existsSync(paths.spoolDead) ? fs.readdirSync(paths.spoolDead) : [], 'nothing dead-lettered').toEqual([]);
      const session = rec.sessions.get('fake-session-1');
      expect(session.agent).toBe('fake-agent');
      expect(session.filesTouched).toEqual(['app.txt']);

      await git(repo, env, '-c', 'core.hooksPath=/dev/null', 'commit', '-qam', 'agent work');
      const sha = (await git(repo, env, 'rev-parse', 'HEAD')).trim();
      const r = await rec.recordCommit(repo, sha);
      expect(r.sessions).toEqual(['fake-session-1']);
      expect(rec.commits.fileLabels(sha, 'app.txt')).toEqual(['b', 'a:fake-session-1', 'a:fake-session-1']);
      await rec.close();
    } finally {
      db.close();
    }

    // the copy's uninstall puts every file back
    const { runUninstall } = await import(path.join(copy, 'src/cli/uninstall.ts'));
    await git(repo, env, 'reset', '-q', '--hard', 'HEAD~1');
    expect(await runUninstall(['--yes'], ctx, false, async () => true), out).toBe(0);
    const now = new Map(walk(repo).filter((f) => !f.startsWith('.git/')).map((f) => [f, fs.readFileSync(path.join(repo, f))]));
    expect(now).toEqual(pristine);
  });

  it('the shims, the daemon, capture, attribution and delivery name no agent', () => {
    const agentAgnostic = ['daemon', 'shims', 'src/capture', 'src/attribution', 'src/spool', 'src/store', 'src/push', 'src/query', 'src/evidence', 'src/server', 'src/deliver', 'src/attest'];
    const names = /claude|cursor|gemini|codex|copilot|opencode|anthropic/i;
    const offenders: string[] = [];
    for (const dir of agentAgnostic) {
      for (const f of walk(path.join(ROOT, dir))) {
        const text = fs.readFileSync(path.join(ROOT, dir, f), 'utf8');
        text.split('\n').forEach((line, i) => {
          // comments may give examples; CLAUDE_PROJECT_DIR is the project-dir variable Claude Code, Cursor, Gemini CLI and Copilot CLI all set
          const code = line.replace(/^\s*(#|\/\/|\*|\/\*\*).*$/, '').replace(/CLAUDE_PROJECT_DIR/g, '');
          if (names.test(code)) offenders.push(`${dir}/${f}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
