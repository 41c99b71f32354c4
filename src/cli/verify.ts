import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleDigest } from '../attest/digest.js';
import { PUBLIC_KEY_FILE } from '../attest/key.js';
import { sessionMaterials } from '../attest/statement.js';
import { verifyBundle } from '../attest/verify.js';
import { parseTrailerValue, TRAILER_KEY } from '../attribution/commit.js';
import { bundlesForCommit, publicKeys, readAttestations, type StoredAttestation } from '../git/attestations.js';
import { TraceError } from '../errors.js';
import { git, repoTop } from '../git/run.js';
import { tracePaths } from '../paths.js';
import type { Command, CliContext } from './context.js';
import { resolveCommit } from './resolve.js';
import { usage } from './usage.js';

const FORM = 'trace verify [BUNDLE | --commit C | --range A..B] [--key PEM]…';

/** Keys to trust: --key files, this user's key, and the keys published with the repository's attestations. */
async function trustedKeys(ctx: CliContext, repo: string | null, extra: string[]): Promise<string[]> {
  const keys = extra.map((f) => fs.readFileSync(path.resolve(ctx.cwd, f), 'utf8'));
  const own = path.join(tracePaths(ctx.env).keyDir, PUBLIC_KEY_FILE);
  if (fs.existsSync(own)) keys.push(fs.readFileSync(own, 'utf8'));
  if (repo) keys.push(...(await publicKeys(repo)).map((k) => k.pem));
  return [...new Set(keys)];
}

function checkStored(a: StoredAttestation): string | null {
  const actual = bundleDigest(a.bundleJson);
  return actual === a.digest ? null : `stored bundle ${a.digest.slice(0, 12)} was modified (its sha256 is ${actual.slice(0, 12)})`;
}

/** The commits a bundle claims to cover, read without trusting it; null when it cannot even be read. */
function claimedSubjects(bundleJson: string): string[] | null {
  try {
    const b = JSON.parse(bundleJson) as { dsseEnvelope?: { payload?: string } };
    const st = JSON.parse(Buffer.from(b.dsseEnvelope?.payload ?? '', 'base64').toString('utf8')) as { subject?: { digest?: { gitCommit?: string } }[] };
    return (st.subject ?? []).map((x) => String(x.digest?.gitCommit));
  } catch {
    return null;
  }
}

/** `trace verify`: offline verification of attestations (signature, statement, subjects, schema). */
export const verify: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    options: { commit: { type: 'string' }, range: { type: 'string' }, key: { type: 'string', multiple: true } },
    allowPositionals: true,
  });
  const modes = [positionals.length > 0, values.commit !== undefined, values.range !== undefined].filter(Boolean).length;
  if (modes !== 1 || positionals.length > 1) throw usage(FORM);
  const repo = await repoTop(ctx.cwd);
  const keys = await trustedKeys(ctx, repo, values.key ?? []);
  if (keys.length === 0) throw new TraceError('VERIFY_FAILED', 'no public key to verify with: pass --key PEM, or trace fetch the repository attestations');
  const fail = (reason: string): never => {
    throw new TraceError('VERIFY_FAILED', `FAILED: ${reason}`);
  };

  if (positionals[0] !== undefined) {
    const text = fs.readFileSync(path.resolve(ctx.cwd, positionals[0]), 'utf8');
    const r = verifyBundle(text, { publicKeys: keys });
    if (!r.ok) return fail(r.reason);
    ctx.stdout(`OK: signed by ${r.keyFingerprint}; ${r.statement.subject.length} commit(s), ${sessionMaterials(r.statement).length} session(s)\n`);
    return 0;
  }
  if (!repo) throw new TraceError('NOT_A_REPO', `${ctx.cwd} is not in a git work tree: run --commit/--range inside the repository`);

  if (values.commit !== undefined) {
    const sha = await resolveCommit(repo, values.commit);
    const found = await bundlesForCommit(repo, sha);
    if (found.length === 0) return fail(`no attestation covers ${sha}: push it, or trace fetch the remote's attestations`);
    for (const a of found) {
      const bad = checkStored(a);
      if (bad) return fail(bad);
      const r = verifyBundle(a.bundleJson, { publicKeys: keys });
      if (!r.ok) return fail(`attestation ${a.digest.slice(0, 12)}: ${r.reason}`);
      if (!r.statement.subject.some((s) => s.digest.gitCommit === sha)) return fail(`attestation ${a.digest.slice(0, 12)} does not name ${sha}`);
    }
    ctx.stdout(`OK: ${sha} is covered by ${found.length} valid attestation(s)\n`);
    return 0;
  }

  const range = values.range!;
  if (!range.includes('..')) throw usage(FORM);
  const log = await git(repo, ['log', `--format=%H%x00%(trailers:key=${TRAILER_KEY},valueonly,separator=%x2C)%x00`, range]).catch((e: Error) => {
    throw new TraceError('NOT_FOUND', `cannot read ${range}: ${e.message}`);
  });
  const traced = new Map<string, string[]>();
  const parts = log.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const sha = parts[i]!.trim();
    const sessions = parseTrailerValue(parts[i + 1]!);
    if (sha && sessions.length) traced.set(sha, sessions);
  }
  const all = await readAttestations(repo);
  const covered = new Map<string, Set<string>>();
  let checked = 0;
  for (const a of all) {
    const bad = checkStored(a);
    const r = bad ? null : verifyBundle(a.bundleJson, { publicKeys: keys });
    if (!r || !r.ok) {
      const claimed = claimedSubjects(a.bundleJson);
      if (claimed === null || claimed.some((s) => traced.has(s))) return fail(bad ?? `attestation ${a.digest.slice(0, 12)}: ${(r as { reason: string }).reason}`);
      continue;
    }
    const subjects = r.statement.subject.map((s) => s.digest.gitCommit);
    if (!subjects.some((s) => traced.has(s))) continue;
    checked++;
    const sessions = sessionMaterials(r.statement).map((m) => String((m.data as { session?: { id?: string } }).session?.id));
    for (const s of subjects) covered.set(s, new Set([...(covered.get(s) ?? []), ...sessions]));
  }
  for (const [sha, sessions] of traced) {
    const have = covered.get(sha);
    if (!have) return fail(`commit ${sha} names AI sessions but no valid attestation covers it: push it, or trace fetch`);
    const missing = sessions.filter((s) => !have.has(s));
    if (missing.length) return fail(`commit ${sha}: session(s) ${missing.join(', ')} named in its trailer are missing from its attestations`);
  }
  ctx.stdout(`OK: ${traced.size} traced commit(s) in ${range}, covered by ${checked} valid attestation(s)\n`);
  return 0;
};
