import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ADAPTERS } from '../agents/registry.js';
import { TraceError } from '../errors.js';
import { locateRepo, stripManagedHook, type GitRepo } from '../git/hooks-install.js';
import {
  applyRestore,
  planRestore,
  readManifest,
  type RestoreAction,
  type RestoreActionType,
  type Stripper,
} from '../install/manifest.js';
import { setOptOut } from '../capture/auto-hooks.js';
import { repoStatePaths, tracePaths } from '../paths.js';
import type { CliContext, Command } from './context.js';
import { usageBecause } from './usage.js';

const USAGE = 'usage: trace uninstall [--yes]';

/** How each kind of file loses ai-trace's parts when the user changed it after init. */
const STRIPPERS: Record<string, Stripper> = {
  'git-hook': stripManagedHook,
  ...Object.fromEntries(ADAPTERS.flatMap((a) => a.hookFiles.map((f) => [f.kind, (text: string) => f.remove(text)]))),
};

/** Asks the user a yes/no question on the terminal; tests pass their own. */
export type Confirm = (question: string) => Promise<boolean>;

const PLANNED: Record<RestoreActionType, string> = {
  restore: 'restore',
  delete: 'delete',
  strip: "remove ai-trace's hooks from",
  keep: 'leave',
  none: 'leave',
};

/** `trace uninstall [--yes]`: puts every file init touched back as it was, then removes ai-trace's state. */
export const uninstall: Command = (args, ctx) => runUninstall(args, ctx, process.stdin.isTTY === true, askOnTerminal);

/** The command with its terminal seams passed in. */
export async function runUninstall(args: string[], ctx: CliContext, interactive: boolean, confirm: Confirm): Promise<number> {
  let yes: boolean;
  try {
    yes = parseArgs({ args, strict: true, allowPositionals: false, options: { yes: { type: 'boolean', default: false } } }).values.yes;
  } catch (err) {
    throw usageBecause((err as Error).message, USAGE, err);
  }
  const repo = await locateRepo(ctx.cwd, ctx.env, 'trace uninstall');
  const manifest = readManifest(repo.commonDir);
  if (!manifest) {
    throw new TraceError('NOT_INITIALIZED', `ai-trace is not installed in this repository (no ${display(repo, repoStatePaths(repo.commonDir).manifest)}); nothing to uninstall`);
  }
  const actions = planRestore(manifest, STRIPPERS);
  if (!yes) {
    ctx.stdout(`trace uninstall will:\n${actions.map((a) => `  ${PLANNED[a.action]} ${display(repo, a.path)}${detail(a)}`).join('\n')}\n`);
    if (!interactive) throw new TraceError('USAGE', 'pass --yes to uninstall non-interactively');
    if (!(await confirm('Uninstall ai-trace from this repository? [y/N] '))) throw new TraceError('CANCELLED', 'cancelled; nothing was changed');
  }
  applyRestore(repo.commonDir, manifest, actions);
  setOptOut(tracePaths(ctx.env).home, repo.commonDir, true); // the daemon does not put the git hooks back on the next agent event
  const lines = actions.map((a) => `  ${display(repo, a.path)}: ${a.reason}`);
  ctx.stdout(`trace uninstall: removed ai-trace from ${repo.top}\n${lines.join('\n')}\n`);
  const kept = actions.filter((a) => a.action === 'strip' || a.action === 'keep');
  if (kept.length > 0) {
    ctx.stdout('Some files were changed after trace init, so they were not restored byte for byte; review them.\n');
  }
  return 0;
}

function detail(a: RestoreAction): string {
  switch (a.action) {
    case 'restore':
      return ' (original content and mode)';
    case 'delete':
      return ' (created by trace init)';
    case 'strip':
      return ' (you changed it since trace init; your changes stay)';
    case 'keep':
    case 'none':
      return ` (${a.reason})`;
  }
}

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function display(repo: GitRepo, file: string): string {
  const rel = path.relative(repo.top, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}
