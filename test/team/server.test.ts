/**
 * Issue 9, "Must show": two developers with their own keys push traced work through the HTTP
 * destination to a real `trace server`, on the embedded SQLite default and on a real PostgreSQL
 * (started by the test from the system's packages as an unprivileged user, in a temporary data
 * directory, stopped afterwards). The cards equal the values computed by hand for 7d and 30d, deltas
 * included; a replayed bundle is stored once; a bundle signed by another key than the token's is
 * refused; a webhook with a bad signature is refused; and `trace dashboard --repo` computes the same
 * cards from git alone.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper shared with the benchmarks
import { startPostgres } from '../../scripts/postgres.mjs';
import { loadOrCreateKey, publicKeyFingerprint } from '../../src/attest/key.js';
import { signStatement } from '../../src/attest/sign.js';
import { openTeamDb } from '../../src/team/db/open.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';
import { bundleJson, remoteBundles, statementOf } from '../push/helpers.js';
import { expectedCards, postWebhook, pushScenario, sendPrWebhooks, serverCli, sign, startServer, type ServerProc, type Work } from './scenario.js';

const SECRET = 'whsec-test-7f2a';
type Engine = 'sqlite' | 'postgres';

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const withoutPeriod = (d: Record<string, unknown>) => ({ ...d, period: { name: (d.period as { name: string }).name } });

async function countAttestations(database: string): Promise<number> {
  const db = await openTeamDb(database);
  try {
    const r = await db.db.selectFrom('attestations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await db.close();
  }
}

describe.each<Engine>(['sqlite', 'postgres'])('trace server on %s', (engine) => {
  const pool = new RepoPool();
  let admin: TestRepo;
  let database: string;
  let pg: { url: string; version: string; stop(): Promise<void> } | null = null;
  let server: ServerProc;
  let work: Work;
  const tokens = { alice: '', bob: '' };

  beforeAll(async () => {
    admin = pool.create({ init: false });
    if (engine === 'postgres') {
      pg = (await startPostgres()) as typeof pg;
      database = pg!.url;
    } else database = path.join(admin.root, 'server', 'trace-server.db');
    tokens.alice = serverCli(admin, database, 'token', 'create', '--name', 'alice').trim();
    tokens.bob = serverCli(admin, database, 'token', 'create', '--name', 'bob').trim();
    expect(tokens.alice).toMatch(/^trace_[\w-]{40,}$/);
    server = await startServer(admin.env, database, SECRET);
    work = await pushScenario(pool, server.url, tokens);
    await sendPrWebhooks(server.url, SECRET, work);
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    pool.cleanupAll();
    await pg?.stop();
  });

  it('binds each developer key to its token on first delivery', () => {
    const list = JSON.parse(serverCli(admin, database, 'key', 'list', '--json')) as { token_name: string; fingerprint: string; state: string }[];
    const fp = (t: TestRepo) => publicKeyFingerprint(fs.readFileSync(path.join(t.traceHome, 'keys', 'signing-key.pub.pem'), 'utf8'));
    expect(list.map((k) => [k.token_name, k.state]).sort()).toEqual([['alice', 'active'], ['bob', 'active']]);
    expect(list.find((k) => k.token_name === 'alice')!.fingerprint).toBe(fp(work.alice));
    expect(list.find((k) => k.token_name === 'bob')!.fingerprint).toBe(fp(work.bob));
    expect(fp(work.alice)).not.toBe(fp(work.bob));
  });

  it.each(['7d', '30d'] as const)('GET /api/dashboard?period=%s equals the cards computed by hand', async (period) => {
    const d = await getJson(`${server.url}/api/dashboard?period=${period}`);
    const { period: p, ...cards } = d;
    expect((p as { name: string }).name).toBe(period);
    expect(Date.parse((p as { to: string }).to) - Date.parse((p as { from: string }).from)).toBe((period === '7d' ? 7 : 30) * 86400_000);
    const want = expectedCards(period);
    expect(cards).toEqual({ ...want, ai_authored_code: expect.any(Object) });
    const code = cards.ai_authored_code as Record<string, number>;
    expect(code.ai_lines).toBe(want.ai_authored_code.ai_lines);
    expect(code.human_lines).toBe(want.ai_authored_code.human_lines);
    expect(code.share).toBeCloseTo(want.ai_authored_code.share, 12);
    expect(code.previous_share).toBeCloseTo(want.ai_authored_code.previous_share, 12);
    expect(code.delta).toBeCloseTo(want.ai_authored_code.delta, 12);
  });

  it('trace dashboard --repo (git alone) gives the same cards as the server', async () => {
    const lead = pool.create({ init: false });
    lead.git('remote', 'add', 'origin', work.bare);
    lead.git('fetch', '-q', 'origin');
    lead.git('reset', '-q', '--hard', 'origin/main');
    for (const period of ['7d', '30d']) {
      const r = lead.traceIn(lead.root, ['dashboard', '--repo', lead.repo, '--period', period, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('not counted');
      const fromGit = JSON.parse(r.stdout) as Record<string, unknown>;
      const fromServer = await getJson(`${server.url}/api/dashboard?period=${period}`);
      expect(withoutPeriod(fromGit)).toEqual(withoutPeriod(fromServer));
    }
    const viaServer = lead.traceIn(lead.root, ['dashboard', '--server', server.url, '--period', '30d', '--json']);
    expect(viaServer.code, viaServer.stderr).toBe(0);
    expect(withoutPeriod(JSON.parse(viaServer.stdout) as Record<string, unknown>)).toEqual(withoutPeriod(await getJson(`${server.url}/api/dashboard?period=30d`)));
    const html = path.join(lead.root, 'dash.html');
    const term = lead.traceIn(lead.root, ['dashboard', '--repo', lead.repo, '--period', '7d', '--html', html]);
    expect(fs.readFileSync(html, 'utf8')).toContain('Chart.js v4');
    expect(term.code, term.stderr).toBe(0);
    for (const line of term.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(term.stdout).toMatch(/Total sessions\s+3\s.*\+1/);
    expect(term.stdout).toContain('alice@example.com');
  }, 240_000); // seven CLI runs, each fetching and verifying: minutes on a loaded 2-core machine

  it('stores a replayed bundle once', async () => {
    const before = await countAttestations(database);
    const bundle = [...remoteBundles(work.alice, work.bare).values()].find((b) => statementOf(b).text.includes(work.prs[0]!.head))!;
    const headers = {
      authorization: `Bearer ${tokens.alice}`,
      'content-type': 'application/json',
      'x-trace-public-key': Buffer.from(fs.readFileSync(path.join(work.alice.traceHome, 'keys', 'signing-key.pub.pem'), 'utf8')).toString('base64'),
    };
    const { createHash } = await import('node:crypto');
    const key = createHash('sha256').update(bundle).digest('hex');
    for (const idem of [key, key, 'another-key-same-bundle']) {
      const res = await fetch(`${server.url}/attestations`, { method: 'POST', headers: { ...headers, 'idempotency-key': idem }, body: bundle });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ stored: false, duplicate: true });
    }
    expect(await countAttestations(database)).toBe(before);
    expect(before).toBe(3); // alice's push, bob's two pushes
    const d = await getJson(`${server.url}/api/dashboard?period=30d`);
    expect(d.total_sessions).toEqual(expectedCards('30d').total_sessions);
  });

  it('refuses a bundle signed by another key than the token is bound to', async () => {
    const bobBundle = bundleJson(work.bob, 'HEAD');
    const bobPem = fs.readFileSync(path.join(work.bob.traceHome, 'keys', 'signing-key.pub.pem'), 'utf8');
    const post = (key?: string) =>
      fetch(`${server.url}/attestations`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.alice}`,
          'content-type': 'application/json',
          'idempotency-key': `forged-${Math.random().toString(36).slice(2)}`,
          ...(key ? { 'x-trace-public-key': Buffer.from(key).toString('base64') } : {}),
        },
        body: bobBundle,
      });
    const withBobKey = await post(bobPem);
    expect(withBobKey.status).toBe(403);
    expect(((await withBobKey.json()) as { error: string }).error).toMatch(/not the key bound to token 'alice'/);
    const noKey = await post();
    expect(noKey.status).toBe(422);
    expect(((await noKey.json()) as { error: string }).error).toMatch(/bundle refused/);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect((await post(other)).status).toBe(403);
    const bad = await fetch(`${server.url}/attestations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.bob}`, 'content-type': 'application/json', 'idempotency-key': 'not-a-bundle-1' },
      body: '{"not":"a bundle"}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not a Sigstore bundle/);
    const noToken = await fetch(`${server.url}/attestations`, { method: 'POST', headers: { 'idempotency-key': 'x-12345678' }, body: bobBundle });
    expect(noToken.status).toBe(401);
    expect(await countAttestations(database)).toBe(3);
  });

  it('refuses a webhook with a bad signature, and events other than pull_request', async () => {
    const body = JSON.stringify({ action: 'opened', number: 99, repository: { full_name: 'acme/team' }, pull_request: { number: 99, state: 'open', created_at: new Date().toISOString(), head: { sha: work.prs[0]!.head } } });
    const bad = await postWebhook(server.url, body, sign('wrong-secret', body));
    expect(bad.status).toBe(401);
    const unsigned = await postWebhook(server.url, body, '');
    expect(unsigned.status).toBe(401);
    const push = await postWebhook(server.url, body, sign(SECRET, body), 'push');
    expect(push.status).toBe(422);
    const d = await getJson(`${server.url}/api/dashboard?period=7d`);
    expect(d.ai_assisted_prs).toEqual(expectedCards('7d').ai_assisted_prs);
  });

  it('serves health, readiness, a session across repositories and the HTML page', async () => {
    expect(await getJson(`${server.url}/healthz`)).toEqual({ ok: true });
    expect(await getJson(`${server.url}/readyz`)).toEqual({ ok: true, database: engine });
    const s = await getJson(`${server.url}/api/sessions/${work.sessions.s3}`);
    expect(s).toMatchObject({ id: work.sessions.s3, user: 'bob@example.com', model: 'claude-sonnet-4-5-20250929' });
    expect((s.attestations as unknown[]).length).toBe(1);
    expect((await fetch(`${server.url}/api/sessions/nope`)).status).toBe(404);
    const html = await fetch(`${server.url}/?period=30d`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    const page = await html.text();
    expect(page).toContain('Chart.js v4');
    expect(page).not.toMatch(/<script[^>]+src=/);
    expect(server.log()).not.toContain(tokens.alice);
  });

  it('administers tokens and keys: revoke a token, revoke and rotate a key', async () => {
    const fpOf = (t: TestRepo) => publicKeyFingerprint(fs.readFileSync(path.join(t.traceHome, 'keys', 'signing-key.pub.pem'), 'utf8'));
    // a bundle bob signs that the server has not seen: his last statement, re-signed with a new time
    const key = loadOrCreateKey(path.join(work.bob.traceHome, 'keys'));
    const { statement } = statementOf(bundleJson(work.bob, 'HEAD'));
    const fresh = JSON.stringify(await signStatement({ ...statement, predicate: { ...statement.predicate, metadata: { ...statement.predicate.metadata, createdAt: new Date().toISOString() } } } as never, key));
    const post = (token: string) =>
      fetch(`${server.url}/attestations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'idempotency-key': `fresh-${Math.random().toString(36).slice(2)}`, 'x-trace-public-key': Buffer.from(key.publicKeyPem).toString('base64') },
        body: fresh,
      });

    serverCli(admin, database, 'key', 'revoke', fpOf(work.alice));
    const revoked = await post(tokens.alice);
    expect(revoked.status).toBe(403);
    expect(((await revoked.json()) as { error: string }).error).toMatch(/key rotate --token alice/);
    expect(serverCli(admin, database, 'key', 'rotate', '--token', 'alice')).toMatch(/will bind the next key/);
    expect((await post(tokens.alice)).status).toBe(201); // alice's token now takes bob's key (an admin said so)
    const keys = JSON.parse(serverCli(admin, database, 'key', 'list', '--json')) as { token_name: string; fingerprint: string; state: string }[];
    expect(keys.filter((k) => k.token_name === 'alice').map((k) => [k.fingerprint, k.state]).sort()).toEqual(
      [[fpOf(work.alice), 'revoked'], [fpOf(work.bob), 'active']].sort(),
    );

    serverCli(admin, database, 'token', 'revoke', 'bob');
    expect((await post(tokens.bob)).status).toBe(401);
    expect(serverCli(admin, database, 'token', 'list')).toMatch(/bob\s+\S+\s+revoked/);
  });
});
