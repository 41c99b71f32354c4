import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tokenEnvNames } from '../deliver/plan.js';
import { readRegular } from '../guard/regular-file.js';
import type { Logger } from '../log/logger.js';
import { repoStatePaths } from '../paths.js';
import YAML, { isMap, isSeq } from 'yaml';
import { findRepoConfigFile, parseRepoConfig, type RepoConfig } from './chainloop.js';
import { loadUserConfig, type UserConfig } from './user.js';

/**
 * What the git hook (shims/git-hook.sh) needs from `.chainloop.yml` and `$TRACE_HOME/config.yml`, as a
 * flat file it reads with builtins: `<git common dir>/chainloop-trace/settings`, one `key value` line
 * each. Written by `trace init`, rewritten by the daemon when the configs' bytes change, and by
 * `trace hook settings` when the hook finds it stale (see git-hook.sh: it trusts the file only when it
 * names this work tree's config and TRACE_HOME and is newer than both files).
 */
export interface ShimSettings {
  /** The repository config read (absolute), or '' when the work tree has none. */
  source: string;
  /** `$TRACE_HOME/config.yml`, whether or not it exists. */
  userConfig: string;
  /** sha256 over both configs' names and bytes: the daemon rewrites the file when it changes. */
  hash: string;
  /** `ok`, or `invalid` (then requireTrace and gates are what yaml could still read of it). */
  config: 'ok' | 'invalid';
  requireTrace: boolean;
  /** `policies.gates` names at least one policy: the push waits for the gates. */
  gates: boolean;
  /** Every destination's `tokenEnv` (repository and user config): the hook passes their values on. */
  tokenEnv: string[];
}

/** Where the settings file of a repository lives. */
export function shimSettingsPath(gitCommonDir: string): string {
  return repoStatePaths(gitCommonDir).settings;
}

const MAX_CONFIG_BYTES = 1024 * 1024;

/** The configs' bytes as they are now ('' for a missing file) and the repository config's path. */
function readConfigs(top: string, home: string): { source: string; userConfig: string; repoText: string | null; hash: string } {
  const source = findRepoConfigFile(top) ?? '';
  const userConfig = path.join(home, 'config.yml');
  let repoText: string | null = '';
  if (source) {
    const r = readRegular(source, { maxBytes: MAX_CONFIG_BYTES }); // never blocking on a pipe in its place
    repoText = r.kind === 'ok' ? r.bytes.toString('utf8') : null;
  }
  const u = readRegular(userConfig, { maxBytes: MAX_CONFIG_BYTES }); // a FIFO in its place is never read
  const userText = u.kind === 'ok' ? u.bytes.toString('utf8') : u.kind === 'absent' ? '' : '\0unreadable';
  const hash = createHash('sha256').update(`${source}\0${repoText ?? '\0unreadable'}\0${userConfig}\0${userText}`).digest('hex');
  return { source, userConfig, repoText, hash };
}

/** The settings for work tree `top` under TRACE_HOME `home`, from the configs as they are now. */
export function computeShimSettings(top: string, home: string): ShimSettings {
  const { source, userConfig, repoText, hash } = readConfigs(top, home);
  let repo: RepoConfig | null = null;
  let config: ShimSettings['config'] = 'ok';
  let lenient: { requireTrace: boolean; gates: boolean } | null = null;
  if (source) {
    try {
      if (repoText === null) throw new Error('unreadable');
      repo = parseRepoConfig(repoText, path.basename(source));
    } catch {
      config = 'invalid';
      lenient = repoText === null ? null : leniently(repoText);
    }
  }
  let user: UserConfig = {};
  try {
    user = loadUserConfig(home);
  } catch {
    /* an invalid user config is the daemon's to report; its tokens are not passed on */
  }
  const gates = (repo?.policies as { gates?: unknown } | undefined)?.gates;
  return {
    source,
    userConfig,
    hash,
    config,
    requireTrace: repo?.requireTrace === true || lenient?.requireTrace === true,
    gates: (Array.isArray(gates) && gates.length > 0) || lenient?.gates === true,
    tokenEnv: tokenEnvNames(repo?.destinations, user.destinations),
  };
}

