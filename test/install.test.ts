import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLAUDE_HOOK_EVENTS,
  claudeHookCommand,
  isTraceCommand,
  mergeClaudeHooks,
  removeClaudeHooks,
} from '../src/agents/claude/settings.js';
import { claudeCode } from '../src/agents/claude/adapter.js';
import { agentsForFlags } from '../src/cli/init.js';
import { main, reportError } from '../src/cli/main.js';
import { runUninstall } from '../src/cli/uninstall.js';
import { loadRepoConfig, renderChainloopYml } from '../src/config/chainloop.js';
import { planDestinations } from '../src/deliver/plan.js';
import { TraceError } from '../src/errors.js';
import { MANAGED_HOOK_MARKER, managedHookScript } from '../src/git/hooks-install.js';
import { packageRoot } from '../src/paths.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix = 'ai-trace-install-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

/** A fresh repository with git isolated from the machine's and the user's config. */
async function makeRepo(name = 'my-project'): Promise<{ repo: string; env: NodeJS.ProcessEnv }> {
  const root = tempDir();
  const home = path.join(root, 'home');
  const repo = path.join(root, name);
  fs.mkdirSync(home);
  fs.mkdirSync(repo);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    LANG: 'C',
  };
  await git(repo, env, 'init', '-q', '-b', 'main');
  await git(repo, env, 'config', 'user.name', 'Test User');
  await git(repo, env, 'config', 'user.email', 'test@example.com');
  return { repo, env };
}

