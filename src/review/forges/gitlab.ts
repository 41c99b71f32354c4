import { TraceError } from '../../errors.js';
import { COMMENT_MARKER } from '../markdown.js';
import { apiRequest, ForgeApiError, scrub, type ApiResponse, type HttpOptions } from './http.js';
import { checkTitle, fitBody, noSessionsBody, type ForgeOutcome, type ForgeSummary } from './summary.js';

/** The commit status's name. */
export const STATUS_NAME = 'ai-trace';
/** GitLab's note body limit (1,000,000 characters) and the status description kept short. */
const NOTE_MAX = 1_000_000;
const DESCRIPTION_MAX = 255;
const MAX_PAGES = 50;

/** The merge request a GitLab CI merge-request pipeline runs for, and how to authenticate. */
export interface GitLabMergeRequest {
  apiUrl: string;
  projectId: string;
  iid: number;
  headSha: string;
  baseSha: string;
  labels: string[];
  /** `PRIVATE-TOKEN` (GITLAB_TOKEN) or `JOB-TOKEN` (CI_JOB_TOKEN). */
  auth: { header: 'PRIVATE-TOKEN' | 'JOB-TOKEN'; token: string };
}

/**
 * Reads GitLab CI's merge-request pipeline variables: `CI_API_V4_URL`, `CI_PROJECT_ID`,
 * `CI_MERGE_REQUEST_IID`, the head (`CI_MERGE_REQUEST_SOURCE_BRANCH_SHA` in merged-results pipelines,
 * else `CI_COMMIT_SHA`), the base (`CI_MERGE_REQUEST_DIFF_BASE_SHA`), `CI_MERGE_REQUEST_LABELS`, and a
 * token: `GITLAB_TOKEN` (sent as PRIVATE-TOKEN), else the job's `CI_JOB_TOKEN` (sent as JOB-TOKEN).
 */
export function gitlabMergeRequest(env: NodeJS.ProcessEnv): GitLabMergeRequest {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new TraceError('USAGE', `--gitlab needs ${name} (set by GitLab CI in a merge request pipeline): run it in a job with rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`);
    return v;
  };
  const iid = Number(need('CI_MERGE_REQUEST_IID'));
  if (!Number.isInteger(iid) || iid <= 0) throw new TraceError('USAGE', `--gitlab: CI_MERGE_REQUEST_IID "${env.CI_MERGE_REQUEST_IID}" is not a merge request number`);
  const token = env.GITLAB_TOKEN ? { header: 'PRIVATE-TOKEN' as const, token: env.GITLAB_TOKEN } : env.CI_JOB_TOKEN ? { header: 'JOB-TOKEN' as const, token: env.CI_JOB_TOKEN } : undefined;
  if (!token) throw new TraceError('USAGE', '--gitlab needs a token: set GITLAB_TOKEN (a project access token with api scope) or run in a job that has CI_JOB_TOKEN');
  return {
    apiUrl: need('CI_API_V4_URL').replace(/\/+$/, ''),
    projectId: need('CI_PROJECT_ID'),
    iid,
    headSha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || need('CI_COMMIT_SHA'),
    baseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA ?? '',
    labels: (env.CI_MERGE_REQUEST_LABELS ?? '').split(',').map((l) => l.trim()).filter(Boolean),
    auth: token,
  };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

function failure(what: string, res: ApiResponse, token: string): ForgeApiError {
  const m = obj(res.body).message ?? obj(res.body).error;
  const message = typeof m === 'string' ? m : m !== undefined ? JSON.stringify(m) : '';
  let text: string;
  let readOnly = false;
  if (res.status === 429) text = `${what}: GitLab API rate limit reached${res.headers['retry-after'] ? ` for ${res.headers['retry-after']} s` : ''}; re-run the job later`;
  else if (res.status === 401) text = `${what}: GitLab refused the token (401 ${message || 'Unauthorized'}); set GITLAB_TOKEN to a valid token with api scope`;
  else if (res.status === 403) {
    readOnly = true;
    text = `${what}: the token cannot write to this merge request (403 ${message || 'Forbidden'}); set GITLAB_TOKEN to a project access token with api scope (the job token cannot post notes on every GitLab)`;
  } else text = `${what}: GitLab answered ${res.status}${message ? ` (${message})` : ''}`;
  return new ForgeApiError(scrub(text, [token]), res.status, readOnly);
}

