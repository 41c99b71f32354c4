// Benchmark 6 (issue 3): `git push` to a local bare remote from a repository after `trace init` against
// the same push from an identical repository without ai-trace's hooks (each to its own bare remote),
// interleaved (the order flips every iteration), one new small commit per push. The commits are made
// in advance on a `work` branch; before each push `main` is moved to the next one, so the timed command
// is always `git push -q origin main`. Three cases, reported separately:
//  - traced commit: every push carries one commit an agent session edited (trailer set), so the
//    non-enforcing pre-push spools the push for the daemon and returns; the daemon's attestation and
//    delivery are awaited between pushes, outside the timing (pushes are not back to back in practice);
//  - human commit, agent work delivered: the traced repository once every traced commit is pushed and
//    delivered (the pre-push's fast path: no `unpushed` marker);
//  - human commit, agent work unpushed: a traced commit waits on another branch, so the pre-push still
//    spools every push and the daemon finds nothing to attest in it.
// Then push-to-delivered: 20 traced commits pushed at once; the time from the start of `git push` until
// the push's job (default git destination: the same bare remote) is delivered, polled from the daemon's
// /v1/status (the object `trace status --json` prints) and confirmed with `trace status --json`.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { git, makeRepo, PACKAGE_ROOT, row, sourceFile, spoolWaiting, startDaemon, stats, stopDaemon, timeSpawn, trace, waitUntil, writeTranscript } from './lib.mjs';

export const name = 'push';
export const title = 'git push with ai-trace hooks vs without, push-to-delivered time';

const TARGET = { max: 1.2, on: 'ratio', text: '≤ 1.2× plain' };
const FILES = 40;
const DELIVER_TIMEOUT_MS = 30_000;
const POLL_GAP_MS = 5;

