/**
 * Issue 8, "Must show" (ready to use): the composite action in action.yml run the way a GitHub runner
 * runs it — inputs with their defaults and the given values substituted into each step's `env` and
 * `run`, each `run` executed by `bash --noprofile --norc -eo pipefail` in the step's working directory,
 * `$GITHUB_ENV` carried from step to step — against a fake GitHub API on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/review/markdown.js';
import { fakeGitHub, type Fake, type GitHubState } from './forge-fakes.js';
import { deliver, newKey, sandbox, sessionData, signAttestation, type Sandbox } from './fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'ghs_actionTestToken0123456789';

interface ActionStep {
  name?: string;
  shell: string;
  run: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: ActionStep[] };
}

/** Evaluates the `${{ … }}` expressions a composite action may use here. */
function expand(text: string, ctx: { inputs: Record<string, string>; github: Record<string, string>; env: NodeJS.ProcessEnv }): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    const [scope, ...rest] = expr.split('.');
    const key = rest.join('.');
    const value = scope === 'inputs' ? ctx.inputs[key] : scope === 'github' ? ctx.github[key] : scope === 'env' ? ctx.env[key] : undefined;
    if (value === undefined) throw new Error(`action.yml uses \${{ ${expr} }}, which this runner does not provide`);
    return value;
  });
}

/** Reads NAME=value and NAME<<DELIM … DELIM lines of a $GITHUB_ENV file. */
function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const body: string[] = [];
      while (++i < lines.length && lines[i] !== heredoc[2]) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (lines[i]!.includes('=')) out[lines[i]!.slice(0, lines[i]!.indexOf('='))] = lines[i]!.slice(lines[i]!.indexOf('=') + 1);
  }
  return out;
}

/** Runs the composite action's steps like a runner; returns the first failing step's exit code (0 when all pass) and the log. */
async function runAction(given: Record<string, string>, runner: NodeJS.ProcessEnv, workspace: string): Promise<{ code: number; log: string }> {
  const action = YAML.parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as Action;
  expect(action.runs.using).toBe('composite');
  const github = { action_path: root, token: String(runner.GITHUB_TOKEN_FOR_ACTION), workspace };
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputs[name] = given[name] ?? expand(spec.default ?? '', { inputs: {}, github, env: runner });
  }
  for (const name of Object.keys(given)) expect(action.inputs, `input ${name} is documented`).toHaveProperty(name);
  const envFile = runner.GITHUB_ENV!;
  let log = '';
  for (const step of action.runs.steps) {
    expect(step.shell).toBe('bash');
    const added = readEnvFile(envFile);
    const base = { ...runner, ...added };
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), { inputs, github, env: base })]));
    const script = path.join(runner.RUNNER_TEMP!, `step-${Math.random().toString(36).slice(2)}.sh`);
    fs.writeFileSync(script, expand(step.run, { inputs, github, env: base }));
    const cwd = path.resolve(workspace, expand(step['working-directory'] ?? '.', { inputs, github, env: base }));
    // asynchronously: the fake API answers from this same process
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env: { ...base, ...stepEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const status = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    log += `## ${step.name}\n${out}`;
    if (status !== 0) return { code: status, log };
  }
  return { code: 0, log };
}

let sb: Sandbox;
let base: string;
let head: string;
let gh: Fake & { state: GitHubState };

beforeAll(async () => {
  sb = sandbox();
  base = sb.git('rev-parse', 'HEAD');
  sb.git('checkout', '-q', '-b', 'feature');
  const key = newKey(sb, 'dev');
  head = sb.commit('src/a.ts', 'a1\na2\n', 'agent work');
  await deliver(sb, key, await signAttestation(key, [head], [sessionData('sess-action')]), [head]);
  gh = await fakeGitHub({ owner: 'acme', repo: 'app', number: 3, token: TOKEN, comments: [], checkRuns: [] });
}, 120_000);

afterAll(async () => {
  await gh?.close();
  sb?.cleanup();
});

function runnerEnv(): NodeJS.ProcessEnv {
  const temp = fs.mkdtempSync(path.join(sb.root, 'runner-'));
  const event = path.join(temp, 'event.json');
  fs.writeFileSync(event, JSON.stringify({ action: 'opened', number: 3, pull_request: { number: 3, state: 'open', merged: false, head: { sha: head, repo: { full_name: 'acme/app' } }, base: { sha: base, repo: { full_name: 'acme/app' } }, labels: [] } }));
  for (const f of ['env', 'path', 'output', 'summary']) fs.writeFileSync(path.join(temp, f), '');
  return {
    ...sb.env,
    CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: sb.repo, GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: gh.url, GITHUB_SHA: head, GITHUB_ACTION_PATH: root, RUNNER_TEMP: temp,
    GITHUB_ENV: path.join(temp, 'env'), GITHUB_PATH: path.join(temp, 'path'), GITHUB_OUTPUT: path.join(temp, 'output'), GITHUB_STEP_SUMMARY: path.join(temp, 'summary'),
    GITHUB_TOKEN_FOR_ACTION: TOKEN,
  };
}

describe('the composite action (action.yml)', () => {
  it('installs nothing it does not need, runs trace pr --github with its inputs, and posts the comment and the check run', async () => {
    const env = runnerEnv();
    const r = await runAction({ args: '--link-base https://example.test/acme/app' }, env, sb.repo);
    expect(r.log).toContain('pull request #3: created the summary comment; set the check run');
    expect(r.code).toBe(0);
    expect(gh.violations).toEqual([]);
    const sticky = gh.state.comments.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(sticky).toHaveLength(1);
    expect(sticky[0]!.body).toContain(`https://example.test/acme/app/blob/${head}/a.txt`);
    expect(gh.state.checkRuns).toEqual([expect.objectContaining({ name: 'ai-trace', head_sha: head, conclusion: 'success' })]);
    expect(gh.requests.every((q) => q.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(fs.readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('sess-action');
    expect(r.log).not.toContain(TOKEN);
  });

  it('passes the policy input through: a violated policy fails the step and the check run, and the same comment is updated', async () => {
    const policy = path.join(sb.root, 'tiny-budget.yaml');
    fs.writeFileSync(policy, [
      'apiVersion: chainloop.dev/v1',
      'kind: Policy',
      'metadata: { name: tiny-budget }',
      'spec:',
      '  policies:',
      '    - kind: CHAINLOOP_AI_CODING_SESSION',
      '      cel: >',
      '        input.data.usage.total_tokens > 1 ? ["Session used " + string(input.data.usage.total_tokens) + " tokens."] : []',
      '',
    ].join('\n'));
    const before = gh.state.comments.map((c) => c.id);
    const r = await runAction({ policy: `${policy}\n`, label: 'not-a-skip-label' }, runnerEnv(), sb.repo);
    expect(r.code).toBe(1);
    expect(r.log).toContain('trace pr: failure');
    expect(gh.state.comments.map((c) => c.id)).toEqual(before);
    expect(gh.state.comments[0]!.body).toContain('Session used 300 tokens.');
    expect(gh.state.checkRuns.map((c) => c.conclusion)).toEqual(['success', 'failure']);
    expect(gh.violations).toEqual([]);
  });
});
