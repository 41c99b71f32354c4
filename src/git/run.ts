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

/** The environment without git's repository-local variables, for running git in another repository. */
export function cleanGitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const k of REPO_LOCAL_VARS) delete out[k];
  for (const k of Object.keys(out)) if (k.startsWith('GIT_CONFIG_KEY_') || k.startsWith('GIT_CONFIG_VALUE_')) delete out[k];
  return out;
}

/** Options for one git run: extra environment (e.g. GIT_INDEX_FILE) and stdin. */
export interface GitOptions {
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  allowFailure?: boolean;
}

/** Runs git in `cwd` and returns stdout; a failure becomes a GIT_FAILED TraceError naming the command. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const { execa } = await loadExeca();
  const r = await execa('git', args, {
    cwd,
    env: { ...cleanGitEnv(), ...options.env },
    extendEnv: false,
    input: options.input,
    reject: false,
    stripFinalNewline: false,
  });
  if (r.exitCode !== 0 && !options.allowFailure) {
    throw new TraceError('GIT_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${String(r.stderr).trim() || `exit ${r.exitCode}`}`);
  }
  return String(r.stdout);
}

/** Like `git` but returns the raw stdout bytes. */
export async function gitBuffer(cwd: string, args: string[], options: GitOptions = {}): Promise<Buffer> {
  const { execa } = await loadExeca();
  const r = await execa('git', args, {
    cwd,
    env: { ...cleanGitEnv(), ...options.env },
    extendEnv: false,
    input: options.input,
    reject: false,
    encoding: 'buffer',
    // the bytes as git wrote them: `cat-file --batch` ends with a newline that belongs to the format
    stripFinalNewline: false,
  });
  if (r.exitCode !== 0 && !options.allowFailure) {
    throw new TraceError('GIT_FAILED', `git ${args.join(' ')} failed in ${cwd}: ${Buffer.from(r.stderr).toString().trim()}`);
  }
  return Buffer.from(r.stdout);
}

/** The work tree's top-level directory containing `dir`, or null when it is not in a git work tree. */
export async function repoTop(dir: string): Promise<string | null> {
  const out = await git(dir, ['rev-parse', '--show-toplevel'], { allowFailure: true }).catch(() => '');
  return out.trim() || null;
}

/**
 * Reads many objects at once through `git cat-file --batch`; null for a missing object, and for one
 * larger than `maxBytes` (default the snapshot cap): its bytes stream past unkept, so a huge blob never
 * sits in the daemon's memory.
 */
export async function readObjects(cwd: string, specs: string[], env?: Record<string, string | undefined>, maxBytes = limits().snapshotBytes): Promise<(Buffer | null)[]> {
  if (specs.length === 0) return [];
  const { execa } = await loadExeca();
  const sub = execa('git', ['cat-file', '--batch'], {
    cwd, env: { ...cleanGitEnv(), ...env }, extendEnv: false, input: specs.join('\n') + '\n', reject: false, buffer: false, encoding: 'buffer',
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
      const size = Number(line.split(' ')[2]);
      body = { size, left: size + 1, parts: size <= maxBytes ? [] : null }; // + the newline after the object
    }
  }
  await sub;
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
  const read = await readObjects(top, missing.map((i) => specs[i]!), env);
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