async function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env, extendEnv: false })).stdout;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runInit(repo: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['init', ...args], { cwd: repo, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function runUninstallCmd(repo: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx = { cwd: repo, env, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t) };
  // the command with its terminal seams (not interactive); its errors go through main's boundary
  const code = await runUninstall(args, ctx, false, async () => false).catch((err: unknown) => reportError('uninstall', err, ctx));
  return { code, stdout, stderr };
}

/** Every file and directory under `dir`: bytes, mode, link target (and mtime when asked). */
function snapshot(dir: string, withTimes = false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const file = path.join(d, name);
      const st = fs.lstatSync(file);
      const key = path.relative(dir, file);
      const time = withTimes ? ` ${st.mtimeMs}` : '';
      if (st.isSymbolicLink()) out[key] = `link ${fs.readlinkSync(file)}`;
      else if (st.isDirectory()) {
        out[key] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(file);
      } else out[key] = `file ${(st.mode & 0o7777).toString(8)}${time} ${fs.readFileSync(file).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

function writeExecutable(file: string, text: string, mode = 0o755): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
}

const HOOKS = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push'];

describe('trace init', () => {
  it('sets up config, Claude hooks and git hooks, and a second run changes no byte', async () => {
    const { repo, env } = await makeRepo();
    const first = await runInit(repo, env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Next: commit .chainloop.yml and .claude/settings.json');

    expect(loadRepoConfig(repo)).toEqual({ projectName: 'my-project', requireTrace: false });
    const settings = JSON.parse(fs.readFileSync(path.join(repo, '.claude/settings.json'), 'utf8'));
    expect(Object.keys(settings.hooks)).toEqual([...CLAUDE_HOOK_EVENTS]);
    expect(settings.hooks.PreToolUse).toEqual([
      { matcher: 'Edit|Write|MultiEdit|NotebookEdit', hooks: [{ type: 'command', command: claudeHookCommand(packageRoot, 'PreToolUse', 'edit'), timeout: 10 }] },
      { matcher: '^(?!(Edit|Write|MultiEdit|NotebookEdit)$)', hooks: [{ type: 'command', command: claudeHookCommand(packageRoot, 'PreToolUse', 'other'), timeout: 10 }] },
    ]);
    expect(settings.hooks.Stop[0]).not.toHaveProperty('matcher');
    for (const hook of HOOKS) {
      const file = path.join(repo, '.git/hooks', hook);
      expect(fs.readFileSync(file, 'utf8')).toBe(managedHookScript(packageRoot));
      expect(fs.statSync(file).mode & 0o777).toBe(0o755);
    }
    expect(fs.readFileSync(path.join(repo, '.git/chainloop-trace/log.txt'), 'utf8')).toBe('');
    expect(fs.existsSync(path.join(repo, '.git/chainloop-trace/install.json'))).toBe(true);

    const before = snapshot(path.dirname(repo), true);
    const second = await runInit(repo, env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to change');
    expect(snapshot(path.dirname(repo), true)).toEqual(before);

    const dry = await runInit(repo, env, '--dry-run');
    expect(dry.stdout).toContain('nothing to change');
    expect(snapshot(path.dirname(repo), true)).toEqual(before);
  });

  it('sets --project, --org and --require-trace and keeps other keys and comments', async () => {
    const { repo, env } = await makeRepo();
    const original = '# our project\nprojectName: keep-me # set by hand\ndestinations:\n- type: git\n  remote: origin\n';
    fs.writeFileSync(path.join(repo, '.chainloop.yml'), original);
    expect((await runInit(repo, env, '--org', 'acme', '--require-trace')).code).toBe(0);
    const text = fs.readFileSync(path.join(repo, '.chainloop.yml'), 'utf8');
    expect(text).toBe(`${original}organization: acme\nrequireTrace: true\n`);
    expect((await runInit(repo, env, '--project', 'renamed')).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, '.chainloop.yml'), 'utf8')).toContain('projectName: renamed # set by hand\n');
    expect(loadRepoConfig(repo)).toMatchObject({ projectName: 'renamed', organization: 'acme', requireTrace: true });
  });

  it('merges into existing Claude settings without dropping or reordering the user hooks', async () => {
    const { repo, env } = await makeRepo();
    const userSettings = {
      model: 'opus',
      hooks: {
        Stop: [{ hooks: [{ type: 'command', command: 'echo user-stop' }] }],
        PreToolUse: [
          { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo first' }] },
          { matcher: 'Edit', hooks: [{ type: 'command', command: 'echo second' }] },
        ],
        Notification: [{ hooks: [{ type: 'command', command: 'notify' }] }],
      },
      permissions: { allow: ['Bash(ls)'] },
    };
    const file = path.join(repo, '.claude/settings.json');
    const originalText = `${JSON.stringify(userSettings, null, 4)}\n`;
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, originalText);

    expect((await runInit(repo, env, '--claude')).code).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n {4}"model"/);
    const merged = JSON.parse(text);
    expect(Object.keys(merged)).toEqual(['model', 'hooks', 'permissions']);
    expect(Object.keys(merged.hooks).slice(0, 3)).toEqual(['Stop', 'PreToolUse', 'Notification']);
    expect(merged.hooks.PreToolUse.slice(0, 2)).toEqual(userSettings.hooks.PreToolUse);
    expect(merged.hooks.PreToolUse).toHaveLength(4);
    expect(merged.hooks.Stop[0]).toEqual(userSettings.hooks.Stop[0]);
    expect(isTraceCommand(merged.hooks.Stop[1].hooks[0].command)).toBe(true);
    expect(merged.hooks.Notification).toEqual(userSettings.hooks.Notification);

    expect(mergeClaudeHooks(text, packageRoot)).toBe(text);
    expect(removeClaudeHooks(text)).toBe(`${JSON.stringify(userSettings, null, 4)}\n`);

    expect((await runUninstallCmd(repo, env, '--yes')).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(originalText);
  });

  it('updates our entry in place when the package moved, without duplicating it', () => {
    const old = mergeClaudeHooks('{"hooks":{"Stop":[{"hooks":[{"type":"command","command":"mine"}]}]}}', '/old/place');
    const moved = mergeClaudeHooks(old, "/new/it's here");
    const stop = JSON.parse(moved).hooks.Stop;
    expect(stop).toHaveLength(2);
    expect(stop[0].hooks[0].command).toBe('mine');
    expect(stop[1].hooks[0].command).toBe(claudeHookCommand("/new/it's here", 'Stop'));
    expect(stop[1].hooks[0].command).toContain(`h='/new/it'\\''s here/shims/hook.sh';`);
  });

  it('backs up and chains an existing commit-msg hook; uninstall restores every byte and mode', async () => {
    const { repo, env } = await makeRepo();
    const userHook = '#!/bin/sh\necho "user hook $1" >> "$(git rev-parse --git-dir)/user-hook.log"\n';
    writeExecutable(path.join(repo, '.git/hooks/commit-msg'), userHook, 0o750);
    const before = snapshot(repo);

    expect((await runInit(repo, env)).code).toBe(0);
    const backup = path.join(repo, '.git/hooks/commit-msg.chainloop-backup');
    expect(fs.readFileSync(backup, 'utf8')).toBe(userHook);
    expect(fs.statSync(backup).mode & 0o7777).toBe(0o750);
    expect(fs.readFileSync(path.join(repo, '.git/hooks/commit-msg'), 'utf8')).toBe(managedHookScript(packageRoot));

    // re-init never backs up our own hook
    expect((await runInit(repo, env)).code).toBe(0);
    expect(fs.readFileSync(backup, 'utf8')).toBe(userHook);

    const run = await runUninstallCmd(repo, env, '--yes');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('.git/hooks/commit-msg: restored');
    expect(snapshot(repo)).toEqual(before);
  });

  it('installs into core.hooksPath .husky/_ and uninstall restores it byte for byte', async () => {
    const { repo, env } = await makeRepo();
    const stub = '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n';
    writeExecutable(path.join(repo, '.husky/_/h'), '#!/usr/bin/env sh\nexit 0\n');
    writeExecutable(path.join(repo, '.husky/_/commit-msg'), stub);
    writeExecutable(path.join(repo, '.husky/_/pre-push'), stub);
    fs.writeFileSync(path.join(repo, '.husky/_/.gitignore'), '*\n');
    await git(repo, env, 'config', 'core.hooksPath', '.husky/_');
    const before = snapshot(repo);

    const sub = path.join(repo, 'src');
    fs.mkdirSync(sub);
    const run = await runInit(sub, env);
    expect(run.code).toBe(0);
    for (const hook of HOOKS) {
      expect(fs.readFileSync(path.join(repo, '.husky/_', hook), 'utf8')).toContain(MANAGED_HOOK_MARKER);
      expect(fs.existsSync(path.join(repo, '.git/hooks', hook))).toBe(false);
    }
    expect(fs.readFileSync(path.join(repo, '.husky/_/commit-msg.chainloop-backup'), 'utf8')).toBe(stub);
    expect(fs.existsSync(path.join(repo, '.husky/_/post-commit.chainloop-backup'))).toBe(false);

    fs.rmdirSync(sub);
    expect((await runUninstallCmd(repo, env, '--yes')).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('replaces a symlinked hook (never writing through it) and restores the link', async () => {
    const { repo, env } = await makeRepo();
    writeExecutable(path.join(repo, 'scripts/pre-push'), '#!/bin/sh\necho tracked\n');
    fs.symlinkSync('../../scripts/pre-push', path.join(repo, '.git/hooks/pre-push'));
    const before = snapshot(repo);

    expect((await runInit(repo, env)).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'scripts/pre-push'), 'utf8')).toBe('#!/bin/sh\necho tracked\n');
    expect(fs.lstatSync(path.join(repo, '.git/hooks/pre-push')).isSymbolicLink()).toBe(false);
    expect(fs.readlinkSync(path.join(repo, '.git/hooks/pre-push.chainloop-backup'))).toBe('../../scripts/pre-push');
    expect((await runInit(repo, env)).stdout).toContain('nothing to change');

    expect((await runUninstallCmd(repo, env, '--yes')).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('creates a missing core.hooksPath folder and removes it again on uninstall', async () => {
    const { repo, env } = await makeRepo();
    await git(repo, env, 'config', 'core.hooksPath', 'tools/githooks');
    const before = snapshot(repo);
    expect((await runInit(repo, env)).code).toBe(0);
    expect(fs.readFileSync(path.join(repo, 'tools/githooks/commit-msg'), 'utf8')).toContain(MANAGED_HOOK_MARKER);
    expect((await runUninstallCmd(repo, env, '--yes')).code).toBe(0);
    expect(snapshot(repo)).toEqual(before);
  });

  it('prints diffs in --dry-run and writes nothing', async () => {
    const { repo, env } = await makeRepo();
    writeExecutable(path.join(repo, '.git/hooks/pre-push'), '#!/bin/sh\nexit 0\n');
    const before = snapshot(path.dirname(repo), true);
    const run = await runInit(repo, env, '--dry-run', '--org', 'acme');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- /dev/null\n+++ .chainloop.yml');
    expect(run.stdout).toContain('+organization: acme');
    expect(run.stdout).toContain('+++ .claude/settings.json');
    expect(run.stdout).toContain('--- .git/hooks/pre-push\n+++ .git/hooks/pre-push');
    expect(run.stdout).toContain('+++ .git/hooks/pre-push.chainloop-backup');
    expect(run.stdout).toContain(`+${MANAGED_HOOK_MARKER}`);
    expect(snapshot(path.dirname(repo), true)).toEqual(before);
  });

  it('says what to do outside a git repository', async () => {
    const dir = tempDir();
    const run = await runInit(dir, { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: path.dirname(dir) });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('trace init: not a git repository: run trace init inside one\n');
  });

  it('reports an agent with no adapter yet as unsupported, and rejects unknown flags', async () => {
    const { repo, env } = await makeRepo();
    expect(agentsForFlags([], [claudeCode])).toEqual([claudeCode]);
    expect(agentsForFlags(['claude'], [claudeCode])).toEqual([claudeCode]);
    const unsupported = (() => {
      try {
        agentsForFlags(['claude', 'cursor', 'codex'], [claudeCode]);
      } catch (err) {
        return err as TraceError;
      }
    })();
    expect(unsupported?.code).toBe('UNSUPPORTED');
    expect(unsupported?.message).toBe('Cursor, Codex are not yet supported (--cursor, --codex); nothing was changed');
    expect((await runInit(repo, env, '--bogus')).code).toBe(2);
  });

  it('fails with a clear message on a broken .chainloop.yml', async () => {
    const { repo, env } = await makeRepo();
    fs.writeFileSync(path.join(repo, '.chainloop.yml'), 'projectName: [unclosed\n');
    const run = await runInit(repo, env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^trace init: \.chainloop\.yml: invalid YAML: .*; fix it or run trace init again\n$/);
    expect(fs.existsSync(path.join(repo, '.git/chainloop-trace'))).toBe(false);
  });
});

describe('trace uninstall', () => {
  it('exits 1 with a clear message in a repository never initialised', async () => {
    const { repo, env } = await makeRepo();
    const run = await runUninstallCmd(repo, env, '--yes');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/ai-trace is not installed in this repository .*nothing to uninstall/);
  });

  it('asks for --yes when not on a terminal and changes nothing', async () => {
    const { repo, env } = await makeRepo();
    await runInit(repo, env);
    const before = snapshot(repo, true);
    const run = await runUninstallCmd(repo, env);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('trace uninstall will:\n  delete .chainloop.yml');
    expect(run.stderr).toBe('trace uninstall: pass --yes to uninstall non-interactively\n');
    expect(snapshot(repo, true)).toEqual(before);
  });

  it('a declined confirmation is CANCELLED: exit 1, nothing changed', async () => {
    const { repo, env } = await makeRepo();
    await runInit(repo, env);
    const before = snapshot(repo, true);
    let stderr = '';
    const ctx = { cwd: repo, env, stdout: () => undefined, stderr: (t: string) => (stderr += t) };
    const err = await runUninstall([], ctx, true, async () => false).catch((e: unknown) => e);
    expect((err as TraceError).code).toBe('CANCELLED');
    expect(reportError('uninstall', err, ctx)).toBe(1);
    expect(stderr).toBe('trace uninstall: cancelled; nothing was changed\n');
    expect(snapshot(repo, true)).toEqual(before);
  });

  it('removes only ai-trace parts from files the user changed after init', async () => {
    const { repo, env } = await makeRepo();
    writeExecutable(path.join(repo, '.git/hooks/post-commit'), '#!/bin/sh\necho theirs\n');
    await runInit(repo, env);
    const settingsFile = path.join(repo, '.claude/settings.json');
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    settings.hooks.Stop.push({ hooks: [{ type: 'command', command: 'echo added-later' }] });
    fs.writeFileSync(settingsFile, `${JSON.stringify(settings, null, 2)}\n`);
    const hookFile = path.join(repo, '.git/hooks/post-commit');
    fs.appendFileSync(hookFile, '# my note\n');

    const run = await runUninstallCmd(repo, env, '--yes');
    expect(run.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'echo added-later' }] }] },
    });
    const hook = fs.readFileSync(hookFile, 'utf8');
    expect(hook).not.toContain('trace_shim');
    expect(hook).toContain('# my note');
    expect(hook).toContain('"$0.chainloop-backup"');
    expect(fs.readFileSync(`${hookFile}.chainloop-backup`, 'utf8')).toBe('#!/bin/sh\necho theirs\n');
    expect(fs.existsSync(path.join(repo, '.git/hooks/commit-msg'))).toBe(false);
    expect(fs.existsSync(path.join(repo, '.git/chainloop-trace'))).toBe(false);
    expect(run.stdout).toContain('not restored byte for byte');
  });
});

