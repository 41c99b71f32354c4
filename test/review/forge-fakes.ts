/**
 * Fake GitHub and GitLab REST APIs on 127.0.0.1 (port 0), built to the documented shapes of the
 * endpoints `trace pr --github/--gitlab` may use. Every request is recorded; one that does not match a
 * documented endpoint, header set or body shape is answered 422 (as the real APIs answer a bad body)
 * and recorded in `violations`, which every test expects to stay empty.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A fake forge: its base URL, what it received, and its state. */
export interface Fake {
  url: string;
  requests: Recorded[];
  violations: string[];
  /** Answer writes (POST/PATCH/PUT) with this status and message instead (e.g. 403 for a read-only token). */
  failWrites?: { status: number; message: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

type Handler = (r: Recorded, fake: Fake) => { status: number; body: unknown; headers?: Record<string, string> };

async function serve(handler: Handler, fake: Omit<Fake, 'url' | 'close'>): Promise<Fake> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const r: Recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body };
      (fake as Fake).requests.push(r);
      const out = handler(r, fake as Fake);
      res.writeHead(out.status, { 'content-type': 'application/json', ...(out.headers ?? {}) });
      res.end(out.body === undefined ? '' : JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const f = fake as Fake;
  f.url = `http://127.0.0.1:${port}`;
  f.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return f;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysWithin = (v: Record<string, unknown>, allowed: string[]) => Object.keys(v).every((k) => allowed.includes(k));

/** A GitHub pull request's comments and check runs. */
export interface GitHubState {
  owner: string;
  repo: string;
  number: number;
  token: string;
  comments: { id: number; body: string; user: { login: string } }[];
  checkRuns: { id: number; name: string; head_sha: string; status: string; conclusion: string; output: { title: string; summary: string } }[];
}

/** GitHub: issue comments (list with Link pagination, create, update) and check runs (create). */
export async function fakeGitHub(state: GitHubState): Promise<Fake & { state: GitHubState }> {
  let nextId = 1000;
  const prefix = `/repos/${state.owner}/${state.repo}`;
  const handler: Handler = (r, fake) => {
    const bad = (why: string) => {
      fake.violations.push(`${r.method} ${r.path}: ${why}`);
      return { status: 422, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' } };
    };
    if (r.headers.accept !== 'application/vnd.github+json') return bad(`Accept is ${r.headers.accept}`);
    if (r.headers['x-github-api-version'] !== '2022-11-28') return bad(`X-GitHub-Api-Version is ${r.headers['x-github-api-version']}`);
    if (!r.headers['user-agent']) return bad('no User-Agent');
    if (r.headers.authorization !== `Bearer ${state.token}`) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
    if (r.method !== 'GET') {
      if (r.headers['content-type'] !== 'application/json') return bad(`Content-Type is ${r.headers['content-type']}`);
      if (fake.failWrites) return { status: fake.failWrites.status, body: { message: fake.failWrites.message }, headers: fake.failWrites.headers };
    }
    const comments = `${prefix}/issues/${state.number}/comments`;
    if (r.method === 'GET' && r.path === comments) {
      const perPage = Number(r.query.get('per_page') ?? 30);
      const page = Number(r.query.get('page') ?? 1);
      if (!(perPage >= 1 && perPage <= 100)) return bad(`per_page ${perPage}`);
      const slice = state.comments.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(state.comments.length / perPage));
      const link = page < last ? { link: `<${fake.url}${comments}?per_page=${perPage}&page=${page + 1}>; rel="next", <${fake.url}${comments}?per_page=${perPage}&page=${last}>; rel="last"` } : undefined;
      return { status: 200, body: slice, ...(link ? { headers: link } : {}) };
    }
    if (r.method === 'POST' && r.path === comments) {
      if (!isObj(r.body) || typeof r.body.body !== 'string' || !keysWithin(r.body, ['body'])) return bad('body must be {body: string}');
      const c = { id: nextId++, body: r.body.body, user: { login: 'github-actions[bot]' } };
      state.comments.push(c);
      return { status: 201, body: c };
    }
    const patch = new RegExp(`^${prefix}/issues/comments/(\\d+)$`).exec(r.path);
    if (r.method === 'PATCH' && patch) {
      if (!isObj(r.body) || typeof r.body.body !== 'string' || !keysWithin(r.body, ['body'])) return bad('body must be {body: string}');
      const c = state.comments.find((x) => x.id === Number(patch[1]));
      if (!c) return { status: 404, body: { message: 'Not Found' } };
      c.body = r.body.body;
      return { status: 200, body: c };
    }
    if (r.method === 'POST' && r.path === `${prefix}/check-runs`) {
      const b = r.body;
      if (!isObj(b) || !keysWithin(b, ['name', 'head_sha', 'details_url', 'external_id', 'status', 'started_at', 'conclusion', 'completed_at', 'output', 'actions'])) return bad('unknown check run field');
      if (typeof b.name !== 'string' || typeof b.head_sha !== 'string' || !/^[0-9a-f]{40}$/.test(b.head_sha)) return bad('name and head_sha are required');
      if (b.status !== 'completed' || !['success', 'failure', 'neutral'].includes(String(b.conclusion))) return bad(`status ${b.status} conclusion ${b.conclusion}`);
      if (typeof b.completed_at !== 'string' || Number.isNaN(Date.parse(b.completed_at))) return bad('completed_at must be an ISO 8601 time');
      const o = b.output;
      if (!isObj(o) || typeof o.title !== 'string' || typeof o.summary !== 'string' || o.summary.length > 65535 || !keysWithin(o, ['title', 'summary', 'text', 'annotations', 'images'])) return bad('output must have title and summary (≤ 65535)');
      const run = { id: nextId++, name: b.name, head_sha: b.head_sha, status: b.status, conclusion: String(b.conclusion), output: { title: o.title, summary: o.summary } };
      state.checkRuns.push(run);
      return { status: 201, body: run };
    }
    return bad('not an endpoint trace pr --github may use');
  };
  const fake = await serve(handler, { requests: [], violations: [] });
  return Object.assign(fake, { state });
}

/** A GitLab merge request's notes and the project's commit statuses. */
export interface GitLabState {
  projectId: string;
  iid: number;
  /** The header and token the fake accepts. */
  auth: { header: 'private-token' | 'job-token'; token: string };
  notes: { id: number; body: string; system: boolean }[];
  statuses: { id: number; sha: string; state: string; name: string; description?: string }[];
}

/** GitLab: merge request notes (list with X-Next-Page pagination, create, update) and commit statuses (create). */
export async function fakeGitLab(state: GitLabState): Promise<Fake & { state: GitLabState }> {
  let nextId = 5000;
  const prefix = `/api/v4/projects/${encodeURIComponent(state.projectId)}`;
  const handler: Handler = (r, fake) => {
    const bad = (why: string) => {
      fake.violations.push(`${r.method} ${r.path}: ${why}`);
      return { status: 400, body: { message: why } };
    };
    const other = state.auth.header === 'private-token' ? 'job-token' : 'private-token';
    if (r.headers[other] !== undefined) return bad(`unexpected ${other} header`);
    if (r.headers[state.auth.header] !== state.auth.token) return { status: 401, body: { message: '401 Unauthorized' } };
    if (r.method !== 'GET') {
      if (r.headers['content-type'] !== 'application/json') return bad(`Content-Type is ${r.headers['content-type']}`);
      if (fake.failWrites) return { status: fake.failWrites.status, body: { message: fake.failWrites.message } };
    }
    const notes = `${prefix}/merge_requests/${state.iid}/notes`;
    if (r.method === 'GET' && r.path === notes) {
      const perPage = Number(r.query.get('per_page') ?? 20);
      const page = Number(r.query.get('page') ?? 1);
      if (!(perPage >= 1 && perPage <= 100)) return bad(`per_page ${perPage}`);
      const total = Math.max(1, Math.ceil(state.notes.length / perPage));
      return { status: 200, body: state.notes.slice((page - 1) * perPage, page * perPage), headers: { 'x-page': String(page), 'x-per-page': String(perPage), 'x-total-pages': String(total), 'x-next-page': page < total ? String(page + 1) : '' } };
    }
    if (r.method === 'POST' && r.path === notes) {
      if (!isObj(r.body) || typeof r.body.body !== 'string' || !keysWithin(r.body, ['body', 'internal', 'created_at', 'merge_request_diff_head_sha'])) return bad('body must be {body: string}');
      const n = { id: nextId++, body: r.body.body, system: false };
      state.notes.push(n);
      return { status: 201, body: n };
    }
    const put = new RegExp(`^${notes}/(\\d+)$`).exec(r.path);
    if (r.method === 'PUT' && put) {
      if (!isObj(r.body) || typeof r.body.body !== 'string' || !keysWithin(r.body, ['body'])) return bad('body must be {body: string}');
      const n = state.notes.find((x) => x.id === Number(put[1]));
      if (!n) return { status: 404, body: { message: '404 Not found' } };
      n.body = r.body.body;
      return { status: 200, body: n };
    }
    const st = new RegExp(`^${prefix}/statuses/([0-9a-f]{40})$`).exec(r.path);
    if (r.method === 'POST' && st) {
      const b = r.body;
      if (!isObj(b) || !keysWithin(b, ['state', 'ref', 'name', 'context', 'target_url', 'description', 'coverage', 'pipeline_id'])) return bad('unknown status field');
      if (!['pending', 'running', 'success', 'failed', 'canceled', 'skipped'].includes(String(b.state))) return bad(`state ${b.state}`);
      if (typeof b.description === 'string' && b.description.length > 255) return bad('description too long');
      const s = { id: nextId++, sha: st[1]!, state: String(b.state), name: String(b.name ?? 'default'), ...(typeof b.description === 'string' ? { description: b.description } : {}) };
      state.statuses.push(s);
      return { status: 201, body: s };
    }
    return bad('not an endpoint trace pr --gitlab may use');
  };
  const fake = await serve(handler, { requests: [], violations: [] });
  return Object.assign(fake, { state });
}