/**
 * What a config that does not load still says plainly (the keys yaml could read past the error): a
 * broken file that asks for requireTrace or gates keeps the push enforced, and the push then fails
 * with the file's error; otherwise git goes on and the daemon records why the push went unattested.
 */
function leniently(text: string): { requireTrace: boolean; gates: boolean } {
  try {
    const doc = YAML.parseDocument(text);
    if (!isMap(doc.contents)) return { requireTrace: false, gates: false };
    const gates = doc.getIn(['policies', 'gates']);
    return { requireTrace: doc.get('requireTrace') === true, gates: isSeq(gates) && gates.items.length > 0 };
  } catch {
    return { requireTrace: false, gates: false };
  }
}

/** The file's text: a value never holds a newline (a path that does is written as `-`, so it never matches). */
export function renderShimSettings(s: ShimSettings): string {
  const value = (v: string) => (/[\n\r]/.test(v) ? '-' : v);
  return [
    '# ai-trace: generated from .chainloop.yml and $TRACE_HOME/config.yml for the git hooks; do not edit',
    `source ${value(s.source)}`,
    `user_config ${value(s.userConfig)}`,
    `hash ${s.hash}`,
    `config ${s.config}`,
    `require_trace ${s.requireTrace ? 1 : 0}`,
    `gates ${s.gates ? 1 : 0}`,
    `token_env ${s.tokenEnv.join(' ')}`,
    '',
  ].join('\n');
}

/** The `hash` recorded in a settings file, or null when there is none. */
export function recordedHash(file: string): string | null {
  try {
    return /^hash ([0-9a-f]{64})$/m.exec(fs.readFileSync(file, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Writes the settings file (atomically: the hook never reads half of one). The configs are read again
 * after the write: one that changed meanwhile is read anew, so the file is never newer than a change it
 * does not reflect.
 */
export function writeShimSettings(top: string, gitCommonDir: string, home: string): ShimSettings {
  const file = shimSettingsPath(gitCommonDir);
  let settings = computeShimSettings(top, home);
  for (let i = 0; i < 3; i++) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, renderShimSettings(settings), { mode: 0o644 });
    fs.renameSync(tmp, file);
    const now = computeShimSettings(top, home);
    if (now.hash === settings.hash) break;
    settings = now;
  }
  return settings;
}

/** `trace init`'s write: none when the file already says the same and is newer than both configs (a second init changes nothing). */
export function ensureShimSettings(top: string, gitCommonDir: string, home: string): void {
  const file = shimSettingsPath(gitCommonDir);
  const settings = computeShimSettings(top, home);
  try {
    const written = fs.statSync(file).mtimeMs;
    const olderThanFile = (f: string) => !fs.existsSync(f) || fs.statSync(f).mtimeMs < written;
    if (olderThanFile(settings.source) && olderThanFile(settings.userConfig) && fs.readFileSync(file, 'utf8') === renderShimSettings(settings)) return;
  } catch {
    /* none yet */
  }
  writeShimSettings(top, gitCommonDir, home);
}

/**
 * The daemon's refresh: rewrites the settings of an initialised repository whose configs' bytes differ
 * from those the file was made from (an edit that kept an old mtime included). True when it wrote.
 */
export function refreshShimSettings(top: string, gitCommonDir: string, home: string): boolean {
  if (!fs.existsSync(repoStatePaths(gitCommonDir).dir)) return false;
  const file = shimSettingsPath(gitCommonDir);
  if (recordedHash(file) === readConfigs(top, home).hash) return false;
  writeShimSettings(top, gitCommonDir, home);
  return true;
}

/** The daemon's refresh, told to its log; never throws (a hook that finds the file stale asks node itself). */
export function refreshShimSettingsLogged(top: string, gitCommonDir: string | null, home: string, log: Pick<Logger, 'info' | 'warn'>): void {
  if (!gitCommonDir) return;
  try {
    if (refreshShimSettings(top, gitCommonDir, home)) log.info({ repo: top }, 'git hook settings rewritten: the configuration changed');
  } catch (err) {
    log.warn({ repo: top, err: (err as Error).message }, 'git hook settings not rewritten');
  }
}
