import fs from 'node:fs';
import path from 'node:path';
import { findRepoConfigFile, peekProjectName } from '../config/chainloop.js';
import { readRegular } from '../guard/regular-file.js';
import { isManagedHook, locateRepo, planGitHooks, GIT_HOOK_NAMES } from '../git/hooks-install.js';
import { installFiles } from '../install/manifest.js';

/**
 * A teammate's clone of a traced repository (`.chainloop.yml` naming a project committed, `trace init`
 * never run there): the first agent event gets the git hooks installed exactly as `trace init` installs
 * them (a foreign hook chained, every original recorded for `trace uninstall`), so the teammate's AI
 * commits carry the trailer and get attested. Returns what was done, or null when nothing was needed.
 * Nothing but the git hooks is touched (the committed config and agent settings are the team's).
 */
export async function ensureGitHooks(top: string, packageRoot: string, home: string): Promise<string | null> {
  const config = findRepoConfigFile(top);
  if (!config) return null;
  const r = readRegular(config, { maxBytes: 1024 * 1024, within: top });
  if (r.kind !== 'ok' || !peekProjectName(r.bytes.toString('utf8'))) return null;
  const repo = await locateRepo(top, process.env);
  if (isOptedOut(home, repo.commonDir)) return null;
  if (GIT_HOOK_NAMES.every((name) => isOurs(path.join(repo.hooksDir, name)))) return null;
  const changes = planGitHooks(repo.hooksDir, packageRoot);
  if (changes.length === 0) return null;
  installFiles(repo.commonDir, changes);
  return `installed the git hooks in ${repo.hooksDir} (${path.basename(config)} names a project; \`trace uninstall\` removes them)`;
}

function isOurs(file: string): boolean {
  try {
    return isManagedHook(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Clones whose user ran `trace uninstall`: the daemon does not install the git hooks there again
 * (`trace init` does, and takes the clone off the list). Kept in TRACE_HOME, one git dir a line, so
 * uninstall leaves the repository exactly as it was.
 */
function optOutFile(home: string): string {
  return path.join(home, 'uninstalled-repos.txt');
}

function optedOut(home: string): string[] {
  try {
    return fs.readFileSync(optOutFile(home), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function isOptedOut(home: string, gitCommonDir: string): boolean {
  return optedOut(home).includes(path.resolve(gitCommonDir));
}

export function setOptOut(home: string, gitCommonDir: string, out: boolean): void {
  const dir = path.resolve(gitCommonDir);
  const list = optedOut(home).filter((d) => d !== dir);
  if (out) list.push(dir);
  if (!out && !fs.existsSync(optOutFile(home))) return;
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fs.writeFileSync(optOutFile(home), list.map((d) => `${d}\n`).join(''), { mode: 0o600 });
}
