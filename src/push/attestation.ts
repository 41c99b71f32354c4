import { signalsMaterial } from '../attest/session-signals.js';
import { buildStatement, sessionMaterial, type CommitAnnotations, type EvidenceMaterial } from '../attest/statement.js';
import { finalizeSignals, type SignalState } from '../signals/state.js';
import { loadOrCreateKey, type SigningKey } from '../attest/key.js';
import { bundleDigest } from '../attest/digest.js';
import { signStatement } from '../attest/sign.js';
import type { ReadModel } from '../query/deps.js';
import { refreshUsage } from '../agents/usage.js';
import type { RepoConfig } from '../config/chainloop.js';
import { collectAgentConfigs } from '../agent-config/collect.js';
import { buildSessionData, safeRemoteUrl } from '../evidence/session-data.js';
import { git } from '../git/run.js';
import type { CommitRecord } from '../store/commits.js';

/** A signed attestation ready to queue. */
export interface SignedAttestation {
  bundleJson: string;
  digest: string;
  key: SigningKey;
  sessions: string[];
  missingSessions: string[];
}

/** A push the repository's policy gates refuse: why, one line per violation. Nothing was signed. */
export interface BlockedAttestation {
  blocked: string[];
  sessions: string[];
  missingSessions: string[];
}

/**
 * One attestation for a push: subjects are the traced commits, one CHAINLOOP_AI_CODING_SESSION
 * material per contributing session (code_changes over that session's commits in the push). When
 * `.chainloop.yml` has policies, their results are recorded in it, and a gate's violation blocks it.
 */
export async function buildPushAttestation(
  rec: Pick<ReadModel, 'commits' | 'sessions'>,
  opts: {
    repo: string; remoteUrl: string; commits: string[]; config: RepoConfig | null; keyDir: string; now?: Date;
    /** The pushed commit and ref whose agent configuration is attached (default: the newest traced commit). */
    tip?: { sha: string; ref?: string };
    /** Each session's capture-time signals; every session gets an AI_TRACE_SESSION_SIGNALS material beside its own. */
    signals?: { get(sessionId: string): SignalState | undefined };
  },
): Promise<SignedAttestation | BlockedAttestation> {
  const records = opts.commits.map((sha) => rec.commits.get(sha, opts.repo)).filter((r): r is CommitRecord => r !== undefined);
  const sessionIds = [...new Set(records.flatMap((r) => r.sessions))];
  const materials: EvidenceMaterial[] = [];
  const missing: string[] = [];
  for (const id of sessionIds) {
    const s = rec.sessions.get(id);
    if (!s) {
      missing.push(id);
      continue;
    }
    refreshUsage(s);
    rec.sessions.save(s);
    const data = await buildSessionData(s, rec.commits, records.filter((r) => r.sessions.includes(id)));
    materials.push(sessionMaterial(data as unknown as Record<string, unknown>));
    if (opts.signals) materials.push(signalsMaterial(finalizeSignals(id, opts.signals.get(id), s.filesTouched)));
  }
  const policy = opts.config?.policies !== undefined ? await (await import('../review/gates.js')).pushPolicies(opts.repo, opts.config.policies, materials) : null;
  const sessions = sessionIds.filter((s) => !missing.includes(s));
  if (policy && policy.blocking.length > 0) return { blocked: policy.blocking, sessions, missingSessions: missing };
  const notes = await commitAnnotations(opts.repo, records.map((r) => r.sha));
  const materialsOfConfig = await agentConfigMaterials(opts.repo, opts.remoteUrl, opts.tip ?? { sha: opts.commits[opts.commits.length - 1] ?? 'HEAD' });
  materials.push(...materialsOfConfig);
  const key = loadOrCreateKey(opts.keyDir);
  const repository = opts.remoteUrl ? safeRemoteUrl(opts.remoteUrl) : opts.repo;
  const statement = buildStatement({
    commits: records.map((r) => ({ sha: r.sha, name: repository, ...(notes.has(r.sha) ? { annotations: notes.get(r.sha)! } : {}) })),
    materials,
    project: {
      projectName: opts.config?.projectName ?? (opts.repo.split('/').pop() || 'unnamed'),
      ...(opts.config?.organization ? { organization: opts.config.organization } : {}),
      ...(opts.config?.projectVersion ? { projectVersion: opts.config.projectVersion } : {}),
    },
    publicKeyFingerprint: key.fingerprint,
    createdAt: opts.now ?? new Date(),
    ...(policy ? { policyEvaluations: policy.evaluations } : {}),
  });
  const bundle = await signStatement(statement, key);
  const bundleJson = JSON.stringify(bundle);
  return { bundleJson, digest: bundleDigest(bundleJson), key, sessions, missingSessions: missing };
}

/** Author email and committer date (UTC) of each commit, read in one git call; none when git cannot say. */
async function commitAnnotations(repo: string, shas: string[]): Promise<Map<string, CommitAnnotations>> {
  const out = new Map<string, CommitAnnotations>();
  if (shas.length === 0) return out;
  const text = await git(repo, ['log', '--no-walk=unsorted', '--format=%H%x00%ae%x00%cI', ...shas], { allowFailure: true }).catch(() => '');
  for (const line of text.split('\n')) {
    const [sha, email, date] = line.split('\0');
    const ms = Date.parse(date ?? '');
    if (sha && email !== undefined && !Number.isNaN(ms)) out.set(sha, { author_email: email, committed_at: new Date(ms).toISOString() });
  }
  return out;
}

/**
 * One CHAINLOOP_AI_AGENT_CONFIG material per agent configured at the pushed commit. Should the collector fail
 * (the secret scanner cannot load, git fails), the push is attested without them: never unredacted.
 */
async function agentConfigMaterials(repo: string, remoteUrl: string, tip: { sha: string; ref?: string }) {
  try {
    const branch = tip.ref?.startsWith('refs/heads/') ? tip.ref.slice('refs/heads/'.length) : undefined;
    return (await collectAgentConfigs({ repo, rev: tip.sha, remoteUrl, branch: branch ?? '' })).materials;
  } catch {
    return [];
  }
}
