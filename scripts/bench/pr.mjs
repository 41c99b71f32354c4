// Issue 7: `trace pr --json` over a range of 500 commits and 200 sessions (signed attestations of 25
// pushes on the remote's attestation ref, sessions spanning two pushes aggregated; three built-in
// policies and a CEL policy on), against `trace verify --range` over the same range (the same
// bundles read and verified, nothing correlated or rendered). Time and peak memory (max RSS of the
// CLI process, read from process.resourceUsage() at exit by a wrapper).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { git, row, stats } from './lib.mjs';

export const name = 'pr';
export const title = 'trace pr over 500 commits and 200 sessions';

const COMMITS = 500;
const SESSIONS = 200;
const PUSHES = 25;

function sessionData(id, commits, files, model) {
  const added = files.length * 10;
  return {
    schema_version: 'v1',
    agent: { name: 'claude-code', version: '2.1.0' },
    session: { id, started_at: '2026-01-01T10:00:00.000Z', ended_at: '2026-01-01T10:30:00.000Z', duration_seconds: 1800 },
    git_context: { commits, commit_count: commits.length, commit_start: commits[0], commit_end: commits[commits.length - 1] },
    model: { primary: model, provider: 'anthropic', models_used: [model] },
    usage: { input_tokens: 5000, output_tokens: 20000, cache_read_input_tokens: 100000, cache_creation_input_tokens: 20000, total_tokens: 25000, estimated_cost_usd: 0.42 },
    code_changes: {
      files_modified: 0, files_created: files.length, files_deleted: 0, lines_added: added, lines_removed: 0, ai_lines_added: added - files.length, ai_lines_removed: 0,
      human_lines_added: files.length, human_lines_removed: 0,
      files: files.map((f) => ({ path: f, status: 'created', lines_added: 10, lines_removed: 0, attribution: 'ai', line_ranges: [{ start: 1, end: 9 }], session_ids: [id] })),
    },
  };
}

