import fs from 'node:fs';
import { TraceError } from '../../errors.js';
import { COMMENT_MARKER } from '../markdown.js';
import { apiRequest, ForgeApiError, nextLink, scrub, type ApiResponse, type HttpOptions } from './http.js';
import { checkTitle, fitBody, noSessionsBody, type ForgeOutcome, type ForgeSummary } from './summary.js';

/** The REST API version ai-trace is written against (sent as X-GitHub-Api-Version). */
export const GITHUB_API_VERSION = '2022-11-28';
/** The check run's name. */
export const CHECK_NAME = 'ai-trace';
/** GitHub's limits: an issue comment body, and a check run's output summary (65535 characters each). */
const COMMENT_MAX = 65_536;
const SUMMARY_MAX = 65_535;
/** At most this many pages of 100 comments are searched for the sticky one. */
const MAX_PAGES = 50;

/** The pull request a GitHub Actions job runs for, from its `pull_request` event. */
export interface GitHubPullRequest {
  apiUrl: string;
  owner: string;
  repo: string;
  number: number;
  state: string;
  merged: boolean;
  headSha: string;
  baseSha: string;
  labels: string[];
  /** The PR comes from a fork (its token is read-only, whatever the workflow asks for). */
  fork: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/**
 * Reads the GitHub Actions conventions: `GITHUB_API_URL` (default https://api.github.com),
 * `GITHUB_REPOSITORY` (owner/name), `GITHUB_EVENT_PATH` (the `pull_request` or `pull_request_target` event).
 */
export function githubPullRequest(env: NodeJS.ProcessEnv): GitHubPullRequest {
  const eventPath = env.GITHUB_EVENT_PATH;
  if (!eventPath) throw new TraceError('USAGE', '--github needs GITHUB_EVENT_PATH (set by GitHub Actions): run it in a workflow triggered by pull_request');
  let event: Obj;
  try {
    event = obj(JSON.parse(fs.readFileSync(eventPath, 'utf8')));
  } catch (err) {
    throw new TraceError('USAGE', `--github: cannot read the event at GITHUB_EVENT_PATH (${eventPath}): ${(err as Error).message}`);
  }
  const pr = obj(event.pull_request);
  const number = typeof pr.number === 'number' ? pr.number : typeof event.number === 'number' ? event.number : undefined;
  if (number === undefined) throw new TraceError('USAGE', `--github: the event at ${eventPath} is not a pull_request event: trigger the workflow on pull_request`);
  const fullName = env.GITHUB_REPOSITORY ?? String(obj(obj(obj(pr.base).repo)).full_name ?? '');
  const [owner, repo] = fullName.split('/');
  if (!owner || !repo) throw new TraceError('USAGE', '--github needs GITHUB_REPOSITORY as owner/name (set by GitHub Actions)');
  const head = obj(pr.head);
  const base = obj(pr.base);
  const headRepo = String(obj(head.repo).full_name ?? fullName);
  return {
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    owner,
    repo,
    number,
    state: typeof pr.state === 'string' ? pr.state : 'open',
    merged: pr.merged === true,
    headSha: String(head.sha ?? env.GITHUB_SHA ?? ''),
    baseSha: String(base.sha ?? ''),
    labels: (Array.isArray(pr.labels) ? pr.labels : []).map((l) => obj(l).name).filter((n): n is string => typeof n === 'string'),
    fork: headRepo.toLowerCase() !== fullName.toLowerCase(),
  };
}

/** The headers GitHub documents for its REST API. The token is only ever put here. */
function headers(token: string): Record<string, string> {
  return {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'x-github-api-version': GITHUB_API_VERSION,
    'user-agent': 'ai-trace',
  };
}

/** Turns a non-2xx answer into a clear error; a 403 that says the token cannot write (or any 403 on a fork PR) is read-only. */
function failure(what: string, res: ApiResponse, pr: GitHubPullRequest, token: string): ForgeApiError {
  const message = String(obj(res.body).message ?? (typeof res.body === 'string' ? res.body.slice(0, 200) : ''));
  const remaining = res.headers['x-ratelimit-remaining'];
  let text: string;
  let readOnly = false;
  if ((res.status === 403 || res.status === 429) && (remaining === '0' || res.headers['retry-after'])) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : res.headers['retry-after'] ? ` for ${res.headers['retry-after']} s` : '';
    text = `${what}: GitHub API rate limit reached${when}; re-run the job later`;
  } else if (res.status === 401) {
    text = `${what}: GitHub refused the token (401 ${message || 'Bad credentials'}); pass a valid GITHUB_TOKEN to the step`;
  } else if (res.status === 403 || (res.status === 404 && pr.fork)) {
    readOnly = true;
    text = `${what}: the token cannot write to this pull request (${res.status} ${message || 'Forbidden'})${pr.fork ? '; a pull request from a fork gets a read-only token' : ''}; grant the workflow "pull-requests: write" and "checks: write"`;
  } else {
    text = `${what}: GitHub answered ${res.status}${message ? ` (${message})` : ''}`;
  }
  return new ForgeApiError(scrub(text, [token]), res.status, readOnly);
}

