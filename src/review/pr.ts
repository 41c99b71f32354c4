import { loadRepoConfig, type RepoConfig } from '../config/chainloop.js';
import { git } from '../git/run.js';
import { readAllowedSigners } from './allowed-signers.js';
import { loadAttestations, type AttestationSource } from './attestations.js';
import { correlate } from './correlate.js';
import { fileLinker } from './links.js';
import { renderMarkdown } from './markdown.js';
import { evaluatePolicies } from './policies/evaluate.js';
import { resolveRange } from './range.js';
import type { PrReport } from './report.js';
import { sessionRow, totalsRow } from './row.js';
import { scoreCorrelated, scorePullRequest } from './score/index.js';
import { decideVerdict } from './verdict.js';

/** What `trace pr` was asked for. */
export interface PrOptions {
  /** Work tree top. */
  repo: string;
  /** `<base>..<head>`; default: the merge-base with the remote's default branch up to HEAD. */
  range?: string;
  /** Attestation bundles from a folder instead of the git destination's ref. */
  attestationsDir?: string;
  /** Skip fetching the attestation ref (use what this clone has). */
  noFetch?: boolean;
  /** PEM texts of extra trusted keys (`--key`). */
  keys?: string[];
  /** Policy files (`--policy`), added to `policies.files`. */
  policyFiles?: string[];
  /** A Chainloop Contract file (`--contract`), instead of `policies.contract`. */
  contract?: string;
  labels?: string[];
  linkBase?: string;
  env?: NodeJS.ProcessEnv;
}

/** The report and its Markdown. */
export interface PrResult {
  report: PrReport;
  markdown: string;
}

/** The git destination's remote from `.chainloop.yml` (default `origin`). */
function attestationRemote(config: RepoConfig | null): string {
  const gitDest = config?.destinations?.find((d) => d.type === 'git');
  return (gitDest?.type === 'git' && gitDest.remote) || 'origin';
}

/** Correlates the range with its verified attestations, evaluates the policies, and decides the verdict. */
export async function reviewPr(opts: PrOptions): Promise<PrResult> {
  const config = loadRepoConfig(opts.repo);
  const remote = attestationRemote(config);
  const range = await resolveRange(opts.repo, opts.range, remote);
  const from: AttestationSource = opts.attestationsDir ? { kind: 'dir', dir: opts.attestationsDir } : { kind: 'git', remote, fetch: !opts.noFetch };
  const loaded = await loadAttestations({
    repo: opts.repo,
    from,
    keys: opts.keys ?? [],
    allowedSigners: await readAllowedSigners(opts.repo, range.base),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const corr = correlate(range, loaded);
  const policies = await evaluatePolicies({
    repo: opts.repo,
    range,
    sessions: corr.sessions,
    config: config?.policies,
    extraFiles: opts.policyFiles ?? [],
    ...(opts.contract ? { contract: opts.contract } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  const linked = new Set(corr.sessions.flatMap((s) => s.rangeCommits));
  const humanCommits = range.commits.filter((c) => !linked.has(c.sha) && c.sessions.length === 0).length;
  const sessions = corr.sessions.map((s) => {
    const violations = policies.bySession.get(s.id) ?? [];
    return sessionRow(s, { violations, score: scoreCorrelated(s, violations, humanCommits) });
  });
  const prScore = scorePullRequest(sessions.map((s) => ({ score: s.score ?? 0, flag: s.flag ?? 'red', aiLines: s.ai_lines_added })));
  const labels = opts.labels ?? [];
  const { verdict, reasons } = decideVerdict({
    sessions,
    rangeViolations: policies.range,
    missing: corr.missing,
    labels,
    rejected: corr.rejected,
    unevaluated: policies.unevaluated,
  });
  const report: PrReport = {
    verdict,
    reasons,
    score: prScore.score,
    flag: prScore.flag,
    missing_sessions: corr.missing.map((m) => m.id),
    sessions,
    totals: totalsRow(sessions),
    range: {
      spec: range.spec,
      base: range.base,
      head: range.head,
      commits: range.commits.length,
      ai_commits: range.commits.filter((c) => linked.has(c.sha) || c.sessions.length > 0).length,
      human_commits: range.commits.filter((c) => !linked.has(c.sha) && c.sessions.length === 0).map((c) => c.sha),
    },
    violations: policies.range,
    unverified: corr.rejected.map((r) => ({ source: r.source, reason: r.reason })),
    labels,
  };
  const remoteUrl = (await git(opts.repo, ['remote', 'get-url', remote], { allowFailure: true })).trim() || null;
  return { report, markdown: renderMarkdown(report, fileLinker(range.head, remoteUrl, opts.linkBase)) };
}
