import fs from 'node:fs';
import path from 'node:path';

/**
 * Gemini CLI's version: no payload, hook environment variable or chat record carries it, so at a session's
 * start the running client is looked up instead: a process whose command line runs Gemini's script and
 * whose working directory is the session's, then the `@google/gemini-cli` package.json above that script.
 * Linux only (/proc); elsewhere, or when nothing matches, the version stays unknown. Only the script path
 * is read from a command line (never the prompt after it).
 */
export function findGeminiVersion(cwd: string | undefined, proc = '/proc'): string | undefined {
  if (!cwd) return undefined;
  let pids: string[];
  try {
    pids = fs.readdirSync(proc).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  // newest first: the client that just started this session
  for (const pid of pids.sort((a, b) => Number(b) - Number(a))) {
    let argv: string[];
    try {
      argv = fs.readFileSync(path.join(proc, pid, 'cmdline'), 'utf8').split('\0').slice(0, 4);
    } catch {
      continue;
    }
    const script = argv.find((a) => /(^|\/)gemini(\.js)?$/.test(a));
    if (!script) continue;
    try {
      if (fs.realpathSync(path.join(proc, pid, 'cwd')) !== fs.realpathSync(cwd)) continue;
    } catch {
      continue;
    }
    const version = packageVersion(script);
    if (version) return version;
  }
  return undefined;
}

/** The version in the `@google/gemini-cli` package.json at or above the (symlink-resolved) script. */
function packageVersion(script: string): string | undefined {
  let dir: string;
  try {
    dir = path.dirname(fs.realpathSync(script));
  } catch {
    return undefined;
  }
  for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@google/gemini-cli' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here: one level up
    }
  }
  return undefined;
}