describe('.chainloop.yml', () => {
  it('reads .chainloop.yaml when .yml is absent, and .yml wins when both exist', () => {
    const dir = tempDir();
    expect(loadRepoConfig(dir)).toBeNull();
    fs.writeFileSync(path.join(dir, '.chainloop.yaml'), 'projectName: from-yaml\nrequireTrace: true\n');
    expect(loadRepoConfig(dir)).toEqual({ projectName: 'from-yaml', requireTrace: true });
    fs.writeFileSync(path.join(dir, '.chainloop.yml'), 'projectName: from-yml\n');
    expect(loadRepoConfig(dir)?.projectName).toBe('from-yml');
  });

  it('updates .chainloop.yaml in place when that is the file the repository has', async () => {
    const { repo, env } = await makeRepo();
    fs.writeFileSync(path.join(repo, '.chainloop.yaml'), 'projectName: y\n');
    expect((await runInit(repo, env, '--org', 'o')).code).toBe(0);
    expect(fs.existsSync(path.join(repo, '.chainloop.yml'))).toBe(false);
    expect(fs.readFileSync(path.join(repo, '.chainloop.yaml'), 'utf8')).toBe('projectName: y\norganization: o\n');
  });

  it.each([
    ['projectName: [unclosed\n', /^\.chainloop\.yml: invalid YAML: .*; fix it or run trace init again$/],
    ['organization: acme\n', /^\.chainloop\.yml: projectName is required; fix it/],
    ['projectName: p\nrequireTrace: "yes"\n', /requireTrace must be true or false/],
    ['projectName: p\nprojectVersion: 1.0\n', /projectVersion must be a string \(quote it: "1"\)/],
    ['projectName: p\ndestinations:\n  - type: http\n', /destinations\[0\]\.url is required/],
    ['projectName: p\ndestinations:\n  - type: s3\n', /destinations\[0\]\.type 's3' is unknown; use git or http/],
    ['projectName: p\ndestinations:\n  - type: git\n    ref: refs/notes/x\n', /destinations\[0\]\.ref: attestations always go to refs\/chainloop-trace\/attestations; remove ref/],
    ['projectName: p\ndestinations:\n  - type: http\n    url: https://x\n    timeoutMs: -1\n', /destinations\[0\]\.timeoutMs must be a positive number/],
    ['- a\n- b\n', /expected a mapping/],
  ])('rejects %j', (text, message) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, '.chainloop.yml'), text);
    let error: unknown;
    try {
      loadRepoConfig(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TraceError);
    expect((error as TraceError).code).toBe('CONFIG_INVALID');
    expect((error as TraceError).message).toMatch(message);
  });

  it('accepts destinations and policies', () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, '.chainloop.yml'),
      // one destinations model: the repository config keeps timeoutMs, defaults type to git, and
      // accepts the one ref attestations go to
      'projectName: p\ndestinations:\n  - type: git\n    ref: refs/chainloop-trace/attestations\n  - remote: backup\n  - type: http\n    url: https://x\n    tokenEnv: TOK\n    timeoutMs: 2500\npolicies:\n  - ref: a\n',
    );
    expect(loadRepoConfig(dir)).toEqual({
      projectName: 'p',
      requireTrace: false,
      destinations: [{ type: 'git' }, { type: 'git', remote: 'backup' }, { type: 'http', url: 'https://x', tokenEnv: 'TOK', timeoutMs: 2500 }],
      policies: [{ ref: 'a' }],
    });
    // what delivery is planned from keeps it too (the repository config used to drop timeoutMs)
    expect(planDestinations(loadRepoConfig(dir)!.destinations, 'origin')[2]!.config).toMatchObject({ type: 'http', timeoutMs: 2500 });
  });

  it('renders updates without touching the rest of the file', () => {
    const text = '# top\nprojectName: "p"   # name\nx: [1,2]\n';
    expect(renderChainloopYml(text, { projectName: 'p' })).toBe(text);
    expect(renderChainloopYml(text, { projectName: 'q', requireTrace: true })).toBe(
      '# top\nprojectName: q   # name\nx: [1,2]\nrequireTrace: true\n',
    );
    expect(renderChainloopYml(null, { projectName: '1.0' })).toContain('projectName: "1.0"\n');
  });
});

