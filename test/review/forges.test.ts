/**
 * Issue 8, "Must show" (GitHub and GitLab): `trace pr --github` / `--gitlab` against fake APIs on
 * 127.0.0.1 that check method, path, headers and body of every request against the documented shapes
 * (test/review/forge-fakes.ts), on a real repository with a bare remote and signed attestations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pr } from '../../src/cli/pr.js';
import { COMMENT_MARKER } from '../../src/review/markdown.js';
import { fakeGitHub, fakeGitLab, type Fake, type GitHubState, type GitLabState } from './forge-fakes.js';
import { deliver, newKey, sandbox, sessionData, signAttestation, type Sandbox } from './fixtures.js';

const GH_TOKEN = 'ghs_fakeTokenForTests0123456789abcdef';
const GL_TOKEN = 'glpat-fakeTokenForTests0123';
let sb: Sandbox;
let base: string;
let c1: string;
let c2: string;
let human: string;

/** Session data whose code_changes match the commit that adds `file` with `lines` lines. */
function session(id: string, file: string, lines: number) {
  return sessionData(id, {
    code_changes: {
      files_modified: 0, files_created: 1, files_deleted: 0, lines_added: lines, lines_removed: 0, ai_lines_added: lines, ai_lines_removed: 0, human_lines_added: 0, human_lines_removed: 0,
      files: [{ path: file, status: 'created', lines_added: lines, lines_removed: 0, attribution: 'ai', line_ranges: [{ start: 1, end: lines }] }],
    },
  });
}

beforeAll(async () => {
  sb = sandbox();
  base = sb.git('rev-parse', 'HEAD');
  sb.git('checkout', '-q', '-b', 'feature');
  const key = newKey(sb, 'dev');
  c1 = sb.commit('src/a.ts', 'a1\na2\na3\n', 'agent work 1');
  await deliver(sb, key, await signAttestation(key, [c1], [session('sess-one', 'src/a.ts', 3)]), [c1]);
  c2 = sb.commit('src/b.ts', 'b1\nb2\n', 'agent work 2');
  await deliver(sb, key, await signAttestation(key, [c2], [session('sess-two', 'src/b.ts', 2)]), [c2]);
  human = sb.commit('docs/notes.md', 'by hand\n', 'human work');
}, 120_000);

afterAll(() => sb?.cleanup());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await pr(args, { cwd: sb.repo, env: { ...sb.env, ...env }, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  } catch (err) {
    stderr += (err as Error).message;
    code = -1;
  }
  return { code, stdout, stderr };
}

function githubEvent(over: { head: string; base?: string; state?: string; merged?: boolean; labels?: string[]; fork?: boolean }): string {
  const file = path.join(sb.root, `event-${Math.random().toString(36).slice(2)}.json`);
  const event = {
    action: 'synchronize',
    number: 12,
    pull_request: {
      number: 12,
      state: over.state ?? 'open',
      merged: over.merged ?? false,
      head: { sha: over.head, ref: 'feature', repo: { full_name: over.fork ? 'someone/app' : 'acme/app' } },
      base: { sha: over.base ?? base, ref: 'main', repo: { full_name: 'acme/app' } },
      labels: (over.labels ?? []).map((name) => ({ name })),
    },
    repository: { full_name: 'acme/app' },
  };
  fs.writeFileSync(file, JSON.stringify(event));
  return file;
}

const ghState = (comments: GitHubState['comments'] = []): GitHubState => ({ owner: 'acme', repo: 'app', number: 12, token: GH_TOKEN, comments, checkRuns: [] });
/** 120 comments by people, so the sticky one sits on the second page. */
const chatter = (): GitHubState['comments'] => Array.from({ length: 120 }, (_, i) => ({ id: i + 1, body: `comment ${i + 1}`, user: { login: 'reviewer' } }));
const ghEnv = (fake: Fake, eventPath: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  GITHUB_ACTIONS: 'true', GITHUB_API_URL: fake.url, GITHUB_TOKEN: GH_TOKEN, GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_PATH: eventPath, ...extra,
});
const calls = (fake: Fake) => fake.requests.map((r) => `${r.method} ${r.path}${r.query.get('page') ? `?page=${r.query.get('page')}` : ''}`);