/** Peak RSS (kB) and wall time of `node bin/trace.js …`, through a wrapper that reports maxRSS at exit. */
function measure(wrapper, args, cwd, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [wrapper, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms, rssKb: rss, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function run(ctx) {
  const dist = (p) => pathToFileURL(path.join(ctx.packageRoot, 'dist', 'src', p)).href;
  const [{ buildStatement, sessionMaterial }, { signStatement }, { bundleDigest }, { loadOrCreateKey }, { GitRefDestination }] = await Promise.all([
    import(dist('attest/statement.js')), import(dist('attest/sign.js')), import(dist('attest/digest.js')), import(dist('attest/key.js')), import(dist('deliver/git-ref.js')),
  ]);
  const env = { ...ctx.baseEnv, TRACE_HOME: ctx.dir('pr-trace-home') };
  const repo = ctx.dir('pr-repo');
  const bare = path.join(ctx.root, 'pr-remote.git');
  git(ctx.root, ['init', '-q', '--bare', '-b', 'main', bare], env);
  git(repo, ['init', '-q', '-b', 'main'], env);
  git(repo, ['remote', 'add', 'origin', bare], env);
  fs.writeFileSync(path.join(repo, '.chainloop.yml'), 'projectName: bench\npolicies:\n  approvedModels: ["claude-*"]\n  tokenBudget: 1000000\n  maxAiShare: 95\n  files: [budget.yaml]\n');
  fs.writeFileSync(path.join(repo, 'budget.yaml'), 'kind: Policy\nmetadata: { name: check-token-budget }\nspec:\n  policies:\n    - kind: CHAINLOOP_AI_CODING_SESSION\n      cel: >\n        input.data.usage.total_tokens > 500000 ? ["Session used " + string(input.data.usage.total_tokens) + " tokens"] : []\n');
  git(repo, ['add', '-A'], env);
  git(repo, ['commit', '-q', '-m', 'base'], env);
  const base = git(repo, ['rev-parse', 'HEAD'], env).trim();

  // 500 commits through fast-import, each naming its session in the trailer
  const sessionOf = (i) => `bench-pr-${String(Math.floor((i * SESSIONS) / COMMITS)).padStart(4, '0')}`;
  let stream = '';
  for (let i = 0; i < COMMITS; i++) {
    const content = `export const v${i} = ${i};\n`.repeat(10);
    const msg = `change ${i}\n\nChainloop-Trace-Sessions: ${sessionOf(i)}\n`;
    stream += `commit refs/heads/main\nmark :${i + 1}\ncommitter Bench <bench@example.invalid> ${1767261600 + i} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}${i === 0 ? `from ${base}\n` : ''}M 100644 inline src/f${i}.ts\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  }
  git(repo, ['fast-import', '--quiet'], env, stream);
  git(repo, ['reset', '-q', '--hard', 'main'], env);
  const commits = git(repo, ['rev-list', '--reverse', `${base}..main`], env).split('\n').filter(Boolean);
  git(repo, ['push', '-q', 'origin', 'main'], env);

  // 25 pushes of 20 commits, each signed with one material per session it carries, delivered to the remote's ref
  const key = loadOrCreateKey(ctx.dir('pr-key'));
  const dest = new GitRefDestination({ env });
  const per = COMMITS / PUSHES;
  for (let p = 0; p < PUSHES; p++) {
    const idx = Array.from({ length: per }, (_, k) => p * per + k);
    const bySession = new Map();
    for (const i of idx) bySession.set(sessionOf(i), [...(bySession.get(sessionOf(i)) ?? []), i]);
    const materials = [...bySession].map(([id, is]) => sessionMaterial(sessionData(id, is.map((i) => commits[i]), is.map((i) => `src/f${i}.ts`), 'claude-sonnet-4-5-20250929')));
    const statement = buildStatement({ commits: idx.map((i) => ({ sha: commits[i], name: bare })), materials, project: { projectName: 'bench' }, publicKeyFingerprint: key.fingerprint, createdAt: new Date(1767261600000 + p * 1000) });
    const bundle = await signStatement(statement, key);
    const bundleJson = JSON.stringify(bundle);
    const out = await dest.deliver({ bundleJson, digest: bundleDigest(bundle), commits: idx.map((i) => commits[i]), publicKeyPem: key.publicKeyPem, keyFingerprint: key.fingerprint, repo, remote: 'origin' });
    if (out.kind !== 'delivered') throw new Error(`bench pr: delivery ${p} failed: ${out.reason}`);
  }

  const wrapper = path.join(ctx.root, 'pr-measure.mjs');
  fs.writeFileSync(
    wrapper,
    `import { main } from ${JSON.stringify(dist('cli/main.js'))};\nimport { processContext } from ${JSON.stringify(dist('cli/context.js'))};\n` +
      `const code = await main(process.argv.slice(2), processContext());\nprocess.stderr.write('\\nmaxrss=' + process.resourceUsage().maxRSS + '\\n');\nprocess.exitCode = code;\n`,
  );
  const range = `${base}..${commits[COMMITS - 1]}`;
  const first = measure(wrapper, ['pr', range, '--json'], repo, env);
  if (first.code !== 0) throw new Error(`bench pr: trace pr exited ${first.code}: ${first.stderr.slice(0, 500)}`);
  const report = JSON.parse(first.stdout);
  if (report.sessions.length !== SESSIONS || report.range.commits !== COMMITS || report.verdict !== 'success') {
    throw new Error(`bench pr: expected ${SESSIONS} sessions over ${COMMITS} commits, success; got ${report.sessions.length} over ${report.range.commits}, ${report.verdict}`);
  }
  const runs = ctx.n(5, 3);
  const pr = [];
  const verify = [];
  const rss = [];
  const verifyRss = [];
  const logMs = [];
  for (let i = 0; i < runs; i++) {
    const a = measure(wrapper, ['pr', range, '--json'], repo, env);
    pr.push(a.ms);
    rss.push(a.rssKb);
    const b = measure(wrapper, ['verify', '--range', range], repo, env);
    if (b.code !== 0) throw new Error(`bench pr: trace verify exited ${b.code}: ${b.stderr.slice(0, 300)}`);
    verify.push(b.ms);
    verifyRss.push(b.rssKb);
    const t0 = process.hrtime.bigint();
    git(repo, ['log', '--format=%H%x00%B', range], env);
    logMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const ps = stats(pr);
  const vs = stats(verify);
  const peakMb = Math.max(...rss) / 1024;
  return [
    row({
      bench: name, figure: `trace pr --json, ${COMMITS} commits, ${SESSIONS} sessions, ${PUSHES} bundles (fetch included)`, value: ps.median, p95: ps.p95,
      baseline: { name: 'trace verify --range (same bundles)', value: vs.median, p95: vs.p95 },
      target: { max: 3, on: 'ratio', text: '≤ 3× verify alone' },
      detail: { pr: ps, verify: vs, gitLog: stats(logMs), runs, bundles: PUSHES },
    }),
    row({
      bench: name, figure: 'trace pr peak memory (max RSS)', value: Math.round(peakMb), unit: 'MB',
      baseline: { name: 'trace verify --range', value: Math.round(Math.max(...verifyRss) / 1024) },
      target: { max: 512, on: 'value', text: '< 512 MB' },
      detail: { rssKb: rss, verifyRssKb: verifyRss },
    }),
  ];
}
