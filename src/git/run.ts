import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TraceError } from '../errors.js';
import { limits } from '../guard/limits.js';

let execaModule: Promise<typeof import('execa')> | undefined;

/**
 * execa, imported on the first git run: the import alone takes ~100 ms, which a CLI command that only
 * talks to the daemon (status, session, log) never needs to pay.
 */
export function loadExeca(): Promise<typeof import('execa')> {
  return (execaModule ??= import('execa'));
}

/** Variables git sets for hooks that would point a child git at the wrong repository or index. */
const REPO_LOCAL_VARS = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_NAMESPACE', 'GIT_IMPLICIT_WORK_TREE', 'GIT_GRAFT_FILE',
  'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT', 'GIT_SHALLOW_FILE', 'GIT_REPLACE_REF_BASE',
  'GIT_NO_REPLACE_OBJECTS', 'GIT_INTERNAL_SUPER_PREFIX', 'GIT_QUARANTINE_PATH', 'GIT_REFLOG_ACTION', 'GIT_EXEC_PATH',
];

/** For git that talks to remotes or whose messages are read: never a credential prompt, English messages. */
const NON_INTERACTIVE = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' } as const;

/**
 * The one clean environment for our git children: `env` without git's repository-local variables (a
 * hook's GIT_DIR, GIT_INDEX_FILE, … would point a child git at the wrong repository or index);
 * `nonInteractive` also turns credential prompts off and git's messages to English (C locale).
 */
export function cleanGitEnv(env: NodeJS.ProcessEnv = process.env, opts: { nonInteractive?: boolean } = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const k of REPO_LOCAL_VARS) delete out[k];
  for (const k of Object.keys(out)) if (k.startsWith('GIT_CONFIG_KEY_') || k.startsWith('GIT_CONFIG_VALUE_')) delete out[k];
  return opts.nonInteractive ? { ...out, ...NON_INTERACTIVE } : out;
}

/** Options for one git run. */
export interface GitOptions {
  /** Variables set on top of the clean base environment (e.g. GIT_INDEX_FILE, which cleaning removes from the base). */
  env?: Record<string, string | undefined>;
  /** The environment cleaned with cleanGitEnv to start from (default process.env). */
  baseEnv?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  allowFailure?: boolean;
  /** Milliseconds before git is killed (default: none). */
  timeout?: number;
}

/** What one git run left: exit code (-1 when git could not run), raw stdout, trimmed stderr. */
export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