describe('hook commands', () => {
  const quietPath = '/usr/bin:/bin';

  const shells = ['sh', 'bash', 'zsh', 'dash'].filter((sh) => fs.existsSync(`/bin/${sh}`) || fs.existsSync(`/usr/bin/${sh}`));

  it.each(shells)('the Claude hook command exits 0 silently in %s when ai-trace is nowhere', async (shell) => {
    const env = { PATH: quietPath, HOME: tempDir() }; // an empty HOME: bash fed by a socket reads ~/.bashrc
    const missing = await execa(shell, ['-c', 'command -v trace-hook'], { env, extendEnv: false, reject: false });
    expect(missing.exitCode).not.toBe(0);
    const command = claudeHookCommand("/nonexistent/ai 'trace", 'PreToolUse');
    const result = await execa(shell, ['-c', command], {
      input: '{"session_id":"s","hook_event_name":"PreToolUse"}',
      env,
      extendEnv: false,
      reject: false,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('runs the shim at the package path, quotes included, with the agent and event', async () => {
    const root = path.join(tempDir(), "pkg 'root'");
    writeExecutable(path.join(root, 'shims/hook.sh'), '#!/bin/sh\necho "$1 $2 $(cat)"\n');
    const result = await execa('sh', ['-c', claudeHookCommand(root, 'Stop')], { input: 'payload', env: { PATH: quietPath }, extendEnv: false });
    expect(result.stdout).toBe('claude Stop payload');
  });

  it('falls back to trace-hook on PATH', async () => {
    const bin = tempDir();
    writeExecutable(path.join(bin, 'trace-hook'), '#!/bin/sh\necho "via path $1 $2"\n');
    const result = await execa('sh', ['-c', claudeHookCommand('/nonexistent', 'SessionEnd')], {
      input: '',
      env: { PATH: `${bin}:${quietPath}` },
      extendEnv: false,
    });
    expect(result.stdout).toBe('via path claude SessionEnd');
  });

  it('the git hook chains to the backup with its arguments and exit status when the shim is gone', async () => {
    const dir = tempDir();
    writeExecutable(path.join(dir, 'commit-msg'), managedHookScript('/nonexistent'));
    writeExecutable(path.join(dir, 'commit-msg.chainloop-backup'), '#!/bin/sh\necho "backup $1"\nexit 3\n');
    const result = await execa(path.join(dir, 'commit-msg'), ['MSG'], { reject: false, env: { PATH: quietPath }, extendEnv: false });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'backup MSG' });
    fs.rmSync(path.join(dir, 'commit-msg.chainloop-backup'));
    expect(await execa(path.join(dir, 'commit-msg'), ['MSG'], { reject: false })).toMatchObject({ exitCode: 0, stdout: '' });
  });
});
