/**
 * The scripted work the team tests push: two developers (alice, bob) with their own HOME, TRACE_HOME,
 * key and server token, traced sessions committed at chosen dates (GIT_AUTHOR_DATE/GIT_COMMITTER_DATE),
 * merge and squash commits naming PRs, delivered through the HTTP destination to a real `trace server`
 * and through the git destination to a bare remote. The expected cards are written out by hand below.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { writeTranscript, ScriptedSession } from '../../src/demo/claude-driver.js';
import { addBareRemote, allDelivered, cloneAs, configure, FAST_RETRY, waitForPushes } from '../push/helpers.js';
import { RepoPool, TRACE_BIN, type TestRepo } from '../helpers/repo.js';

export const DAY = 86400_000;
export const OPUS = 'claude-opus-4-5-20251101';
export const SONNET = 'claude-sonnet-4-5-20250929';
/** One turn of 1,000 input and 2,000 output tokens: sonnet-4-5 $3/$15 per M → $0.033; opus-4-5 $5/$25 → $0.055. */
const TURN = { input: 1000, output: 2000, cacheRead: 0, cacheWrite: 0 };
export const COST = { [SONNET]: 0.033, [OPUS]: 0.055 } as const;

/** A running `trace server` child. */
export interface ServerProc {
  url: string;
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Runs `trace server …` admin commands against `database`. */
export function serverCli(t: TestRepo, database: string, ...args: string[]): string {
  const r = t.traceIn(t.root, ['server', ...args, '--database', database]);
  if (r.code !== 0) throw new Error(`trace server ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Starts `trace server --listen 127.0.0.1:0` on `database` and waits for its address. */
export async function startServer(env: NodeJS.ProcessEnv, database: string, secret: string): Promise<ServerProc> {
  const child = spawn(process.execPath, [TRACE_BIN, 'server', '--listen', '127.0.0.1:0', '--database', database, '--github-webhook-secret-env', 'GH_SECRET'], {
    env: { ...env, GH_SECRET: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`trace server did not start: ${err}\n${out}`)), 30_000);
    child.stderr!.on('data', (d) => {
      err += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`trace server exited ${code}: ${err}`)));
  });
  return {
    url,
    child,
    log: () => out + err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The environment for one commit at `at`. */
function dated(at: number): NodeJS.ProcessEnv {
  const iso = new Date(at).toISOString();
  return { GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso };
}

/** Runs fn with t.env temporarily extended. */
function withEnv<T>(t: TestRepo, extra: NodeJS.ProcessEnv, fn: () => T): T {
  const saved = { ...t.env };
  Object.assign(t.env, extra);
  try {
    return fn();
  } finally {
    for (const k of Object.keys(t.env)) delete t.env[k];
    Object.assign(t.env, saved);
  }
}

/** A session with `model` writes `rel` (`lines` AI lines), a human adds `human` lines, committed at `at`. */
export function sessionCommit(t: TestRepo, o: { rel: string; lines: number; human?: number; model: string; at: number }): { sha: string; session: string } {
  const id = randomUUID();
  const transcript = path.join(t.home, '.claude', 'projects', `-team-${id.slice(0, 8)}`, `${id}.jsonl`);
  writeTranscript(transcript, id, { model: o.model, version: '2.1.330', turns: [TURN] });
  const s = new ScriptedSession(t.repo, id, transcript, t.env);
  const ai = Array.from({ length: o.lines }, (_, i) => `export const ${path.basename(o.rel, '.js')}_${i} = ${i};`).join('\n') + '\n';
  s.start();
  s.prompt(`write ${o.rel}`);
  s.write(o.rel, ai);
  s.stop();
  s.end();
  if (o.human) t.write(o.rel, ai + Array.from({ length: o.human }, (_, i) => `// reviewed ${i}`).join('\n') + '\n');
  const sha = withEnv(t, dated(o.at), () => t.commitAll(`agent: ${o.rel}`));
  expect(t.trailers(sha).join('\n')).toContain(id);
  return { sha, session: id };
}

/** A human commit at `at`. */
export function humanCommitAt(t: TestRepo, rel: string, message: string, at: number): string {
  t.write(rel, `${rel} ${randomUUID()}\n`);
  return withEnv(t, dated(at), () => t.commitAll(message));
}

/** `git merge --no-ff branch -m message` at `at`; returns the merge commit. */
export function mergeAt(t: TestRepo, branch: string, message: string, at: number): string {
  withEnv(t, dated(at), () => t.git('merge', '-q', '--no-ff', branch, '-m', message));
  return t.head();
}

/** What the scenario produced, for webhooks and checks. */
export interface Work {
  now: number;
  alice: TestRepo;
  bob: TestRepo;
  bare: string;
  prs: { number: number; head: string; merge: string; at: number; ai: boolean }[];
  sessions: Record<string, string>;
}

/**
 * Alice and Bob push their traced work to `serverUrl` (tokens given) and to the bare remote:
 *   s1 alice opus   4 AI lines           now−1d   (PR #1, merged now−1d)
 *   s2 alice sonnet 2 AI + 2 human lines now−3d   (on main)
 *   s3 bob   sonnet 3 AI lines           now−1d   (branch bob)
 *   s4 bob   sonnet 5 AI lines           now−9d   (branch bob)
 *   s5 alice opus   1 AI line            now−12d  (PR #3, merged now−12d)
 *   s6 bob   sonnet 2 AI lines           now−45d  (branch bob)
 *   PR #2: a human squash commit "(#2)" now−3d;  PR #4: a human-only merge now−9d.
 */
export async function pushScenario(pool: RepoPool, serverUrl: string, tokens: { alice: string; bob: string }): Promise<Work> {
  const now = Date.now();
  const alice = pool.create({ files: { 'README.md': '# team\n' } });
  Object.assign(alice.env, FAST_RETRY, { GIT_AUTHOR_EMAIL: 'alice@example.com', GIT_AUTHOR_NAME: 'Alice' });
  const bare = addBareRemote(alice);
  configure(alice, `destinations:\n  - type: git\n  - type: http\n    url: ${serverUrl}/attestations\n    tokenEnv: TRACE_TOKEN\n`);
  alice.git('push', '-q', 'origin', 'main');
  const sessions: Record<string, string> = {};
  const prs: Work['prs'] = [];

  alice.git('checkout', '-q', '-b', 'feat-3');
  const s5 = sessionCommit(alice, { rel: 'src/a3.js', lines: 1, model: OPUS, at: now - 12 * DAY });
  sessions.s5 = s5.session;
  alice.git('checkout', '-q', 'main');
  prs.push({ number: 3, head: s5.sha, merge: mergeAt(alice, 'feat-3', 'Merge pull request #3 from acme/feat-3', now - 12 * DAY), at: now - 12 * DAY, ai: true });

  alice.git('checkout', '-q', '-b', 'feat-4');
  const h4 = humanCommitAt(alice, 'docs/notes.md', 'notes', now - 9 * DAY);
  alice.git('checkout', '-q', 'main');
  prs.push({ number: 4, head: h4, merge: mergeAt(alice, 'feat-4', 'Merge pull request #4 from acme/feat-4', now - 9 * DAY), at: now - 9 * DAY, ai: false });

  const squash = humanCommitAt(alice, 'docs/typo.md', 'Fix a typo (#2)', now - 3 * DAY);
  prs.push({ number: 2, head: squash, merge: squash, at: now - 3 * DAY, ai: false });
  sessions.s2 = sessionCommit(alice, { rel: 'src/a2.js', lines: 2, human: 2, model: SONNET, at: now - 3 * DAY }).session;

  alice.git('checkout', '-q', '-b', 'feat-1');
  const s1 = sessionCommit(alice, { rel: 'src/a1.js', lines: 4, model: OPUS, at: now - 1 * DAY });
  sessions.s1 = s1.session;
  alice.git('checkout', '-q', 'main');
  prs.push({ number: 1, head: s1.sha, merge: mergeAt(alice, 'feat-1', 'Merge pull request #1 from acme/feat-1', now - 1 * DAY), at: now - 1 * DAY, ai: true });

  alice.sh('git push -q origin main', { TRACE_TOKEN: tokens.alice });
  await waitForPushes(alice, allDelivered(2), 60_000);

  const bob = cloneAs(pool, bare);
  Object.assign(bob.env, FAST_RETRY, { GIT_AUTHOR_EMAIL: 'bob@example.com', GIT_AUTHOR_NAME: 'Bob' });
  bob.git('checkout', '-q', '-b', 'bob');
  sessions.s6 = sessionCommit(bob, { rel: 'src/b3.js', lines: 2, model: SONNET, at: now - 45 * DAY }).session;
  sessions.s4 = sessionCommit(bob, { rel: 'src/b2.js', lines: 5, model: SONNET, at: now - 9 * DAY }).session;
  bob.sh('git push -q origin bob', { TRACE_TOKEN: tokens.bob });
  await waitForPushes(bob, allDelivered(2), 60_000);
  sessions.s3 = sessionCommit(bob, { rel: 'src/b1.js', lines: 3, model: SONNET, at: now - 1 * DAY }).session;
  bob.sh('git push -q origin bob', { TRACE_TOKEN: tokens.bob });
  await waitForPushes(bob, allDelivered(4), 60_000);
  return { now, alice, bob, bare, prs, sessions };
}

/** Sends the four PRs as GitHub `pull_request` (closed, merged) events, signed with `secret`. */
export async function sendPrWebhooks(serverUrl: string, secret: string, w: Work): Promise<void> {
  for (const pr of w.prs) {
    const body = JSON.stringify({
      action: 'closed',
      number: pr.number,
      repository: { full_name: 'acme/team' },
      pull_request: {
        number: pr.number,
        state: 'closed',
        merged: true,
        created_at: new Date(pr.at - 3600_000).toISOString(),
        merged_at: new Date(pr.at).toISOString(),
        head: { sha: pr.head, ref: `feat-${pr.number}` },
        base: { ref: 'main' },
        merge_commit_sha: pr.merge,
      },
    });
    const res = await postWebhook(serverUrl, body, sign(secret, body));
    expect(res.status, await res.text()).toBe(200);
  }
}

export const sign = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export function postWebhook(serverUrl: string, body: string, signature: string, event = 'pull_request'): Promise<Response> {
  return fetch(`${serverUrl}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-hub-signature-256': signature },
    body,
  });
}

/** The cards computed by hand from the scenario, for `7d` and `30d` (shares as fractions). */
export function expectedCards(period: '7d' | '30d') {
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  if (period === '7d') {
    return {
      total_sessions: { value: 3, previous: 2, delta: 1 }, // s1 s2 s3 | s4 s5
      active_users: { value: 2, previous: 2, delta: 0 },
      ai_assisted_prs: { value: 1, total: 2, share: 0.5, merged: 1, previous: 1, delta: 0 }, // #1 of #1 #2 | #3 of #3 #4
      ai_authored_code: { ai_lines: 9, human_lines: 2, share: 9 / 11, previous_share: 1, delta: 9 / 11 - 1 },
      top_users: [
        { user: 'alice@example.com', sessions: 2 },
        { user: 'bob@example.com', sessions: 1 },
      ],
      model_breakdown: [
        { model: SONNET, sessions: 2, share: 2 / 3, estimated_cost_usd: r6(2 * COST[SONNET]) },
        { model: OPUS, sessions: 1, share: 1 / 3, estimated_cost_usd: r6(COST[OPUS]) },
      ],
    };
  }
  return {
    total_sessions: { value: 5, previous: 1, delta: 4 }, // s1–s5 | s6
    active_users: { value: 2, previous: 1, delta: 1 },
    ai_assisted_prs: { value: 2, total: 4, share: 0.5, merged: 2, previous: 0, delta: 2 },
    ai_authored_code: { ai_lines: 15, human_lines: 2, share: 15 / 17, previous_share: 1, delta: 15 / 17 - 1 },
    top_users: [
      { user: 'alice@example.com', sessions: 3 },
      { user: 'bob@example.com', sessions: 2 },
    ],
    model_breakdown: [
      { model: SONNET, sessions: 3, share: 3 / 5, estimated_cost_usd: r6(3 * COST[SONNET]) },
      { model: OPUS, sessions: 2, share: 2 / 5, estimated_cost_usd: r6(2 * COST[OPUS]) },
    ],
  };
}

/** Reads a JSON file (for test outputs). */
export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));
