import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DaemonClient, stopDaemon } from '../client/client.js';
import { ScriptedSession, writeTranscript } from '../demo/claude-driver.js';
import { TraceError } from '../errors.js';
import { tracePaths } from '../paths.js';
import type { CliContext, Command } from './context.js';
import { main } from './main.js';

/** Waits (up to 20 s) until every queued delivery has a final state. */
async function waitDelivered(ctx: CliContext): Promise<void> {
  const deadline = Date.now() + 20_000;
  let out = '';
  const capture: CliContext = { ...ctx, stdout: (t) => void (out += t) };
  while (Date.now() < deadline) {
    out = '';
    await main(['status', '--json'], capture);
    const pushes = (JSON.parse(out) as { pushes: { state: string }[] }).pushes;
    if (pushes.length > 0 && pushes.every((p) => p.state === 'delivered' || p.state === 'failed')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `trace demo [--keep]`: a temporary repository and bare remote, `trace init`, a scripted Claude
 * Code-shaped session driven through the installed hooks with a human edit in between, a commit,
 * then `trace show HEAD`, `trace status`, verification, `trace pr` and `trace dashboard` in a fresh clone. Uses its own TRACE_HOME, so nothing of yours is touched.
 */
export const demo: Command = async (args, ctx) => {
  const { values } = parseArgs({ args, options: { keep: { type: 'boolean' } } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-demo-'));
  const repo = path.join(dir, 'repo');
  const home = path.join(dir, 'home');
  const env: NodeJS.ProcessEnv = { ...ctx.env, TRACE_HOME: home, GIT_CONFIG_NOSYSTEM: '1' };
  const sub: CliContext = { ...ctx, cwd: repo, env };
  const say = (t: string) => ctx.stdout(`\n\x1b[1m== ${t}\x1b[0m\n`);
  const sh = (cmd: string, cwd = repo) => {
    const r = spawnSync('sh', ['-c', cmd], { cwd, env, encoding: 'utf8' });
    if (r.status !== 0) throw new TraceError('GIT_FAILED', `demo step failed: ${cmd}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const run = async (...argv: string[]) => {
    ctx.stdout(`$ trace ${argv.join(' ')}\n`);
    const code = await main(argv, sub);
    if (code !== 0) throw new TraceError('INTERNAL', `demo step failed: trace ${argv.join(' ')} exited ${code}`);
  };
  try {
    say(`a temporary repository with a bare remote, in ${dir}`);
    sh(`git init -q --bare -b main remote.git && git init -q -b main repo`, dir);
    sh(`git config user.name "Demo Developer" && git config user.email dev@example.com && git remote add origin ../remote.git`);
    fs.writeFileSync(path.join(repo, 'README.md'), '# demo\n\nA tiny project.\n');
    sh(`git add README.md && git commit -q -m "initial commit"`);
    await run('init', '--project', 'demo', '--org', 'acme');
    sh(`git add .chainloop.yml .claude/settings.json && git commit -q -m "Trace AI coding sessions"`);

    say('a Claude Code session, driven through the installed hooks');
    const sessionId = randomUUID();
    const transcript = path.join(home, 'claude', 'projects', 'demo', `${sessionId}.jsonl`);
    const s = new ScriptedSession(repo, sessionId, transcript, env);
    s.start();
    s.prompt('Add a greeting module and use it.');
    s.write('src/greet.js', 'export function greet(name) {\n  return `Hello, ${name}!`;\n}\n');
    ctx.stdout('agent: Write src/greet.js (3 lines)\n');
    fs.appendFileSync(path.join(repo, 'src/greet.js'), '\n// reviewed by a human\n');
    ctx.stdout('human: appends a comment to src/greet.js\n');
    s.edit('src/greet.js', '  return `Hello, ${name}!`;', '  const who = name || "world";\n  return `Hello, ${who}!`;');
    ctx.stdout('agent: Edit src/greet.js (rewrites the greeting, 2 lines)\n');
    s.write('src/main.js', "import { greet } from './greet.js';\n\nconsole.log(greet(process.argv[2]));\n");
    ctx.stdout('agent: Write src/main.js (3 lines)\n');
    s.bash('node src/main.js demo');
    writeTranscript(transcript, sessionId, { model: 'claude-sonnet-4-5-20250929', version: '2.1.197', turns: [
      { input: 6, output: 220, cacheRead: 0, cacheWrite: 14210 },
      { input: 4, output: 180, cacheRead: 14210, cacheWrite: 420 },
      { input: 4, output: 90, cacheRead: 14630, cacheWrite: 310 },
    ] });
    s.stop();
    s.end();
    fs.writeFileSync(path.join(repo, 'NOTES.md'), 'Written by hand.\n');
    ctx.stdout('human: writes NOTES.md\n');

    say('a commit: the commit-msg hook names the session in a trailer');
    sh(`git add -A && git commit -q -m "Add greeting"`);
    ctx.stdout(sh('git log -1 --format=%B'));

    say('which lines the agent wrote');
    await run('show', 'HEAD');
    say('the session');
    await run('session', 'show', sessionId);
    say('a push: the pre-push hook queues one signed attestation, delivered to the remote in the background');
    sh('git push -q origin main');
    await waitDelivered(sub);
    await run('status');
    say('verification, offline, from a fresh clone');
    sh('git clone -q remote.git clone', dir);
    const cloneCtx: CliContext = { ...sub, cwd: path.join(dir, 'clone') };
    ctx.stdout('$ trace fetch && trace verify --range HEAD~2..HEAD   (in a fresh clone)\n');
    if ((await main(['fetch'], cloneCtx)) !== 0 || (await main(['verify', '--range', 'HEAD~2..HEAD'], cloneCtx)) !== 0) {
      throw new TraceError('VERIFY_FAILED', 'demo step failed: verification in the clone');
    }
    say('the pull request view: summary and check verdict, from the attestations alone');
    ctx.stdout('$ trace pr HEAD~2..HEAD   (in the clone)\n');
    if ((await main(['pr', 'HEAD~2..HEAD'], cloneCtx)) !== 0) throw new TraceError('INTERNAL', 'demo step failed: trace pr in the clone');
    say('the org view: the six dashboard cards, from the attestation ref alone');
    const dashArgs = ['dashboard', '--period', '7d', ...(values.keep ? ['--html', path.join(dir, 'dashboard.html')] : [])];
    ctx.stdout(`$ trace ${dashArgs.join(' ')}   (in the clone)\n`);
    if ((await main(dashArgs, cloneCtx)) !== 0) throw new TraceError('INTERNAL', 'demo step failed: trace dashboard in the clone');
    if (values.keep) ctx.stdout(`The HTML dashboard is in ${path.join(dir, 'dashboard.html')}.\n`);
    ctx.stdout(`\nThe demo repository is in ${repo}${values.keep ? '' : ' (removed now; pass --keep to keep it)'}.\n`);
    return 0;
  } finally {
    const c = new DaemonClient(tracePaths(env));
    const hello = await c.hello();
    if (hello) await stopDaemon(c, hello.pid);
    await c.close();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
};
