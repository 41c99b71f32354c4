import path from 'node:path';
import { setOptOut } from '../capture/auto-hooks.js';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import type { AgentAdapter } from '../agents/adapter.js';
import { adapterForFlag, ADAPTERS, INIT_FLAGS } from '../agents/registry.js';
import { findRepoConfigFile, parseRepoConfig, peekProjectName, renderChainloopYml } from '../config/chainloop.js';
import { ensureShimSettings } from '../config/shim-settings.js';
import { TraceError } from '../errors.js';
import { BACKUP_SUFFIX, locateRepo, planGitHooks, planOwnGitHooks, type GitRepo } from '../git/hooks-install.js';
import { installFiles, planFile, readFileState, type FileChange } from '../install/manifest.js';
import { packageRoot, repoStatePaths, tracePaths } from '../paths.js';
import type { CliContext, Command } from './context.js';
import { usageBecause } from './usage.js';

/** Every agent flag `trace init` knows: the planned ones and any registered adapter's. */
const AGENT_FLAGS = [...new Set([...Object.keys(INIT_FLAGS), ...ADAPTERS.filter((a) => a.hookFiles.length > 0).map((a) => a.flag)])];

const USAGE = `usage: trace init [--project P] [--org O] ${AGENT_FLAGS.map((f) => `[--${f}]`).join(' ')} [--require-trace] [--dry-run]`;

/** What `trace init` was asked to do. */
export interface InitOptions {
  project?: string;
  org?: string;
  /** The agents whose hooks are installed (default: Claude Code). */
  agents: readonly AgentAdapter[];
  requireTrace: boolean;
}

/** The adapters named by `--<flag>` options (Claude Code when none is); an unregistered agent is a clear error. */
export function agentsForFlags(flags: readonly string[], adapters: readonly AgentAdapter[] = ADAPTERS): AgentAdapter[] {
  const wanted = flags.length ? flags : ['claude'];
  const missing = wanted.filter((f) => !adapterForFlag(f, adapters));
  if (missing.length) {
    const names = missing.map((f) => INIT_FLAGS[f] ?? f).join(', ');
    throw new TraceError('UNSUPPORTED', `${names} ${missing.length > 1 ? 'are' : 'is'} not yet supported (${missing.map((f) => `--${f}`).join(', ')}); nothing was changed`);
  }
  return wanted.map((f) => adapterForFlag(f, adapters)!);
}

/** `trace init`: writes .chainloop.yml, merges the agent hooks, installs the git hooks, records the originals. */
export const init: Command = async (args, ctx) => {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        project: { type: 'string' },
        org: { type: 'string' },
        ...Object.fromEntries(AGENT_FLAGS.map((f) => [f, { type: 'boolean' as const, default: false }])),
        'require-trace': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw usageBecause((err as Error).message, USAGE, err);
  }
  for (const flag of ['project', 'org'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') throw usageBecause(`--${flag} needs a value`, USAGE);
  }
  const flags = AGENT_FLAGS.filter((f) => (values as Record<string, unknown>)[f] === true);
  const options: InitOptions = { agents: agentsForFlags(flags), requireTrace: values['require-trace'] === true };
  if (typeof values.project === 'string') options.project = values.project;
  if (typeof values.org === 'string') options.org = values.org;
  const repo = await locateRepo(ctx.cwd, ctx.env);
  const changes = planInit(repo, options, packageRoot);
  if (values['dry-run']) {
    printDiffs(repo, changes, ctx);
    return 0;
  }
  installFiles(repo.commonDir, changes);
  const home = tracePaths(ctx.env).home;
  setOptOut(home, repo.commonDir, false);
  ensureShimSettings(repo.top, repo.commonDir, home); // what the git hooks read of .chainloop.yml
  printSummary(repo, changes, options, ctx);
  return 0;
};

/** Every file change init would make in `repo`; empty when everything is already in place. */
export function planInit(repo: GitRepo, options: InitOptions, root: string): FileChange[] {
  const changes: (FileChange | null)[] = [planConfig(repo.top, options)];
  for (const agent of options.agents) {
    for (const hookFile of agent.hookFiles) {
      const file = path.join(repo.top, hookFile.path);
      const existing = readFileState(file)?.bytes.toString('utf8') ?? null;
      changes.push(planFile(file, hookFile.kind, hookFile.merge(existing, root)));
    }
  }
  changes.push(...planGitHooks(repo.hooksDir, root));
  if (options.agents.some((a) => a.ownGitHooks)) changes.push(...planOwnGitHooks(repo.commonDir, root));
  return changes.filter((c): c is FileChange => c !== null);
}