export async function run(ctx) {
  const { ScriptedSession } = await import(pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'src', 'demo', 'claude-driver.js')).href);
  const { env, home } = ctx.traceHome('push');
  const files = { 'README.md': '# bench\n' };
  for (let i = 0; i < FILES; i++) files[`src/mod${i}.ts`] = sourceFile(40, i) + '// end\n';
  const traced = makeRepo(ctx.dir('push-traced'), files, env);
  const plain = makeRepo(ctx.dir('push-plain'), files, env);
  trace(['init', '--project', 'bench'], { cwd: traced, env });
  // same content in both: the plain repository gets the committed config files, not the git hooks
  for (const f of ['.chainloop.yml', '.claude/settings.json']) {
    fs.mkdirSync(path.dirname(path.join(plain, f)), { recursive: true });
    fs.copyFileSync(path.join(traced, f), path.join(plain, f));
  }
  for (const repo of [traced, plain]) {
    git(repo, ['add', '-A'], env);
    git(repo, ['commit', '-q', '-m', 'add ai-trace config'], env);
    const bare = `${repo}-remote.git`;
    git(ctx.root, ['init', '-q', '--bare', bare], env);
    git(repo, ['remote', 'add', 'origin', bare], env);
    git(repo, ['push', '-q', 'origin', 'main'], env);
    git(repo, ['checkout', '-q', '-b', 'work'], env); // commits are made here; `main` is what gets pushed
  }
  const traceDir = path.join(traced, '.git', 'chainloop-trace');
  const unpushedMarker = path.join(traceDir, 'unpushed');
  const hookLog = path.join(traceDir, 'log.txt');
  /** How many pre-push events the hook has spooled so far (it logs one line per spooled event). */
  const prePushSpooled = () => (fs.existsSync(hookLog) ? fs.readFileSync(hookLog, 'utf8').split('\n').filter((l) => / git pre-push$/.test(l)).length : 0);

  // the daemon is running, as on a developer's machine
  startDaemon(env);
  const spoolDrained = () => waitUntil(() => spoolWaiting(home) === 0, 15_000);

  // --- commits: a human one in both repositories, or an agent edit (traced) mirrored as a plain change
  let seq = 0;
  const rels = (k) => `src/mod${k % FILES}.ts`;
  const humanChange = (k) => {
    const rel = rels(k);
    const line = `export const human${++seq} = ${seq};\n`;
    for (const repo of [traced, plain]) {
      fs.appendFileSync(path.join(repo, rel), line);
      git(repo, ['commit', '-q', '-am', `human change ${seq}`], env);
    }
    return [git(traced, ['rev-parse', 'HEAD'], env).trim(), git(plain, ['rev-parse', 'HEAD'], env).trim()];
  };
  const sessionId = 'bench-push-4000-8000-000000000001';
  const transcript = path.join(ctx.root, 'transcripts', 'push.jsonl');
  writeTranscript(transcript, sessionId);
  const session = new ScriptedSession(traced, sessionId, transcript, env);
  session.start();
  session.prompt('Add an export to each module, one commit each.');
  const aiPending = path.join(traceDir, 'ai-pending');
  let notIngested = 0;
  let agentCommits = 0;
  let withTrailer = 0;
  const agentChange = (k) => {
    const rel = rels(k);
    const n = ++seq;
    session.edit(rel, '// end\n', `export const agent${n} = ${n};\nexport function agentFn${n}(x: number): number {\n  return x + ${n};\n}\n// end\n`);
    fs.copyFileSync(path.join(traced, rel), path.join(plain, rel));
    // a developer commits seconds later, by when the daemon has ingested the edit
    if (!waitUntil(() => spoolWaiting(home) === 0 && fs.existsSync(aiPending), 15_000)) notIngested++;
    for (const repo of [traced, plain]) {
      git(repo, ['add', rel], env);
      git(repo, ['commit', '-q', '-m', `agent change ${n}`], env);
    }
    agentCommits++;
    if (/^Chainloop-Trace-Sessions: /m.test(git(traced, ['log', '-1', '--format=%B'], env))) withTrailer++;
    spoolDrained(); // post-commit ingested before the next edit
    return [git(traced, ['rev-parse', 'HEAD'], env).trim(), git(plain, ['rev-parse', 'HEAD'], env).trim()];
  };

  // --- the push queue, read through `trace status --json`
  const jobs = () => JSON.parse(trace(['status', '--json'], { cwd: traced, env }).stdout).pushes ?? [];
  // `trace status --json` is a node start (a few hundred ms on a busy machine): too coarse to time a
  // delivery of about a second, so that wait polls the object it prints straight from the daemon
  // (GET /v1/status on its socket, as the CLI does) and then checks the CLI agrees
  const socket = path.join(home, 'run', 'daemon.sock');
  const daemonStatus = () =>
    new Promise((resolve, reject) => {
      // the route first applies what is spooled (up to its own 10 s): on a loaded machine a 20-commit
      // pre-push (attest, sign) takes seconds, so this waits past that bound rather than failing
      const req = http.get({ socketPath: socket, host: 'ai-trace', path: '/v1/status', timeout: 30_000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(new Error(`GET /v1/status (${res.statusCode}): ${body.slice(0, 200)}`));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('GET /v1/status timed out')));
      req.on('error', reject);
    });
  /** Waits until every job of the traced repository is delivered (or failed: an error). */
  const settle = () => {
    spoolDrained();
    let last = [];
    const ok = waitUntil(() => {
      last = jobs();
      const bad = last.find((j) => j.state === 'failed');
      if (bad) throw new Error(`push job ${bad.id} failed: ${bad.last_error}`);
      return last.every((j) => j.state === 'delivered');
    }, DELIVER_TIMEOUT_MS, 50);
    if (!ok) throw new Error(`push jobs not delivered in ${DELIVER_TIMEOUT_MS} ms: ${JSON.stringify(last.filter((j) => j.state !== 'delivered')).slice(0, 500)}`);
    return last;
  };

  const push = (repo) => timeSpawn('git', ['push', '-q', 'origin', 'main'], { cwd: repo, env }).ms;
  const moveMain = ([t, p]) => {
    git(traced, ['branch', '-f', 'main', t], env);
    git(plain, ['branch', '-f', 'main', p], env);
  };
  /** `count` interleaved pushes (after 2 warm-ups) of the commits `make(k)` produces, made in advance. */
  const pushCase = (count, make, { settleEach }) => {
    const commits = [];
    for (let k = 0; k < count + 2; k++) commits.push(make(k));
    spoolDrained();
    const T = [];
    const P = [];
    const markerBefore = { present: 0, absent: 0 };
    const spooledBefore = prePushSpooled();
    let spooledTimed = 0;
    commits.forEach((c, i) => {
      moveMain(c);
      const warm = i < 2;
      if (!warm) markerBefore[fs.existsSync(unpushedMarker) ? 'present' : 'absent']++;
      const s0 = prePushSpooled();
      let t;
      let p;
      // the daemon's work for a traced push (ingest, attest, sign, deliver) is done before the next
      // timed push starts, so it never lands in the plain push's figure
      const after = () => (settleEach ? settle() : spoolDrained());
      if (i % 2) {
        t = push(traced);
        after();
        p = push(plain);
      } else {
        p = push(plain);
        t = push(traced);
        after();
      }
      if (!warm) {
        T.push(t);
        P.push(p);
        spooledTimed += prePushSpooled() - s0;
      }
    });
    return { T, P, markerBefore, prePushSpooled: prePushSpooled() - spooledBefore, prePushSpooledTimed: spooledTimed };
  };

  // --- an agent session has produced traced commits earlier: pushed and delivered (warms the daemon's
  // signing stack up as well)
  const earlier = [];
  for (let k = 0; k < 3; k++) earlier.push(agentChange(100 + k));
  moveMain(earlier.at(-1));
  push(traced);
  push(plain);
  settle();

  const N = ctx.n(30, 6);
  const tStart = Date.now();
  const traceCase = pushCase(N, (k) => agentChange(k), { settleEach: true });
  ctx.log(`  push: traced-commit case ${((Date.now() - tStart) / 1000).toFixed(1)} s`);
  const tHuman = Date.now();
  const humanDelivered = pushCase(N, (k) => humanChange(k), { settleEach: false });
  ctx.log(`  push: human case ${((Date.now() - tHuman) / 1000).toFixed(1)} s`);

  // --- 20 traced commits in one push: push start → `delivered`, and the push command's own time
  const rounds = ctx.n(2, 1);
  const big = 20;
  const deliveredMs = [];
  const pollMs = [];
  const bigT = [];
  const bigP = [];
  const bigChecks = [];
  for (let r = 0; r < rounds; r++) {
    let head;
    for (let k = 0; k < big; k++) head = agentChange(200 + r * big + k);
    settle();
    const seen = new Set(jobs().map((j) => j.id));
    moveMain(head);
    const tracedPush = async () => {
      const t0 = process.hrtime.bigint();
      const ms = push(traced);
      let mine = [];
      let polls = 0;
      let delivered = null;
      const deadline = Date.now() + DELIVER_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const p0 = process.hrtime.bigint();
        mine = ((await daemonStatus()).pushes ?? []).filter((j) => !seen.has(j.id) && j.commits.includes(head[0]));
        polls++;
        pollMs.push(Number(process.hrtime.bigint() - p0) / 1e6);
        const bad = mine.find((j) => j.state === 'failed');
        if (bad) throw new Error(`push job ${bad.id} failed: ${bad.last_error}`);
        if (mine.length && mine.every((j) => j.state === 'delivered')) {
          delivered = Number(process.hrtime.bigint() - t0) / 1e6;
          break;
        }
        await new Promise((res) => setTimeout(res, POLL_GAP_MS));
      }
      if (delivered === null) throw new Error(`push of ${big} traced commits not delivered in ${DELIVER_TIMEOUT_MS} ms: ${JSON.stringify(mine).slice(0, 500)}`);
      // the CLI agrees: `trace status --json` lists the push's job(s) delivered with the 20 commits
      const cli = jobs().filter((j) => !seen.has(j.id) && j.commits.includes(head[0]));
      if (!cli.length || !cli.every((j) => j.state === 'delivered' && j.commits.length === big)) {
        throw new Error(`trace status --json disagrees: ${JSON.stringify(cli).slice(0, 500)}`);
      }
      deliveredMs.push(delivered);
      bigChecks.push({ jobs: cli.length, commits: cli[0].commits.length, destination: cli[0].destination, attempts: cli[0].attempts, polls });
      return ms;
    };
    // alternate the order; the plain push never overlaps the daemon's work
    if (r % 2) {
      bigT.push(await tracedPush());
      bigP.push(push(plain));
    } else {
      bigP.push(push(plain));
      bigT.push(await tracedPush());
    }
  }
  const attRef = git(`${traced}-remote.git`, ['for-each-ref', '--format=%(refname)', 'refs/chainloop-trace/'], env).trim();

  // --- human pushes while a traced commit waits, unpushed, on another branch
  git(traced, ['checkout', '-q', '-b', 'agent-wip'], env);
  git(plain, ['checkout', '-q', '-b', 'agent-wip'], env);
  agentChange(300);
  git(traced, ['checkout', '-q', 'work'], env);
  git(plain, ['checkout', '-q', 'work'], env);
  const tWip = Date.now();
  const humanPending = pushCase(N, (k) => humanChange(k + 7), { settleEach: false });
  ctx.log(`  push: human case with unpushed agent work ${((Date.now() - tWip) / 1000).toFixed(1)} s`);
  session.stop();
  session.end();
  spoolDrained();
  stopDaemon(env); // `trace daemon stop`, then SIGKILL if it lingers

  const rows = [];
  const pair = (figure, r, extra = {}) => {
    const h = stats(r.T);
    const hp = stats(r.P);
    rows.push(row({
      bench: name, figure, value: h.median, p95: h.p95, baseline: { name: 'no hooks', value: hp.median, p95: hp.p95 },
      target: TARGET, detail: { traced: h, plain: hp, unpushedMarkerBeforePush: r.markerBefore, prePushSpooled: r.prePushSpooledTimed, ...extra },
    }));
  };
  pair('push of a traced commit', traceCase, { agentCommits, withTrailer, editsNotIngestedInTime: notIngested });
  pair('push, human commit, agent work delivered', humanDelivered);
  pair('push, human commit, agent work unpushed', humanPending);
  const bt = stats(bigT);
  const bp = stats(bigP);
  rows.push(row({
    bench: name, figure: `push of ${big} traced commits (command)`, value: bt.median, p95: rounds > 1 ? bt.p95 : null,
    baseline: { name: 'no hooks', value: bp.median, p95: rounds > 1 ? bp.p95 : null }, target: TARGET, detail: { traced: bt, plain: bp, rounds },
  }));
  const d = stats(deliveredMs);
  const pollStats = stats(pollMs);
  rows.push(row({
    bench: name, figure: `push of ${big} traced commits → delivered`, value: d.median, p95: rounds > 1 ? d.p95 : null,
    detail: {
      delivered: d, samples: deliveredMs, pushCommand: bt, jobs: bigChecks, attestationsRef: attRef,
      resolution: `polled GET /v1/status on the daemon's socket (the trace status --json object; ${pollStats.median} ms median per poll, ${POLL_GAP_MS} ms between polls), confirmed by trace status --json; the figure is when the first poll that saw delivered returned`,
      poll: pollStats,
    },
  }));
  ctx.log(`  push: ${N} pushes per case and repository, ${rounds}× ${big} traced commits; ${agentCommits} agent commits, ${withTrailer} with trailer`);
  return rows;
}