/** The one git runner: never throws for git's own failure, returns what it left. */
export async function runGit(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const { execa } = await loadExeca();
  const r = await execa('git', args, {
    cwd,
    env: { ...cleanGitEnv(options.baseEnv), ...options.env },
    extendEnv: false,
    input: options.input,
    reject: false,
    encoding: 'buffer',
    // the bytes as git wrote them: `cat-file --batch` ends with a newline that belongs to the format
    stripFinalNewline: false,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  const stderr = Buffer.from(r.stderr as Uint8Array).toString('utf8').trim();
  return {
    exitCode: r.exitCode ?? -1,
    stdout: Buffer.from(r.stdout as Uint8Array),
    // git never ran (a missing cwd): execa's reason instead
    stderr: stderr || (r.exitCode === undefined && !r.timedOut ? String(r.message).split('\n').slice(1).join(' ').trim() : ''),
    timedOut: r.timedOut === true,
  };
}

/** A GIT_FAILED error for a run that failed: the command, where, and git's message. */
export function gitFailed(cwd: string, args: string[], r: GitResult): TraceError {
  const why = r.timedOut ? 'timed out' : r.stderr || `exit ${r.exitCode}`;
  return new TraceError('GIT_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${why}`);
}

/** Runs git in `cwd` and returns stdout; a failure becomes a GIT_FAILED TraceError naming the command. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  return (await gitBuffer(cwd, args, options)).toString('utf8');
}

/** Like `git` but returns the raw stdout bytes. */
export async function gitBuffer(cwd: string, args: string[], options: GitOptions = {}): Promise<Buffer> {
  const r = await runGit(cwd, args, options);
  if (r.exitCode !== 0 && !options.allowFailure) throw gitFailed(cwd, args, r);
  return r.stdout;
}

/** The git dir of the work tree around `dir` and the common one its linked work trees share, absolute; null outside a repository. */
export async function gitDirs(dir: string, options: Pick<GitOptions, 'baseEnv' | 'env'> = {}): Promise<{ gitDir: string; commonDir: string } | null> {
  const r = await runGit(dir, ['rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'], options);
  const [gitDir, commonDir] = r.exitCode === 0 ? r.stdout.toString('utf8').trim().split('\n') : [];
  return gitDir && commonDir ? { gitDir, commonDir } : null;
}

/** The work tree's top-level directory containing `dir`, or null when it is not in a git work tree. */
export async function repoTop(dir: string): Promise<string | null> {
  const out = await git(dir, ['rev-parse', '--show-toplevel'], { allowFailure: true }).catch(() => '');
  return out.trim() || null;
}

/** How readObjects reads. */
export interface ReadObjectsOptions extends Pick<GitOptions, 'env' | 'baseEnv'> {
  /** Objects larger than this stream past unkept and read as null (default the snapshot cap, TRACE_MAX_SNAPSHOT_BYTES). */
  maxBytes?: number;
  /** A tree, commit or tag read as null, as a missing object does (default: any object's bytes). */
  blobsOnly?: boolean;
  /** Throw GIT_FAILED when git fails or its answer ends early, instead of reading the rest as missing. */
  strict?: boolean;
}

/**
 * The one `git cat-file --batch` reader: many objects (ids or `<rev>:<path>`) in one run, in order;
 * null for a missing object, and for one larger than `maxBytes`: its bytes stream past unkept, so a
 * huge blob never sits in the daemon's memory.
 */
export async function readObjects(cwd: string, specs: string[], opts: ReadObjectsOptions = {}): Promise<(Buffer | null)[]> {
  if (specs.length === 0) return [];
  const maxBytes = opts.maxBytes ?? limits().snapshotBytes;
  const { execa } = await loadExeca();
  const sub = execa('git', ['cat-file', '--batch'], {
    cwd, env: { ...cleanGitEnv(opts.baseEnv), ...opts.env }, extendEnv: false, input: specs.join('\n') + '\n', reject: false, buffer: { stdout: false }, encoding: 'buffer',
  });
  const result: (Buffer | null)[] = [];
  let header = Buffer.alloc(0);
  let body: { size: number; left: number; parts: Buffer[] | null } | null = null;
  for await (const piece of sub.stdout as AsyncIterable<Uint8Array>) {
    let chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (chunk.length > 0) {
      if (body) {
        const n = Math.min(body.left, chunk.length);
        body.parts?.push(chunk.subarray(0, n));
        body.left -= n;
        chunk = chunk.subarray(n);
        if (body.left === 0) {
          result.push(body.parts ? Buffer.concat(body.parts).subarray(0, body.size) : null);
          body = null;
        }
        continue;
      }
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        header = Buffer.concat([header, chunk]);
        break;
      }
      const line = Buffer.concat([header, chunk.subarray(0, nl)]).toString();
      header = Buffer.alloc(0);
      chunk = chunk.subarray(nl + 1);
      if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
        result.push(null);
        continue;
      }
      const [, type, sizeText] = line.split(' ');
      const size = Number(sizeText);
      if (!Number.isSafeInteger(size)) {
        sub.kill();
        throw new TraceError('GIT_FAILED', `git cat-file --batch in ${cwd} answered '${line}' for ${specs[result.length]}`);
      }
      const keep = size <= maxBytes && (!opts.blobsOnly || type === 'blob');
      body = { size, left: size + 1, parts: keep ? [] : null }; // + the newline after the object
    }
  }
  const done = await sub;
  if (opts.strict && (done.exitCode !== 0 || result.length < specs.length)) {
    const why = Buffer.from(done.stderr ?? []).toString('utf8').trim() || `it answered ${result.length} of ${specs.length} objects`;
    throw new TraceError('GIT_FAILED', `git cat-file --batch failed in ${cwd}: ${why}`);
  }
  while (result.length < specs.length) result.push(null);
  return result;
}

/**
 * The blobs `oids` name at `paths` of the work tree `top`: a work-tree file whose git hash is the
 * blob's id is read from disk (the usual case when committing what was staged whole), the rest from
 * git in one `cat-file --batch` run with `specs`.
 */
export async function readBlobsPreferWorkTree(
  top: string, paths: string[], oids: string[], specs: string[], env?: Record<string, string | undefined>,
): Promise<(Buffer | null)[]> {
  const out: (Buffer | null)[] = paths.map((p, i) => workTreeBlob(path.join(top, p), oids[i] ?? ''));
  const missing = out.flatMap((b, i) => (b ? [] : [i]));
  const read = await readObjects(top, missing.map((i) => specs[i]!), { env });
  missing.forEach((i, k) => (out[i] = read[k] ?? null));
  return out;
}

function workTreeBlob(file: string, oid: string): Buffer | null {
  const algo = oid.length === 40 ? 'sha1' : oid.length === 64 ? 'sha256' : null;
  if (!algo || /^0+$/.test(oid)) return null;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > limits().snapshotBytes) return null;
    const bytes = fs.readFileSync(file);
    const id = createHash(algo).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    return id === oid ? bytes : null;
  } catch {
    return null;
  }
}