/**
 * Posts the summary to a pull request: creates or updates ONE comment carrying the hidden marker (never
 * a second one), and creates a check run named `ai-trace` on the head commit with the verdict as its
 * conclusion. A closed or merged pull request is left alone. With no session behind the PR no comment
 * is created, and an existing one is updated to say so. Only the endpoints GitHub documents for issue
 * comments and check runs are used.
 */
export async function postToGitHub(summary: ForgeSummary, pr: GitHubPullRequest, token: string, http: HttpOptions = {}): Promise<ForgeOutcome> {
  const outcome: ForgeOutcome = { comment: 'none', check: false, notes: [] };
  if (pr.state !== 'open' || pr.merged) {
    outcome.notes.push(`pull request #${pr.number} is ${pr.merged ? 'merged' : pr.state}: nothing posted`);
    return outcome;
  }
  const base = `${pr.apiUrl}/repos/${encodeURIComponent(pr.owner)}/${encodeURIComponent(pr.repo)}`;
  const h = headers(token);
  const call = async (what: string, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => {
    let res: ApiResponse;
    try {
      res = await apiRequest({ method, url, headers: h, ...(body !== undefined ? { body } : {}) }, http);
    } catch (err) {
      if (err instanceof ForgeApiError) throw err;
      throw new ForgeApiError(scrub(`${what}: cannot reach ${pr.apiUrl} (${(err as Error).message})`, [token]), 0, false);
    }
    if (res.status < 200 || res.status >= 300) throw failure(what, res, pr, token);
    return res;
  };

  // the sticky comment: find it through every page of the PR's comments
  let existing: number | undefined;
  let url: string | undefined = `${base}/issues/${pr.number}/comments?per_page=100`;
  for (let page = 0; url && page < MAX_PAGES && existing === undefined; page++) {
    const res = await call('listing the pull request comments', 'GET', url);
    for (const c of Array.isArray(res.body) ? res.body : []) {
      const body = obj(c).body;
      if (typeof body === 'string' && body.includes(COMMENT_MARKER) && typeof obj(c).id === 'number') {
        existing = obj(c).id as number;
        break;
      }
    }
    url = nextLink(res.headers.link);
  }
  const body = fitBody(summary.hasSessions ? summary.markdown : noSessionsBody(COMMENT_MARKER), COMMENT_MAX);
  if (existing !== undefined) {
    await call('updating the ai-trace comment', 'PATCH', `${base}/issues/comments/${existing}`, { body });
    outcome.comment = 'updated';
    outcome.commentId = existing;
  } else if (summary.hasSessions) {
    const res = await call('creating the ai-trace comment', 'POST', `${base}/issues/${pr.number}/comments`, { body });
    outcome.comment = 'created';
    const id = obj(res.body).id;
    if (typeof id === 'number') outcome.commentId = id;
  } else outcome.notes.push('no commit of this pull request matches an AI session: no comment posted');

  await call('creating the ai-trace check run', 'POST', `${base}/check-runs`, {
    name: CHECK_NAME,
    head_sha: pr.headSha,
    status: 'completed',
    conclusion: summary.verdict,
    completed_at: new Date().toISOString(),
    output: { title: checkTitle(summary), summary: fitBody(summary.markdown, SUMMARY_MAX) },
  });
  outcome.check = true;
  return outcome;
}
