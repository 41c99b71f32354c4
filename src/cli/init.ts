import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { CLAUDE_HOOK_EVENTS, CLAUDE_SETTINGS_PATH, mergeClaudeHooks } from '../agents/claude/settings.js';
import { findRepoConfigFile, parseRepoConfig, peekProjectName, renderChainloopYml } from '../config/chainloop.js';
import { asTraceError } from '../errors.js';
import { BACKUP_SUFFIX, locateRepo, planGitHooks, type GitRepo } from '../git/hooks-install.js';
import { installFiles, planFile, readFileState, type FileChange } from '../install/manifest.js';
import { packageRoot } from '../paths.js';
import type { CliContext, Command } from './context.js';

const USAGE = 'usage: trace init [--project P] [--org O] [--claude] [--cursor] [--require-trace] [--dry-run]';

/** What `trace init` was asked to do. */
export interface InitOptions {
  project?: string;
  org?: string;
  claude: boolean;
  requireTrace: boolean;
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
        claude: { type: 'boolean', default: false },
        cursor: { type: 'boolean', default: false },
        'require-trace': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    ctx.stderr(`trace init: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  for (const flag of ['project', 'org'] as const) {
    if (values[flag] !== undefined && values[flag].trim() === '') {
      ctx.stderr(`trace init: --${flag} needs a value\n${USAGE}\n`);
      return 2;
    }
  }
  if (values.cursor) ctx.stderr('Cursor hooks are not yet supported; skipped\n');
  const options: InitOptions = {
    claude: values.claude || !values.cursor,
    requireTrace: values['require-trace'],
  };
  if (values.project !== undefined) options.project = values.project;
  if (values.org !== undefined) options.org = values.org;

  try {
    const repo = await locateRepo(ctx.cwd, ctx.env);
    const changes = planInit(repo, options, packageRoot);
    if (values['dry-run']) {
      printDiffs(repo, changes, ctx);
      return 0;
    }
    installFiles(repo.commonDir, changes);
    printSummary(repo, changes, options, ctx);
    return 0;
  } catch (err) {
    ctx.stderr(`trace init: ${asTraceError(err).message}\n`);
    return 1;
  }
};

/** Every file change init would make in `repo`; empty when everything is already in place. */
export function planInit(repo: GitRepo, options: InitOptions, root: string): FileChange[] {
  const changes: (FileChange | null)[] = [planConfig(repo.top, options)];
  if (options.claude) {
    const file = path.join(repo.top, CLAUDE_SETTINGS_PATH);
    const existing = readFileState(file)?.bytes.toString('utf8') ?? null;
    changes.push(planFile(file, 'claude-settings', mergeClaudeHooks(existing, root)));
  }
  changes.push(...planGitHooks(repo.hooksDir, root));
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
    if (change.kind === 'claude-settings') lines.push(`  ${verb} ${name} (${CLAUDE_HOOK_EVENTS.length} Claude Code hooks)`);
  }
  if (hooks.length > 0) {
    const names = hooks.map((c) => path.basename(c.path)).join(', ');
    lines.push(`  installed git hooks in ${display(repo, path.dirname(hooks[0]!.path))}: ${names}`);
  }
  for (const change of changes.filter((c) => c.kind === 'git-hook-backup')) {
    const hook = path.basename(change.path, BACKUP_SUFFIX);
    lines.push(`  kept your ${hook} hook as ${display(repo, change.path)}; it still runs first`);
  }
  const config = path.basename(findRepoConfigFile(repo.top) ?? '.chainloop.yml');
  const toCommit = [config, ...(options.claude ? [CLAUDE_SETTINGS_PATH] : [])];
  lines.push(`Next: commit ${toCommit.join(' and ')} so teammates are traced too.`);
  ctx.stdout(`${lines.join('\n')}\n`);
}

/** A path as shown to the user: relative to the work tree when inside it. */
function display(repo: GitRepo, file: string): string {
  const rel = path.relative(repo.top, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
