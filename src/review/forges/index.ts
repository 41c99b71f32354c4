import fs from 'node:fs';
import { TraceError } from '../../errors.js';
import type { PrReport } from '../report.js';
import { SKIP_LABEL } from '../verdict.js';
import { githubPullRequest, postToGitHub, type GitHubPullRequest } from './github.js';
import { gitlabMergeRequest, postToGitLab, type GitLabMergeRequest } from './gitlab.js';
import { ForgeApiError, type HttpOptions } from './http.js';
import type { ForgeOutcome, ForgeSummary } from './summary.js';

export { githubPullRequest, postToGitHub, type GitHubPullRequest } from './github.js';
export { gitlabMergeRequest, postToGitLab, type GitLabMergeRequest } from './gitlab.js';
export { ForgeApiError } from './http.js';
export type { ForgeOutcome, ForgeSummary } from './summary.js';

/** Where `trace pr` posts. */
export type ForgeKind = 'github' | 'gitlab';

/** A forge's pull/merge request as far as `trace pr` needs it before reviewing: the default range and the labels. */
export type ForgeTarget = { kind: 'github'; pr: GitHubPullRequest; token?: string } | { kind: 'gitlab'; mr: GitLabMergeRequest };

/** Reads the CI environment of a forge (no network). */
export function forgeTarget(kind: ForgeKind, env: NodeJS.ProcessEnv): ForgeTarget {
  if (kind === 'github') return { kind, pr: githubPullRequest(env), ...(env.GITHUB_TOKEN ? { token: env.GITHUB_TOKEN } : {}) };
  return { kind, mr: gitlabMergeRequest(env) };
}

/** The range the forge's request covers (`<base>..<head>`), when the CI says. */
export function forgeRange(t: ForgeTarget): string | undefined {
  const [base, head] = t.kind === 'github' ? [t.pr.baseSha, t.pr.headSha] : [t.mr.baseSha, t.mr.headSha];
  return base && head ? `${base}..${head}` : undefined;
}

/** `skip-ai-session` when the request carries that label (it acts as `--label skip-ai-session`). */
export function forgeLabels(t: ForgeTarget): string[] {
  const labels = t.kind === 'github' ? t.pr.labels : t.mr.labels;
  return labels.includes(SKIP_LABEL) ? [SKIP_LABEL] : [];
}

/** The forge summary of a report. */
export function forgeSummary(report: PrReport, markdown: string): ForgeSummary {
  return {
    markdown,
    verdict: report.verdict,
    hasSessions: report.sessions.length > 0 || report.missing_sessions.length > 0,
    ...(report.sessions.length ? { score: report.score, flag: report.flag } : {}),
    reasons: report.reasons,
  };
}

/** What posting came to: the outcome, or the API error and whether the job should still pass on the verdict alone. */
export type PostResult = { ok: true; outcome: ForgeOutcome } | { ok: false; error: string; readOnly: boolean };

/** Posts to the forge; API errors are returned (never thrown), with messages that hold no token. */
export async function postSummary(t: ForgeTarget, summary: ForgeSummary, http: HttpOptions = {}): Promise<PostResult> {
  try {
    if (t.kind === 'github') {
      if (!t.token) return { ok: false, error: 'GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ github.token }})', readOnly: true };
      return { ok: true, outcome: await postToGitHub(summary, t.pr, t.token, http) };
    }
    return { ok: true, outcome: await postToGitLab(summary, t.mr, http) };
  } catch (err) {
    if (err instanceof ForgeApiError) return { ok: false, error: err.message, readOnly: err.readOnly };
    throw err;
  }
}

/** Appends the summary to the GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`), when the runner set one. */
export function writeStepSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    fs.appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  } catch (err) {
    throw new TraceError('INTERNAL', `cannot write the job summary to GITHUB_STEP_SUMMARY (${file}): ${(err as Error).message}`);
  }
}
