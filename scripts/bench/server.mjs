// Benchmark (issue 9): `trace server` on loopback backed by a real PostgreSQL (started from the system's
// packages like the tests do). 50 concurrent pushers, each with its own token and key, send 20 signed
// bundles each plus 5 repeats (same Idempotency-Key): every bundle must be stored exactly once; ingest
// p50/p95 latency and throughput. Then GET /api/dashboard?period=30d over the 1,000 sessions that ingest
// stored, against the same query after bulk-loading the store to 100,000 sessions.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { sql } from 'kysely';
import { PACKAGE_ROOT, row, stats } from './lib.mjs';
import { startPostgres } from '../postgres.mjs';

export const name = 'server';
export const title = 'trace server on PostgreSQL: 50 pushers × 20 bundles, dashboard over 1,000 vs 100,000 sessions';

const dist = (p) => import(path.join(PACKAGE_ROOT, 'dist', 'src', p));
const DAY = 86400_000;
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];

function startServer(env, database) {
  const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'trace.js'), 'server', '--listen', '127.0.0.1:0', '--database', database], {
    env: { ...env, TRACE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`trace server did not start: ${err}`)), 60_000);
    child.stderr.on('data', (d) => {
      err += String(d);
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) });
      }
    });
    child.on('exit', (code) => reject(new Error(`trace server exited ${code}: ${err}`)));
  });
}

/** One signed bundle: one session by `email` with `model`, one commit dated `at`. */
async function makeBundle({ buildStatement, sessionMaterial, signStatement }, key, email, at, i) {
  const sha = crypto.randomBytes(20).toString('hex');
  const ai = 10 + (i % 40);
  const data = {
    schema_version: 'v1',
    agent: { name: 'claude-code', version: '2.1.330' },
    session: { id: crypto.randomUUID(), started_at: at, ended_at: at, duration_seconds: 60 },
    git_context: { repository: 'https://example.com/acme/app.git', commits: [sha], commit_count: 1 },
    code_changes: { files_modified: 1, files_created: 0, files_deleted: 0, lines_added: ai + 3, lines_removed: 0, ai_lines_added: ai, ai_lines_removed: 0, human_lines_added: 3, human_lines_removed: 0, files: [] },
    model: { primary: MODELS[i % 3], provider: 'anthropic', models_used: [MODELS[i % 3]] },
    usage: { input_tokens: 1000, output_tokens: 2000, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 3000, estimated_cost_usd: 0.033 },
  };
  const statement = buildStatement({
    commits: [{ sha, name: 'https://example.com/acme/app.git', annotations: { author_email: email, committed_at: at } }],
    materials: [sessionMaterial(data)],
    project: { projectName: 'bench' },
    publicKeyFingerprint: key.fingerprint,
    createdAt: at,
  });
  return JSON.stringify(await signStatement(statement, key));
}