/** success and neutral pass (GitLab has no neutral: the description says it), failure fails. */
function statusState(summary: ForgeSummary): 'success' | 'failed' {
  return summary.verdict === 'failure' ? 'failed' : 'success';
}

/**
 * Posts the summary to a merge request: creates or updates ONE note carrying the hidden marker, and a
 * commit status named `ai-trace` on the head commit. With no session behind the MR no note is created,
 * and an existing one is updated to say so. Only the notes and statuses endpoints are used.
 */
export async function postToGitLab(summary: ForgeSummary, mr: GitLabMergeRequest, http: HttpOptions = {}): Promise<ForgeOutcome> {
  const outcome: ForgeOutcome = { comment: 'none', check: false, notes: [] };
  const project = `${mr.apiUrl}/projects/${encodeURIComponent(mr.projectId)}`;
  const h = { [mr.auth.header]: mr.auth.token, accept: 'application/json', 'user-agent': 'ai-trace' };
  const call = async (what: string, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
    let res: ApiResponse;
    try {
      res = await apiRequest({ method, url, headers: h, ...(body !== undefined ? { body } : {}) }, http);
    } catch (err) {
      if (err instanceof ForgeApiError) throw err;
      throw new ForgeApiError(scrub(`${what}: cannot reach ${mr.apiUrl} (${(err as Error).message})`, [mr.auth.token]), 0, false);
    }
    if (res.status < 200 || res.status >= 300) throw failure(what, res, mr.auth.token);
    return res;
  };

  let existing: number | undefined;
  for (let page = 1; page <= MAX_PAGES && existing === undefined; page++) {
    const res = await call('listing the merge request notes', 'GET', `${project}/merge_requests/${mr.iid}/notes?per_page=100&page=${page}&sort=asc&order_by=created_at`);
    for (const n of Array.isArray(res.body) ? res.body : []) {
      const note = obj(n);
      if (note.system !== true && typeof note.body === 'string' && note.body.includes(COMMENT_MARKER) && typeof note.id === 'number') {
        existing = note.id;
        break;
      }
    }
    const next = res.headers['x-next-page'];
    if (!next || Number(next) !== page + 1) break;
  }
  const body = fitBody(summary.hasSessions ? summary.markdown : noSessionsBody(COMMENT_MARKER), NOTE_MAX);
  if (existing !== undefined) {
    await call('updating the ai-trace note', 'PUT', `${project}/merge_requests/${mr.iid}/notes/${existing}`, { body });
    outcome.comment = 'updated';
    outcome.commentId = existing;
  } else if (summary.hasSessions) {
    const res = await call('creating the ai-trace note', 'POST', `${project}/merge_requests/${mr.iid}/notes`, { body });
    outcome.comment = 'created';
    const id = obj(res.body).id;
    if (typeof id === 'number') outcome.commentId = id;
  } else outcome.notes.push('no commit of this merge request matches an AI session: no note posted');

  const title = checkTitle(summary).replace(/^ai-trace: /, '');
  await call('setting the ai-trace commit status', 'POST', `${project}/statuses/${mr.headSha}`, {
    state: statusState(summary),
    name: STATUS_NAME,
    description: (summary.verdict === 'neutral' ? `neutral: ${summary.reasons[0] ?? title}` : title).slice(0, DESCRIPTION_MAX),
  });
  outcome.check = true;
  return outcome;
}
