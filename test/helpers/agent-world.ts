/**
 * The world of an end-to-end run of a real agent client (test/e2e/*-cli.test.ts): a repository after
 * `trace init <flags>`, its own TRACE_HOME, a HOME for the client and the harness's output folders, in
 * the caller's environment less what would leak in (the clients need more than TestRepo's bare one).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach } from 'vitest';
import { stopDaemons } from './daemon.js';
import { callerEnv, TRACE_BIN } from './env.js';

export interface AgentWorld {
  root: string;
  repo: string;
  home: string;
  env: NodeJS.ProcessEnv;
  initCommit: string;
  initOutput: string;
  git: (...args: string[]) => Promise<string>;
  trace: (...args: string[]) => Promise<string>;
}

export interface AgentWorldOptions {
  /**
   * Start the daemon before the agent runs (default true, as with `trace daemon install`): one a hook
   * started would be a child of the client, which run.sh's strace -f would then wait for.
   */
  daemon?: boolean;
}

/**
 * A fresh repository (README.md committed, a repository-local git identity: Gemini's shell empties the
 * global config) traced with `trace init <flags>`, the hook configuration committed, the work tree clean.
 */
export async function makeAgentWorld(flags: string[], o: AgentWorldOptions = {}): Promise<AgentWorld> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-e2e-')));
  const repo = path.join(root, 'repo');
  const home = path.join(root, 'home');
  fs.mkdirSync(repo);
  fs.mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    ...callerEnv(),
    PATH: [path.dirname(TRACE_BIN), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    HOME: home,
    TRACE_HOME: path.join(root, 'trace'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = async (...args: string[]) => (await execa('git', args, { cwd: repo, env, extendEnv: false })).stdout;
  const trace = async (...args: string[]) => {
    const r = await execa(process.execPath, [TRACE_BIN, ...args], { cwd: repo, env, extendEnv: false, reject: false });
    if (r.exitCode !== 0) throw new Error(`trace ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
    return r.stdout;
  };
  const w: AgentWorld = { root, repo, home, env, initCommit: '', initOutput: '', git, trace };
  try {
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.name', 'E2E Developer');
    await git('config', 'user.email', 'dev@example.com');
    fs.writeFileSync(path.join(repo, 'README.md'), '# e2e\n');
    await git('add', 'README.md');
    await git('commit', '-q', '-m', 'initial commit');
    w.initOutput = await trace('init', ...flags, '--project', 'e2e', '--org', 'acme');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Trace AI coding sessions');
    const dirty = await git('status', '--porcelain');
    if (dirty) throw new Error(`trace init left the work tree dirty after its files were committed:\n${dirty}`);
    w.initCommit = await git('rev-parse', 'HEAD');
    if (o.daemon !== false) await trace('daemon', 'start');
  } catch (err) {
    await dropAgentWorld(w, true);
    throw err;
  }
  return w;
}

/** What explains a failure: the repository's trace log, its last commits, the daemon's logs. */
async function diagnostics(w: AgentWorld): Promise<string> {
  const read = (f: string) => {
    try {
      return fs.readFileSync(f, 'utf8').trim().split('\n').slice(-60).join('\n');
    } catch {
      return '(none)';
    }
  };
  const logDir = path.join(w.env.TRACE_HOME!, 'log');
  const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir).map((f) => `--- ${f}\n${read(path.join(logDir, f))}`) : [];
  const commits = await execa('git', ['log', '-3', '--format=%H %s%n%b'], { cwd: w.repo, env: w.env, extendEnv: false, reject: false });
  return [
    `=== agent e2e diagnostics (${w.root})`,
    `--- .git/chainloop-trace/log.txt\n${read(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'))}`,
    `--- git log\n${commits.stdout}`,
    ...logs,
  ].join('\n');
}

/** Stops the world's daemons and removes it (after printing what explains a failure). */
export async function dropAgentWorld(w: AgentWorld, failed: boolean): Promise<void> {
  if (failed) console.error(await diagnostics(w));
  stopDaemons(w.env, w.root);
  fs.rmSync(w.root, { recursive: true, force: true });
}

/** Worlds for one test file: each one `make` returns is dropped after its test. */
export function agentWorlds(): (flags: string[], o?: AgentWorldOptions) => Promise<AgentWorld> {
  const worlds: AgentWorld[] = [];
  afterEach(async (ctx) => {
    for (const w of worlds.splice(0)) await dropAgentWorld(w, ctx.task.result?.state === 'fail');
  });
  return async (flags, o) => {
    const w = await makeAgentWorld(flags, o);
    worlds.push(w);
    return w;
  };
}

/** The trailer's session ids in a commit message. */
export function trailerSessions(message: string): string[] {
  const key = 'Chainloop-Trace-Sessions:';
  return message.split('\n').filter((l) => l.startsWith(key)).flatMap((l) => l.slice(key.length).split(',').map((s) => s.trim()).filter(Boolean));
}

/** The shim's log lines for `agent` (`<seq> <agent> <event> [tool] [note]`), as "event [tool] [note]". */
export function shimEvents(repo: string, agent: string): string[] {
  return fs
    .readFileSync(path.join(repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === agent)
    .map((f) => f.slice(2).join(' '));
}