export async function run(ctx) {
  const pushers = 50;
  const perPusher = ctx.n(20, 4);
  const repeats = Math.max(1, Math.round(perPusher / 4));
  const pg = await startPostgres({ maxConnections: 200 });
  let server;
  try {
    const [{ openTeamDb }, { createToken }, statement, sign, { publicKeyFingerprint }] = await Promise.all([
      dist('team/db/open.js'),
      dist('team/tokens.js'),
      dist('attest/statement.js'),
      dist('attest/sign.js'),
      dist('attest/key.js'),
    ]);
    const signing = { buildStatement: statement.buildStatement, sessionMaterial: statement.sessionMaterial, signStatement: sign.signStatement };
    const admin = await openTeamDb(pg.url, { poolSize: 4 });
    const now = Date.now();
    const clients = [];
    for (let p = 0; p < pushers; p++) {
      const { token } = await createToken(admin.db, `pusher-${p}`);
      const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const publicKeyPem = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
      const key = { privateKey, publicKeyPem, fingerprint: publicKeyFingerprint(publicKeyPem) };
      const bundles = [];
      for (let i = 0; i < perPusher; i++) {
        const at = new Date(now - ((p * perPusher + i) % 29) * DAY - 3600_000).toISOString();
        bundles.push(await makeBundle(signing, key, `dev${p}@example.com`, at, i));
      }
      clients.push({ token, keyHeader: Buffer.from(publicKeyPem).toString('base64'), bundles });
    }
    server = await startServer(ctx.baseEnv, pg.url);
    const { Agent, request } = await import('undici');
    const agent = new Agent({ connections: pushers });
    const latencies = [];
    const statuses = {};
    const post = async (c, body) => {
      const t0 = performance.now();
      const res = await request(`${server.url}/attestations`, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${c.token}`,
          'content-type': 'application/json',
          'idempotency-key': crypto.createHash('sha256').update(body).digest('hex'),
          'x-trace-public-key': c.keyHeader,
        },
        body,
      });
      await res.body.text();
      latencies.push(performance.now() - t0);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    };
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        for (const [i, b] of c.bundles.entries()) {
          await post(c, b);
          if (i < repeats) await post(c, b); // a retry after a lost answer: same key, same body
        }
      }),
    );
    const wallS = (performance.now() - t0) / 1000;
    const total = pushers * perPusher;
    const stored = Number((await admin.db.selectFrom('attestations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const sessions = Number((await admin.db.selectFrom('sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    if (stored !== total || sessions !== total) throw new Error(`stored ${stored} bundles and ${sessions} sessions, expected exactly ${total} (statuses ${JSON.stringify(statuses)})`);
    const ingest = stats(latencies);

    const timeDashboard = async (runs) => {
      const samples = [];
      for (let i = 0; i < runs + 1; i++) {
        const s = performance.now();
        const res = await request(`${server.url}/api/dashboard?period=30d`, { dispatcher: agent });
        const body = JSON.parse(await res.body.text());
        if (i > 0) samples.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`GET /api/dashboard answered ${res.statusCode}`);
        if (i === 0) samples.sessions = body.total_sessions.value + body.total_sessions.previous;
      }
      return { ...stats(samples), sessions: samples.sessions };
    };
    const small = await timeDashboard(ctx.n(20, 5));
    // bulk-load to 100,000 sessions (rows as ingest writes them, in batches), dated over 60 days
    const target = Math.round(100_000 * Math.max(ctx.scale, 0.1));
    for (let done = total; done < target; ) {
      const n = Math.min(2000, target - done);
      const rows = [];
      const lines = [];
      for (let k = 0; k < n; k++, done++) {
        const at = new Date(now - (done % 59) * DAY - 3600_000 - (done % 3600) * 1000).toISOString();
        const id = `bulk-${done}`;
        rows.push({ session_id: id, at, day: at.slice(0, 10), developer: `dev${done % 400}@example.com`, agent: 'claude-code', model: MODELS[done % 3], cost_usd: 0.033, key_fingerprint: 'SHA256:bulk', digest: 'bulk' });
        lines.push({ lines_key: id, session_id: id, digest: 'bulk', at, day: at.slice(0, 10), ai_lines: 10 + (done % 40), human_lines: 3 });
      }
      await admin.db.insertInto('sessions').values(rows).execute();
      await admin.db.insertInto('session_lines').values(lines).execute();
    }
    await sql`ANALYZE`.execute(admin.db);
    const large = await timeDashboard(ctx.n(20, 5));
    await admin.close();
    await agent.close();
    return [
      row({ bench: name, figure: `ingest latency, ${pushers} pushers × ${perPusher} bundles (+${repeats} repeats each)`, value: ingest.median, p95: ingest.p95, detail: { ...ingest, statuses, stored, postgres: pg.version } }),
      row({ bench: name, figure: `ingest throughput (requests/s; ${stored} stored exactly once of ${latencies.length} sent)`, value: latencies.length / wallS, unit: 'req/s', detail: { wallSeconds: wallS, storedPerSecond: stored / wallS } }),
      row({
        bench: name,
        figure: `GET /api/dashboard?period=30d over ${target.toLocaleString('en-US')} sessions`,
        value: large.median,
        p95: large.p95,
        baseline: { name: `${total.toLocaleString('en-US')} sessions`, value: small.median, p95: small.p95 },
        detail: { large, small },
      }),
      row({ bench: name, figure: `PostgreSQL ${pg.version}`, value: null, unit: '', detail: { postgres: pg.version } }),
    ];
  } finally {
    await server?.stop();
    await pg.stop();
  }
}