describe('trace pr --github', () => {
  const fakes: Fake[] = [];
  afterAll(async () => Promise.all(fakes.map((f) => f.close())));
  const fake = async (state: GitHubState) => {
    const f = await fakeGitHub(state);
    fakes.push(f);
    return f;
  };

  it('first run creates the sticky comment and a check run; after a new push it updates the same comment and adds a check run on the new head', async () => {
    const gh = await fake(ghState(chatter()));
    const first = await run(['--github', '--no-fetch'], ghEnv(gh, githubEvent({ head: c1 })));
    expect(first.stderr).toContain('pull request #12: created the summary comment; set the check run');
    expect(first.code).toBe(0);
    expect(gh.violations).toEqual([]);
    expect(calls(gh)).toEqual([
      'GET /repos/acme/app/issues/12/comments',
      'GET /repos/acme/app/issues/12/comments?page=2',
      'POST /repos/acme/app/issues/12/comments',
      'POST /repos/acme/app/check-runs',
    ]);
    const sticky = gh.state.comments.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(sticky).toHaveLength(1);
    expect(sticky[0]!.body).toContain('sess-one');
    expect(gh.state.checkRuns).toEqual([
      expect.objectContaining({ name: 'ai-trace', head_sha: c1, status: 'completed', conclusion: 'success', output: expect.objectContaining({ title: expect.stringMatching(/^ai-trace: success — score \d+\/100 \((green|yellow|red)\)$/) }) }),
    ]);
    expect(gh.state.checkRuns[0]!.output.summary).toContain(COMMENT_MARKER);
    for (const r of gh.requests) {
      expect(r.headers).toMatchObject({ accept: 'application/vnd.github+json', authorization: `Bearer ${GH_TOKEN}`, 'x-github-api-version': '2022-11-28' });
    }
    expect(gh.requests[0]!.query.get('per_page')).toBe('100');

    gh.requests.length = 0;
    const second = await run(['--github'], ghEnv(gh, githubEvent({ head: c2 })));
    expect(second.code).toBe(0);
    expect(gh.violations).toEqual([]);
    expect(calls(gh)).toEqual([
      'GET /repos/acme/app/issues/12/comments',
      'GET /repos/acme/app/issues/12/comments?page=2',
      `PATCH /repos/acme/app/issues/comments/${sticky[0]!.id}`,
      'POST /repos/acme/app/check-runs',
    ]);
    const after = gh.state.comments.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(after.map((c) => c.id)).toEqual([sticky[0]!.id]);
    expect(after[0]!.body).toContain('sess-two');
    expect(gh.state.checkRuns.map((r) => r.head_sha)).toEqual([c1, c2]);
    expect(second.stdout + second.stderr + first.stdout + first.stderr).not.toContain(GH_TOKEN);
  });

  it('leaves a closed or merged pull request alone', async () => {
    const gh = await fake(ghState());
    for (const ev of [{ head: c1, state: 'closed', merged: true }, { head: c1, state: 'closed' }]) {
      const r = await run(['--github', '--no-fetch'], ghEnv(gh, githubEvent(ev)));
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/pull request #12 is (merged|closed): nothing posted/);
    }
    expect(gh.requests).toEqual([]);
  });

  it('posts no comment on a pull request with no traced commit (still a check run), and updates an existing one to say so', async () => {
    const gh = await fake(ghState(chatter()));
    const r = await run(['--github', '--no-fetch'], ghEnv(gh, githubEvent({ base: c2, head: human })));
    expect(r.code).toBe(0);
    expect(gh.violations).toEqual([]);
    expect(calls(gh).filter((c) => !c.startsWith('GET'))).toEqual(['POST /repos/acme/app/check-runs']);
    expect(gh.state.comments.some((c) => c.body.includes(COMMENT_MARKER))).toBe(false);
    expect(gh.state.checkRuns[0]).toMatchObject({ head_sha: human, conclusion: 'success', output: { title: 'ai-trace: no AI session in this pull request' } });
    expect(r.stderr).toContain('no commit of this pull request matches an AI session: no comment posted');

    const had = await fake(ghState([{ id: 77, body: `${COMMENT_MARKER}\nold summary`, user: { login: 'github-actions[bot]' } }]));
    await run(['--github', '--no-fetch'], ghEnv(had, githubEvent({ base: c2, head: human })));
    expect(calls(had)).toEqual(['GET /repos/acme/app/issues/12/comments', 'PATCH /repos/acme/app/issues/comments/77', 'POST /repos/acme/app/check-runs']);
    expect(had.state.comments[0]!.body).toContain('No commit of this pull request is linked to an AI session any more.');
    expect(had.violations).toEqual([]);
  });

  it('on a read-only token (403, a fork PR) prints the summary to the job log and the job summary, warns, and exits on the verdict alone', async () => {
    const gh = await fake(ghState());
    gh.failWrites = { status: 403, message: 'Resource not accessible by integration' };
    const stepSummary = path.join(sb.root, 'step-summary.md');
    const r = await run(['--github', '--no-fetch'], ghEnv(gh, githubEvent({ head: c1, fork: true }), { GITHUB_STEP_SUMMARY: stepSummary }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(COMMENT_MARKER);
    expect(r.stdout).toContain('sess-one');
    expect(r.stderr).toMatch(/^::warning::trace pr: pull request #12: creating the ai-trace comment: the token cannot write to this pull request \(403 Resource not accessible by integration\); a pull request from a fork gets a read-only token/m);
    expect(fs.readFileSync(stepSummary, 'utf8')).toContain('sess-one');
    expect(r.stdout + r.stderr + fs.readFileSync(stepSummary, 'utf8')).not.toContain(GH_TOKEN);
  });

  it('fails with a clear message on a refused token (401) and on a rate limit, printing no token', async () => {
    const gh = await fake({ ...ghState(), token: 'another-token' });
    const r = await run(['--github', '--no-fetch'], ghEnv(gh, githubEvent({ head: c1 })));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('::error::trace pr: pull request #12: listing the pull request comments: GitHub refused the token (401 Bad credentials); pass a valid GITHUB_TOKEN to the step');
    expect(r.stdout).toContain(COMMENT_MARKER);
    expect(r.stdout + r.stderr).not.toContain(GH_TOKEN);

    const limited = await fake(ghState());
    limited.failWrites = { status: 403, message: 'API rate limit exceeded', headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' } };
    const rl = await run(['--github', '--no-fetch'], ghEnv(limited, githubEvent({ head: c1 })));
    expect(rl.code).toBe(1);
    expect(rl.stderr).toContain('GitHub API rate limit reached until 2030-01-01T00:00:00.000Z; re-run the job later');
  });

  it('takes a skip-ai-session label on the pull request as --label skip-ai-session', async () => {
    const gh = await fake(ghState());
    const r = await run(['--github', '--no-fetch', '--json'], ghEnv(gh, githubEvent({ head: c1, labels: ['bug', 'skip-ai-session'] })));
    expect(JSON.parse(r.stdout).labels).toEqual(['skip-ai-session']);
  });

  it('says what it needs outside a pull_request event', async () => {
    const file = path.join(sb.root, 'push-event.json');
    fs.writeFileSync(file, JSON.stringify({ ref: 'refs/heads/main' }));
    const r = await run(['--github'], { GITHUB_EVENT_PATH: file, GITHUB_REPOSITORY: 'acme/app' });
    expect(r.code).toBe(-1);
    expect(r.stderr).toContain('is not a pull_request event: trigger the workflow on pull_request');
  });
});

describe('trace pr --gitlab', () => {
  const fakes: Fake[] = [];
  afterAll(async () => Promise.all(fakes.map((f) => f.close())));
  const glState = (auth: GitLabState['auth'] = { header: 'private-token', token: GL_TOKEN }, notes: GitLabState['notes'] = []): GitLabState => ({ projectId: '42', iid: 7, auth, notes, statuses: [] });
  const fake = async (state: GitLabState) => {
    const f = await fakeGitLab(state);
    fakes.push(f);
    return f;
  };
  const glEnv = (f: Fake, head: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    GITLAB_CI: 'true', CI_API_V4_URL: `${f.url}/api/v4`, CI_PROJECT_ID: '42', CI_MERGE_REQUEST_IID: '7', CI_COMMIT_SHA: head, CI_MERGE_REQUEST_DIFF_BASE_SHA: base, GITLAB_TOKEN: GL_TOKEN, ...extra,
  });
  /** 150 notes (some of them system notes), so the sticky one sits on the second page. */
  const notes = (): GitLabState['notes'] => Array.from({ length: 150 }, (_, i) => ({ id: i + 1, body: i % 3 ? `note ${i}` : `added 1 commit ${COMMENT_MARKER}`, system: i % 3 === 0 }));

  it('first run creates the note and a commit status; after a new push it updates the same note and sets a status on the new head', async () => {
    const gl = await fake(glState(undefined, notes()));
    const first = await run(['--gitlab', '--no-fetch'], glEnv(gl, c1));
    expect(first.code).toBe(0);
    expect(gl.violations).toEqual([]);
    expect(calls(gl)).toEqual([
      'GET /api/v4/projects/42/merge_requests/7/notes?page=1',
      'GET /api/v4/projects/42/merge_requests/7/notes?page=2',
      'POST /api/v4/projects/42/merge_requests/7/notes',
      `POST /api/v4/projects/42/statuses/${c1}`,
    ]);
    const sticky = gl.state.notes.filter((n) => !n.system && n.body.includes(COMMENT_MARKER));
    expect(sticky).toHaveLength(1);
    expect(gl.state.statuses).toEqual([expect.objectContaining({ sha: c1, state: 'success', name: 'ai-trace', description: expect.stringMatching(/^success — score \d+\/100/) })]);
    for (const r of gl.requests) expect(r.headers['private-token']).toBe(GL_TOKEN);

    gl.requests.length = 0;
    const second = await run(['--gitlab', '--no-fetch'], glEnv(gl, c2));
    expect(second.code).toBe(0);
    expect(calls(gl)).toEqual([
      'GET /api/v4/projects/42/merge_requests/7/notes?page=1',
      'GET /api/v4/projects/42/merge_requests/7/notes?page=2',
      `PUT /api/v4/projects/42/merge_requests/7/notes/${sticky[0]!.id}`,
      `POST /api/v4/projects/42/statuses/${c2}`,
    ]);
    expect(gl.state.notes.filter((n) => !n.system && n.body.includes(COMMENT_MARKER)).map((n) => n.id)).toEqual([sticky[0]!.id]);
    expect(gl.state.notes.find((n) => n.id === sticky[0]!.id)!.body).toContain('sess-two');
    expect(gl.violations).toEqual([]);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(GL_TOKEN);
  });

  it('uses the job token (JOB-TOKEN header) when no GITLAB_TOKEN is set', async () => {
    const gl = await fake(glState({ header: 'job-token', token: 'job-token-value-123' }));
    const r = await run(['--gitlab', '--no-fetch'], glEnv(gl, c1, { GITLAB_TOKEN: undefined, CI_JOB_TOKEN: 'job-token-value-123' }));
    expect(r.code).toBe(0);
    expect(gl.violations).toEqual([]);
    expect(gl.requests.every((q) => q.headers['job-token'] === 'job-token-value-123' && q.headers['private-token'] === undefined)).toBe(true);
    expect(gl.state.notes).toHaveLength(1);
  });

  it('posts no note on a merge request with no traced commit', async () => {
    const gl = await fake(glState());
    const r = await run(['--gitlab', '--no-fetch'], glEnv(gl, human, { CI_MERGE_REQUEST_DIFF_BASE_SHA: c2 }));
    expect(r.code).toBe(0);
    expect(calls(gl)).toEqual(['GET /api/v4/projects/42/merge_requests/7/notes?page=1', `POST /api/v4/projects/42/statuses/${human}`]);
    expect(gl.state.notes).toEqual([]);
  });

  it('on a token that cannot write (403) prints the summary to the job log and exits on the verdict alone', async () => {
    const gl = await fake(glState());
    gl.failWrites = { status: 403, message: '403 Forbidden' };
    const r = await run(['--gitlab', '--no-fetch'], glEnv(gl, c1));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(COMMENT_MARKER);
    expect(r.stderr).toContain('trace pr: merge request !7: creating the ai-trace note: the token cannot write to this merge request (403 403 Forbidden)');
    expect(r.stdout + r.stderr).not.toContain(GL_TOKEN);
  });
});
