// Benchmark 2 (issue 2): `git commit` of a small change in a repository after `trace init` against the
// same commit in an identical repository without ai-trace's git hooks, interleaved (the order turns
// every iteration). A third identical repository has the same three commit hooks as empty
// `#!/bin/sh` scripts: what git itself spends running hook processes, the floor of any hook; a fourth
// has only the two the contract requires on a commit (commit-msg, post-commit). Cases:
//  - human, fresh: no agent ever edited in the repository (the hooks' fast path), in a 100-file
//    repository and in a 3,000-file one (a commit costs more there; the hooks cost the same);
//  - after agent edit: an Edit went through the Claude hooks and the daemon ingested it, so commit-msg
//    asks the daemon which sessions touched the staged files and adds the trailer;
//  - human, after agent work: the same repository once the agent's commits are done and nothing of it
//    is pending (the common commit of a developer who uses an agent now and then).
import fs from 'node:fs';
import path from 'node:path';
import {
  basePayload, git, hookCommand, hookEnv, makeRepo, row, sourceFile, spoolWaiting, startDaemon, stats, stopDaemon, timeSpawn, trace,
  waitUntil, writeTranscript,
} from './lib.mjs';

export const name = 'commit';
export const title = 'git commit with ai-trace hooks vs without';

const TARGET = { max: 1.25, on: 'ratio', text: '≤ 1.25× plain' };
const FILES = 100;
const LARGE_FILES = 3000;
const COMMIT_HOOKS = ['prepare-commit-msg', 'commit-msg', 'post-commit'];
const CONTRACT_HOOKS = ['commit-msg', 'post-commit'];