function planConfig(top: string, options: InitOptions): FileChange | null {
  const file = findRepoConfigFile(top) ?? path.join(top, '.chainloop.yml');
  const name = path.basename(file);
  const existing = readFileState(file)?.bytes.toString('utf8') ?? null;
  const keepName = existing !== null && peekProjectName(existing) !== undefined;
  const text = renderChainloopYml(
    existing,
    {
      projectName: options.project ?? (keepName ? undefined : path.basename(top)),
      organization: options.org,
      requireTrace: options.requireTrace ? true : undefined,
    },
    name,
  );
  parseRepoConfig(text, name); // what we write must load
  return planFile(file, 'chainloop-config', text);
}

function printDiffs(repo: GitRepo, changes: FileChange[], ctx: CliContext): void {
  if (changes.length === 0) {
    ctx.stdout('trace init: nothing to change\n');
    return;
  }
  for (const change of changes) {
    const name = display(repo, change.path);
    const before = change.before?.symlink !== undefined ? `symlink -> ${change.before.symlink}\n` : change.before?.bytes.toString('utf8') ?? '';
    const after = change.symlink !== undefined ? `symlink -> ${change.symlink}\n` : change.after.toString('utf8');
    const modeNote = modeChange(change);
    ctx.stdout(createTwoFilesPatch(change.before ? name : '/dev/null', name, before, after, undefined, modeNote));
  }
  ctx.stdout(`trace init: dry run, ${changes.length} file(s) would change; nothing was written\n`);
}

function modeChange(change: FileChange): string | undefined {
  if (change.mode === undefined) return undefined;
  const from = change.before ? change.before.mode.toString(8).padStart(4, '0') : 'new';
  const to = change.mode.toString(8).padStart(4, '0');
  return from === to ? undefined : `mode ${from} -> ${to}`;
}

function printSummary(repo: GitRepo, changes: FileChange[], options: InitOptions, ctx: CliContext): void {
  if (changes.length === 0) {
    ctx.stdout(`trace init: ai-trace is already set up in ${repo.top}; nothing to change\n`);
    return;
  }
  const lines = [`trace init: set up ai-trace in ${repo.top}`];
  const hooks = changes.filter((c) => c.kind === 'git-hook');
  for (const change of changes) {
    const name = display(repo, change.path);
    const verb = change.before ? 'updated' : 'created';
    if (change.kind === 'chainloop-config') lines.push(`  ${verb} ${name}`);
    const hookFile = options.agents.flatMap((a) => a.hookFiles).find((f) => f.kind === change.kind);
    if (hookFile) lines.push(`  ${verb} ${name} (${hookFile.summary})`);
  }
  for (const dir of new Set(hooks.map((c) => path.dirname(c.path)))) {
    const names = hooks.filter((c) => path.dirname(c.path) === dir).map((c) => path.basename(c.path)).join(', ');
    const own = dir === repoStatePaths(repo.commonDir).ownHooks ? " (ai-trace's alone, for agent shells that turn git hooks off)" : '';
    lines.push(`  installed git hooks in ${display(repo, dir)}${own}: ${names}`);
  }
  for (const change of changes.filter((c) => c.kind === 'git-hook-backup')) {
    const hook = path.basename(change.path, BACKUP_SUFFIX);
    lines.push(`  kept your ${hook} hook as ${display(repo, change.path)}; it still runs first`);
  }
  const config = path.basename(findRepoConfigFile(repo.top) ?? '.chainloop.yml');
  const toCommit = [config, ...options.agents.flatMap((a) => a.hookFiles.map((f) => f.path))];
  lines.push(`Next: commit ${toCommit.join(' and ')} so teammates are traced too.`);
  for (const agent of options.agents) for (const note of agent.installNotes ?? []) lines.push(`${agent.displayName}: ${note}`);
  ctx.stdout(`${lines.join('\n')}\n`);
}

/** A path as shown to the user: relative to the work tree when inside it. */
function display(repo: GitRepo, file: string): string {
  const rel = path.relative(repo.top, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
