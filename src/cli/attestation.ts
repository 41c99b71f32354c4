import { parseArgs } from 'node:util';
import { SESSION_EVIDENCE_ID } from '../attest/statement.js';
import { bundlesForCommit } from '../git/attestations.js';
import { TraceError } from '../errors.js';
import { repoTop } from '../git/run.js';
import type { AttestationResponse } from '../protocol/types.js';
import type { Command } from './context.js';
import { withDaemon } from './daemon-access.js';
import { resolveCommit } from './resolve.js';
import { usage } from './usage.js';

/** What is shown: the daemon's answer, or (id 0) a bundle read from the attestations ref. */
type Found = Pick<AttestationResponse, 'id' | 'digest' | 'commits' | 'bundle'>;

/** `trace attestation show ID|COMMIT [--json]`: the Sigstore bundle of a push, or of the push covering a commit. */
export const attestation: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals[0] !== 'show' || positionals.length !== 2) throw usage('trace attestation show ID|COMMIT [--json]');
  const ref = positionals[1]!;
  const repo = await repoTop(ctx.cwd);
  const isId = /^\d{1,9}$/.test(ref);
  const sha = !isId && repo ? await resolveCommit(repo, ref) : ref;
  let found: Found | undefined;
  try {
    found = await withDaemon<AttestationResponse>(ctx, (c) => c.call('GET', `/v1/attestations?${isId ? 'id' : 'commit'}=${encodeURIComponent(sha)}`));
  } catch (err) {
    if (!(err instanceof TraceError && err.code === 'NOT_FOUND') || isId || !repo) throw err;
    const stored = await bundlesForCommit(repo, sha);
    const last = stored[stored.length - 1];
    if (!last) throw err;
    const bundle = JSON.parse(last.bundleJson) as AttestationResponse['bundle'];
    found = { id: 0, digest: last.digest, commits: [sha], bundle };
  }
  if (values.json) {
    ctx.stdout(JSON.stringify(found.bundle, null, 2) + '\n');
    return 0;
  }
  const env = (found.bundle as { dsseEnvelope?: { payload?: string } }).dsseEnvelope;
  const statement = env?.payload ? (JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { subject: { digest: { gitCommit: string } }[]; predicate: { materials: { 'chainloop.material.evidence.id'?: string; data: { session: { id: string } } }[] } }) : undefined;
  ctx.stdout(`attestation ${found.digest}${found.id ? ` (push job ${found.id})` : ''}\n`);
  ctx.stdout(`commits:  ${statement?.subject.map((s) => s.digest.gitCommit.slice(0, 12)).join(', ') ?? found.commits.join(', ')}\n`);
  ctx.stdout(`sessions: ${statement?.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === SESSION_EVIDENCE_ID).map((m) => m.data.session.id).join(', ') ?? '-'}\n`);
  return 0;
};