/** Four identical repositories with `n` files: after `trace init`, plain, and with empty commit hooks (all three; the contract's two). */
function makeRepoSet(ctx, tag, n, env) {
  const files = {};
  for (let i = 0; i < n; i++) files[`src/mod${i}.ts`] = sourceFile(60, i);
  files['README.md'] = '# bench\n';
  const traced = makeRepo(ctx.dir(`${tag}-traced`), files, env);
  const plain = makeRepo(ctx.dir(`${tag}-plain`), files, env);
  const empty = makeRepo(ctx.dir(`${tag}-empty-hooks`), files, env);
  const empty2 = makeRepo(ctx.dir(`${tag}-empty-contract-hooks`), files, env);
  trace(['init', '--project', 'bench'], { cwd: traced, env });
  // same content in all: the others get the committed config files, not the git hooks
  for (const repo of [plain, empty, empty2]) {
    for (const f of ['.chainloop.yml', '.claude/settings.json']) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.copyFileSync(path.join(traced, f), path.join(repo, f));
    }
  }
  for (const h of COMMIT_HOOKS) fs.writeFileSync(path.join(empty, '.git', 'hooks', h), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  for (const h of CONTRACT_HOOKS) fs.writeFileSync(path.join(empty2, '.git', 'hooks', h), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  for (const repo of [traced, plain, empty, empty2]) {
    git(repo, ['add', '-A'], env);
    git(repo, ['commit', '-q', '-m', 'add ai-trace config'], env);
  }
  return { traced, plain, empty, empty2, files: n };
}

export async function run(ctx) {
  const { env, home } = ctx.traceHome('commit');
  const small = makeRepoSet(ctx, 'commit', FILES, env);
  const large = makeRepoSet(ctx, 'commit-large', LARGE_FILES, env);
  const { traced, plain } = small;
  const traceDir = path.join(traced, '.git', 'chainloop-trace');
  const marker = path.join(traceDir, 'ai-pending');
  /** The hooks' marker files present right now (they decide which path the git hooks take). */
  const markers = () => (fs.existsSync(traceDir) ? fs.readdirSync(traceDir).filter((f) => !/^(log\.txt|install\.json)$/.test(f)).sort().join(',') : '');

  const commit = (repo, msg) => timeSpawn('git', ['commit', '-q', '-m', msg], { cwd: repo, env }).ms;
  const change = (repo, rel, i) => {
    fs.appendFileSync(path.join(repo, rel), `export const change${i} = ${i};\n`);
    git(repo, ['add', rel], env);
  };
  const pair = (i, tracedSamples, plainSamples) => {
    const msg = `change ${i}`;
    if (i % 2) {
      tracedSamples.push(commit(traced, msg));
      plainSamples.push(commit(plain, msg));
    } else {
      plainSamples.push(commit(plain, msg));
      tracedSamples.push(commit(traced, msg));
    }
  };
  /** `count` human commits (a one-line change to one file) in each repository of a set, after 2 warm-ups. */
  const humanCommits = (set, count, tag) => {
    const repos = [set.traced, set.plain, set.empty, set.empty2];
    const samples = repos.map(() => []);
    const seen = {};
    for (let i = -2; i < count; i++) {
      const rel = `src/mod${(i + 2 + (tag === 'after' ? 30 : 0)) % set.files}.ts`;
      for (const repo of repos) change(repo, rel, `${tag}${i + 2}`);
      if (set === small) {
        const m = markers() || 'none';
        seen[m] = (seen[m] ?? 0) + 1;
      }
      for (let k = 0; k < repos.length; k++) {
        const j = (k + i + 2) % repos.length; // each repository commits first, second, … in turn
        const ms = commit(repos[j], i < 0 ? 'warm-up' : `change ${i}`);
        if (i >= 0) samples[j].push(ms);
      }
      waitUntil(() => spoolWaiting(home) === 0, 15_000);
    }
    const [T, P, E, E2] = samples;
    return { T, P, E, E2, seen };
  };

  // the daemon is running, as on a developer's machine
  startDaemon(env);
  const humanN = ctx.n(40, 6);

  // --- human commits in a repository no agent has edited yet
  const fresh = humanCommits(small, humanN, 'fresh');
  const freshLarge = humanCommits(large, humanN, 'fresh');

  // --- commits right after an agent edit
  const sessionId = 'bench-0000-4000-8000-00000000c0c0';
  const transcript = path.join(ctx.root, 'transcripts', 'commit.jsonl');
  writeTranscript(transcript, sessionId);
  const henv = hookEnv(env, traced);
  const fire = (payload) => timeSpawn('sh', ['-c', hookCommand(traced, payload.hook_event_name, payload.tool_name)], { cwd: traced, env: henv, input: JSON.stringify(payload) }).ms;
  const base = (event) => basePayload(traced, sessionId, transcript, event);
  fire({ ...base('SessionStart'), source: 'startup' });
  fire({ ...base('UserPromptSubmit'), prompt: 'Add an export to each module, one commit each.' });

  const agentN = ctx.n(20, 4);
  const aT = [];
  const aP = [];
  let trailers = 0;
  let notIngested = 0;
  const agentSeen = {};
  for (let i = -1; i < agentN; i++) {
    const rel = `src/mod${60 + i}.ts`;
    const file = path.join(traced, rel);
    const before = fs.readFileSync(file, 'utf8');
    const line = `export const agent${i + 1} = ${i};\n`;
    const input = { file_path: file, old_string: before.slice(-60), new_string: before.slice(-60) + line, replace_all: false };
    const id = `toolu_bench_commit_${i + 1}`;
    fire({ ...base('PreToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id });
    fs.writeFileSync(file, before + line);
    fire({ ...base('PostToolUse'), tool_name: 'Edit', tool_input: input, tool_use_id: id, tool_response: { filePath: file, oldString: input.old_string, newString: input.new_string, originalFile: before, structuredPatch: [], userModified: false, replaceAll: false }, duration_ms: 3 });
    git(traced, ['add', rel], env);
    fs.appendFileSync(path.join(plain, rel), line);
    git(plain, ['add', rel], env);
    // a developer commits seconds later, by when the daemon has ingested the edit
    if (!waitUntil(() => spoolWaiting(home) === 0 && fs.existsSync(marker), 15_000)) notIngested++;
    const m = markers() || 'none';
    agentSeen[m] = (agentSeen[m] ?? 0) + 1;
    if (i < 0) {
      commit(traced, 'warm-up');
      commit(plain, 'warm-up');
    } else pair(i, aT, aP);
    if (/^Chainloop-Trace-Sessions: /m.test(git(traced, ['log', '-1', '--format=%B'], env))) trailers++;
    waitUntil(() => spoolWaiting(home) === 0, 15_000); // post-commit ingested before the next edit
  }
  fire({ ...base('Stop'), stop_hook_active: false });
  fire({ ...base('SessionEnd'), reason: 'other' });
  waitUntil(() => spoolWaiting(home) === 0, 15_000);

  // --- human commits in the same repository once the agent's work is committed
  const after = humanCommits(small, humanN, 'after');
  stopDaemon(env);

  const rows = [];
  const human = (figure, r) => {
    const h = stats(r.T);
    const hp = stats(r.P);
    const he = stats(r.E);
    rows.push(row({
      bench: name, figure, value: h.median, p95: h.p95, baseline: { name: 'no hooks', value: hp.median, p95: hp.p95 },
      target: TARGET, detail: { traced: h, plain: hp, emptyHooks: he, markersBeforeCommit: r.seen },
    }));
    rows.push(row({
      bench: name, figure: `  the same, ${COMMIT_HOOKS.length} empty hooks`, value: he.median, p95: he.p95,
      baseline: { name: 'no hooks', value: hp.median, p95: hp.p95 }, detail: { note: "git's own cost of running the hook processes" },
    }));
    const he2 = stats(r.E2);
    rows.push(row({
      bench: name, figure: `  the same, ${CONTRACT_HOOKS.join(' + ')} empty`, value: he2.median, p95: he2.p95,
      baseline: { name: 'no hooks', value: hp.median, p95: hp.p95 }, detail: { note: 'the two commit hooks the contract requires, empty: the floor of any implementation' },
    }));
  };
  human('human commit, no agent yet', fresh);
  human(`human commit, ${LARGE_FILES.toLocaleString('en-US')}-file repo`, freshLarge);
  const a = stats(aT);
  const ap = stats(aP);
  rows.push(row({
    bench: name, figure: 'commit after agent edit', value: a.median, p95: a.p95, baseline: { name: 'no hooks', value: ap.median, p95: ap.p95 },
    target: TARGET, detail: { traced: a, plain: ap, commitsWithTrailer: trailers, commits: agentN + 1, editsNotIngestedInTime: notIngested, markersBeforeCommit: agentSeen },
  }));
  rows.push(row({
    bench: name, figure: 'agent commits with trailer', value: trailers, unit: 'commits', baseline: { name: 'commits', value: agentN + 1 },
    target: { max: 1, on: 'ratio', text: 'all' }, detail: {},
  }));
  rows.at(-1).pass = trailers === agentN + 1;
  human('human commit, after agent work', after);
  ctx.log(`  commit: ${humanN}+${humanN} human and ${agentN} agent commits per repository`);
  return rows;
}
