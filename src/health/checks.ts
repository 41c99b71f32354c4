import fs from 'node:fs';
import path from 'node:path';
import { git } from '../git/run.js';
import { GIT_HOOK_NAMES, isManagedHook } from '../git/hooks-install.js';
import { readManifest } from '../install/manifest.js';
import type { TracePaths } from '../paths.js';

/** One thing that keeps ai-trace from recording or attesting right, and what to do about it. */
export interface HealthWarning {
  code: 'STATE_NOT_OWNED' | 'DISK_FULL' | 'DEAD_LETTERS' | 'HOOKS_BYPASSED' | 'HOOKS_MISSING' | 'DATABASE_DAMAGED' | 'UNATTESTED' | 'NO_TRAILER' | 'EVENTS_LOST';
  message: string;
  fix: string;
}

/** Below this much free space under TRACE_HOME (or 5% of a smaller filesystem), events and answers may not be written. */
export const MIN_FREE_BYTES = 32 * 1024 * 1024;

/** The last time a write under TRACE_HOME failed for lack of space (set by the daemon), if recent. */
export interface DiskState {
  lastFull?: { at: string; error: string };
}

/** A full (or nearly full) filesystem under TRACE_HOME, or a recent write that failed for space. */
export function diskWarning(paths: TracePaths, state: DiskState = {}): HealthWarning | null {
  let free: number | null = null;
  let least = MIN_FREE_BYTES;
  try {
    const st = fs.statfsSync(paths.home);
    free = st.bavail * st.bsize;
    least = Math.min(MIN_FREE_BYTES, (st.blocks * st.bsize) / 20); // a small filesystem: 5% of it
  } catch {
    /* not there yet */
  }
  const full = free !== null && free < least;
  if (!full && !state.lastFull) return null;
  const what = full ? `only ${(free! / (1024 * 1024)).toFixed(1)} MB free` : `a write failed at ${state.lastFull!.at} (${state.lastFull!.error})`;
  return {
    code: 'DISK_FULL',
    message: `the filesystem of TRACE_HOME (${paths.home}) is full: ${what}; agent events wait in the spool unapplied and commits made meanwhile may get no trailer`,
    fix: `free space there (or move TRACE_HOME); the daemon applies the waiting events by itself, then \`trace status\` is clear`,
  };
}

/** Spool entries that could not be applied, with the reasons next to them. */
export function deadLetterWarning(paths: TracePaths): HealthWarning | null {
  let n = 0;
  try {
    n = fs.readdirSync(paths.spoolDead).filter((f) => !f.endsWith('.reason')).length;
  } catch {
    return null;
  }
  if (n === 0) return null;
  return {
    code: 'DEAD_LETTERS',
    message: `${n} hook event(s) could not be applied and were set aside`,
    fix: `see why in ${path.join(paths.spoolDead, '*.reason')}; remove them once read`,
  };
}

/**
 * A repository `trace init` set up whose git hooks no longer run: `core.hooksPath` now points
 * elsewhere, or our hooks were removed or replaced. Commits there get no trailer and pushes no
 * attestation until `trace init` runs again.
 */
export async function hookWarnings(repo: string): Promise<HealthWarning[]> {
  const out = await git(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--git-path', 'hooks'], { allowFailure: true }).catch(() => '');
  const [commonDir, hooksRel] = out.trim().split('\n');
  if (!commonDir || !hooksRel) return [];
  const manifest = readManifest(commonDir);
  if (!manifest) return [];
  const hooksDir = path.resolve(repo, hooksRel);
  const installed = manifest.files.filter((f) => f.kind === 'git-hook').map((f) => path.dirname(f.path));
  const warnings: HealthWarning[] = [];
  if (installed.length > 0 && !installed.every((d) => path.resolve(d) === hooksDir)) {
    warnings.push({
      code: 'HOOKS_BYPASSED',
      message: `${repo}: git runs the hooks in ${hooksDir} (core.hooksPath), not ai-trace's in ${installed[0]}: commits get no trailer, pushes no attestation`,
      fix: `run \`trace init\` in ${repo} (it chains the hooks found in ${hooksDir})`,
    });
    return warnings;
  }
  const missing = GIT_HOOK_NAMES.filter((name) => {
    try {
      return !isManagedHook(fs.readFileSync(path.join(hooksDir, name), 'utf8'));
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    warnings.push({
      code: 'HOOKS_MISSING',
      message: `${repo}: ai-trace's ${missing.join(', ')} hook(s) are gone from ${hooksDir}: commits get no trailer or pushes no attestation`,
      fix: `run \`trace init\` in ${repo}`,
    });
  }
  return warnings;
}

/** The warning line `trace status` and `trace doctor` print. */
export function formatWarning(w: HealthWarning): string {
  return `warning: ${w.message}\n  fix: ${w.fix}`;
}
