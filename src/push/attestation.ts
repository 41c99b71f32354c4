import { buildStatement, sessionMaterial } from '../attest/statement.js';
import { loadOrCreateKey, type SigningKey } from '../attest/key.js';
import { bundleDigest, signStatement } from '../attest/sign.js';
import type { Recorder } from '../capture/recorder.js';
import type { RepoConfig } from '../config/chainloop.js';
import { buildSessionData, safeRemoteUrl } from '../evidence/session-data.js';
import type { CommitRecord } from '../store/commits.js';

/** A signed attestation ready to queue. */
export interface SignedAttestation {
  bundleJson: string;
  digest: string;
  key: SigningKey;
  sessions: string[];
  missingSessions: string[];
}

/**
 * One attestation for a push: subjects are the traced commits, one CHAINLOOP_AI_CODING_SESSION
 * material per contributing session (code_changes over that session's commits in the push).
 */
export async function buildPushAttestation(
  rec: Recorder,
  opts: { repo: string; remoteUrl: string; commits: string[]; config: RepoConfig | null; keyDir: string; now?: Date },
): Promise<SignedAttestation> {
  const records = opts.commits.map((sha) => rec.commits.get(sha, opts.repo)).filter((r): r is CommitRecord => r !== undefined);
  const sessionIds = [...new Set(records.flatMap((r) => r.sessions))];
  const materials = [];
  const missing: string[] = [];
  for (const id of sessionIds) {
    const s = rec.sessions.get(id);
    if (!s) {
      missing.push(id);
      continue;
    }
    rec.refreshSession(s);
    const data = await buildSessionData(s, rec.commits, records.filter((r) => r.sessions.includes(id)));
    materials.push(sessionMaterial(data as unknown as Record<string, unknown>));
  }
  const key = loadOrCreateKey(opts.keyDir);
  const repository = opts.remoteUrl ? safeRemoteUrl(opts.remoteUrl) : opts.repo;
  const statement = buildStatement({
    commits: records.map((r) => ({ sha: r.sha, name: repository })),
    materials,
    project: {
      projectName: opts.config?.projectName ?? (opts.repo.split('/').pop() || 'unnamed'),
      ...(opts.config?.organization ? { organization: opts.config.organization } : {}),
      ...(opts.config?.projectVersion ? { projectVersion: opts.config.projectVersion } : {}),
    },
    publicKeyFingerprint: key.fingerprint,
    createdAt: opts.now ?? new Date(),
  });
  const bundle = await signStatement(statement, key);
  const bundleJson = JSON.stringify(bundle);
  return { bundleJson, digest: bundleDigest(bundle), key, sessions: sessionIds.filter((s) => !missing.includes(s)), missingSessions: missing };
}
