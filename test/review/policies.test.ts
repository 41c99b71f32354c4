/**
 * Issue 7, "Must show" (policies): the guide's three example policies as CEL flag exactly the right
 * sessions; as Rego they run through `opa` found on PATH and give neutral without it; the guide's
 * contract.yaml (file:// refs) works as is; each built-in policy passes and fails; broken CEL is an
 * error naming the file. Real repository, bare remote, real signed attestations on the remote's ref.
 *
 * No `opa` binary can be installed here (none in the npm registry or Debian, no Go module proxy), so
 * the "opa on PATH" path runs a stand-in `opa` written by the test: it checks the command line and
 * the module it is given, records the input, and answers in `opa eval --format json`'s shape with the
 * messages the test scripted per session. It proves discovery through PATH, the invocation, the input
 * Chainloop's shape and the reading of the result, not Rego semantics.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsMaterial, emptySignals } from '../../src/attest/session-signals.js';
import { sessionMaterial } from '../../src/attest/statement.js';
import type { PrReport } from '../../src/review/report.js';
import { TRACE_BIN } from '../helpers/repo.js';
import { deliver, newKey, sandbox, sessionData, signAttestation, type Sandbox } from './fixtures.js';

const GUIDE = path.join(import.meta.dirname, 'guide');
let sb: Sandbox;
let base: string;
const commits: string[] = [];

const cc = (added: number, ai: number) => ({
  files_modified: 0, files_created: 1, files_deleted: 0, lines_added: added, lines_removed: 0, ai_lines_added: ai, ai_lines_removed: 0,
  human_lines_added: added - ai, human_lines_removed: 0, files: [{ path: `f${added}-${ai}.txt`, status: 'created', lines_added: added, lines_removed: 0, attribution: 'ai' }],
});
const usage = (total: number) => ({ input_tokens: total / 2, output_tokens: total / 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: total, estimated_cost_usd: 0.5 });
const model = (m: string) => ({ primary: m, provider: 'anthropic', models_used: [m] });

// s1: approved model, small, 100% AI lines; s2: unapproved model, over budget, 50%; s3: approved, 80% (not above)
const git = (commit: string) => ({ commits: [commit], commit_count: 1 });
const S = {} as Record<'s1' | 's2' | 's3', Record<string, unknown>>;

function writeConfig(yaml: string): void {
  fs.writeFileSync(path.join(sb.repo, '.chainloop.yml'), `projectName: test\n${yaml}`);
}

function pr(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; report: PrReport; stderr: string } {
  const r = spawnSync(process.execPath, [TRACE_BIN, 'pr', ...args, '--json'], { cwd: sb.repo, env: { ...sb.env, TRACE_HOME: path.join(sb.root, 'trace'), ...env }, encoding: 'utf8' });
  try {
    return { code: r.status ?? -1, report: JSON.parse(r.stdout) as PrReport, stderr: r.stderr };
  } catch {
    throw new Error(`trace pr exited ${r.status}: ${r.stderr}${r.stdout}`);
  }
}

function prError(args: string[]): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [TRACE_BIN, 'pr', ...args], { cwd: sb.repo, env: { ...sb.env, TRACE_HOME: path.join(sb.root, 'trace') }, encoding: 'utf8' });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const violations = (report: PrReport) => Object.fromEntries(report.sessions.map((s) => [s.id, s.violations.map((v) => `${v.policy}: ${v.message}`)]));

/** PATH without any folder that holds an `opa`. */
function pathWithoutOpa(): string {
  return (process.env.PATH ?? '').split(':').filter((d) => d && !fs.existsSync(path.join(d, 'opa'))).join(':');
}

/** The stand-in `opa` (see the header): answers from `answers` (module text fragment → session id → messages), logs each call. */
function standInOpa(answers: Record<string, Record<string, string[]>>): { dir: string; calls: () => { args: string[]; input: any; module: string }[] } {
  const dir = fs.mkdtempSync(path.join(sb.root, 'opa-bin-'));
  const log = path.join(dir, 'calls.jsonl');
  fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
  fs.writeFileSync(path.join(dir, 'opa'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(dir, 'opa.cjs'))} "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'opa.cjs'),
    `const fs = require('fs');
const args = process.argv.slice(2);
const ok = args[0] === 'eval' && args.includes('--stdin-input') && args[args.indexOf('--format') + 1] === 'json' && /^data\\.[\\w.]+$/.test(args[args.length - 1]);
if (!ok) { console.error('stand-in opa: unexpected arguments ' + args.join(' ')); process.exit(2); }
const mod = fs.readFileSync(args[args.indexOf('--data') + 1], 'utf8');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args, input, module: mod }) + '\\n');
const answers = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, 'answers.json'))}, 'utf8'));
const key = Object.keys(answers).find((k) => mod.includes(k));
const v = (key && answers[key][input.data.session.id]) || [];
process.stdout.write(JSON.stringify({ result: [{ expressions: [{ value: { violations: v }, text: args[args.length - 1], location: { row: 1, col: 1 } }] }] }));
`,
  );
  return { dir, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []) };
}

beforeAll(async () => {
  sb = sandbox();
  base = sb.git('rev-parse', 'HEAD');
  for (const id of ['s1', 's2', 's3']) commits.push(sb.commit(`${id}.txt`, `${id}\n`, `work of ${id}\n\nChainloop-Trace-Sessions: ${id}`));
  S.s1 = sessionData('s1', { model: model('claude-sonnet-4-5-20250929'), usage: usage(300), code_changes: cc(10, 10), git_context: git(commits[0]!) });
  S.s2 = sessionData('s2', { agent: { name: 'cursor', version: '1.0' }, model: model('claude-opus-4-1-20250805'), usage: usage(600000), code_changes: cc(10, 5), git_context: git(commits[1]!) });
  S.s3 = sessionData('s3', { model: model('claude-haiku-4-5-20251001'), usage: usage(1000), code_changes: cc(10, 8), git_context: git(commits[2]!) });
  const key = newKey(sb, 'dev');
  // s1 with empty signals, s2 with a secret and a dangerous command, s3 with none (an older attestation)
  const s2Signals = { ...emptySignals('s2'), secrets: [{ rule: '@secretlint/secretlint-rule-aws', message_id: 'AWSAccessKeyID', where: 'tool_output' as const, count: 1, tool_call: 3, tool: 'Read', file: 'config.env' }], dangerous_commands: [{ rule: 'force-push' as const, count: 2, tool_call: 5, tool: 'Bash' }] };
  const bundle = await signAttestation(key, commits, [S.s1, S.s2, S.s3]);
  await deliver(sb, key, bundle, commits);
  // the signals travel in a second attestation over the same commits (as a later re-push would carry them)
  const { buildStatement } = await import('../../src/attest/statement.js');
  const { signStatement } = await import('../../src/attest/sign.js');
  const st = buildStatement({
    commits: commits.map((sha) => ({ sha, name: 'test' })),
    materials: [sessionMaterial(S.s1), signalsMaterial(emptySignals('s1')) as never, sessionMaterial(S.s2), signalsMaterial(s2Signals) as never],
    project: { projectName: 'test' },
    publicKeyFingerprint: key.fingerprint,
    createdAt: new Date(Date.now() + 1000),
  });
  await deliver(sb, key, JSON.stringify(await signStatement(st, key)), commits.slice(0, 2));
}, 120_000);

afterAll(() => sb?.cleanup());

const range = () => `${base}..${commits[2]}`;

describe('the guide\'s example policies as CEL', () => {
  it('each flags exactly the sessions it should', () => {
    writeConfig('');
    const { code, report } = pr([range(), ...['approved-models', 'token-budget', 'ai-authored-ratio'].map((f) => `--policy=${path.join(GUIDE, 'cel', `${f}.yaml`)}`)]);
    expect(violations(report)).toEqual({
      s1: ['ai-authored-ratio: 100% of the added lines are AI-authored, above the 80% limit.'],
      s2: ['approved-models: Model claude-opus-4-1-20250805 is not in the approved list', 'check-token-budget: Session used 600000 tokens, exceeding the 500000 token budget.'],
      s3: [],
    });
    expect(report.verdict).toBe('failure');
    expect(code).toBe(1);
  });

  it('policies.files in .chainloop.yml and --policy add up', () => {
    writeConfig(`policies:\n  files: [${JSON.stringify(path.join(GUIDE, 'cel', 'token-budget.yaml'))}]\n`);
    const { report } = pr([range(), `--policy=${path.join(GUIDE, 'cel', 'approved-models.yaml')}`]);
    expect(violations(report).s2).toHaveLength(2);
  });

  it('an expression that does not compile, or yields no list of strings, is an error naming the file', () => {
    writeConfig('');
    const dir = fs.mkdtempSync(path.join(sb.root, 'cel-'));
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'kind: Policy\nmetadata: { name: broken }\nspec:\n  policies:\n    - kind: CHAINLOOP_AI_CODING_SESSION\n      cel: "input.data.usage.total_tokens >"\n');
    let r = prError([range(), `--policy=${broken}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^trace pr: ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: policy broken: the CEL expression does not compile`));
    fs.writeFileSync(broken, 'kind: Policy\nmetadata: { name: broken }\nspec:\n  policies:\n    - kind: CHAINLOOP_AI_CODING_SESSION\n      cel: "input.data.usage.total_tokens > 5"\n');
    r = prError([range(), `--policy=${broken}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${broken}: policy broken: the CEL expression must yield a list of strings (the violation messages), not the bool true`);
    fs.writeFileSync(broken, 'kind: Policy\nmetadata: { name: broken }\nspec:\n  policies:\n    - kind: CHAINLOOP_AI_CODING_SESSION\n      cel: "[input.data.usage.total_tokens]"\n');
    r = prError([range(), `--policy=${broken}`]);
    expect(r.stderr).toContain('must yield a list of strings, but an element is the int 300');
  });
});

describe('the guide\'s example policies as Rego, through its contract.yaml', () => {
  it('without opa on PATH: neutral, saying why, never a silent pass', () => {
    writeConfig('');
    const { code, report, stderr } = pr([range(), `--contract=${path.join(GUIDE, 'contract.yaml')}`], { PATH: pathWithoutOpa() });
    expect(report.verdict).toBe('neutral');
    expect(code).toBe(0);
    expect(report.reasons).toEqual(['approved-models', 'check-token-budget', 'ai-authored-ratio'].map((n) => expect.stringMatching(new RegExp(`^policy ${n} \\(.*\\) is Rego and opa is not on PATH`))));
    expect(stderr).toMatch(/^trace pr: neutral: policy approved-models/);
    expect(report.sessions.every((s) => s.violations.length === 0)).toBe(true);
  });

  it('with opa on PATH: runs each policy through opa eval with Chainloop\'s input, and reports what it answers', () => {
    writeConfig(`policies:\n  contract: ${JSON.stringify(path.relative(sb.repo, path.join(GUIDE, 'contract.yaml')))}\n`);
    // what the guide's three modules give for these sessions (as the CEL versions above compute it)
    const opa = standInOpa({
      'approved :=': { s2: ['Model claude-opus-4-1-20250805 is not in the approved list'] },
      'total_tokens > 500000': { s2: ['Session used 600000 tokens, exceeding the 500000 token budget.'] },
      'ratio > 0.8': { s1: ['100% of the added lines are AI-authored, above the 80% limit.'] },
    });
    const { code, report } = pr([range()], { PATH: `${opa.dir}:${pathWithoutOpa()}` });
    const calls = opa.calls();
    expect(calls).toHaveLength(9); // three policies × three sessions
    expect(calls.map((c) => c.args.slice(0, 5))).toEqual(Array(9).fill(['eval', '--format', 'json', '--stdin-input', '--data']));
    expect(calls.every((c) => c.args[c.args.length - 1] === 'data.main')).toBe(true);
    expect(calls[0]!.module).toContain('approved := {"claude-sonnet-4-5-20250929"');
    expect(calls[8]!.module).toContain('ratio := changes.ai_lines_added / changes.lines_added'); // the path: policy's .rego file
    // input is the material as Chainloop gives it: schema, evidence id, data
    expect(calls[1]!.input).toEqual({ schema: 'https://schemas.chainloop.dev/aicodingsession/0.1/ai-coding-session.schema.json', 'chainloop.material.evidence.id': 'CHAINLOOP_AI_CODING_SESSION', data: S.s2 });
    expect(violations(report)).toEqual({
      s1: ['ai-authored-ratio: 100% of the added lines are AI-authored, above the 80% limit.'],
      s2: ['approved-models: Model claude-opus-4-1-20250805 is not in the approved list', 'check-token-budget: Session used 600000 tokens, exceeding the 500000 token budget.'],
      s3: [],
    });
    expect(report.verdict).toBe('failure');
    expect(code).toBe(1);
  });

  it('the same contract with CEL policies needs nothing installed', () => {
    const dir = fs.mkdtempSync(path.join(sb.root, 'contract-'));
    fs.cpSync(path.join(GUIDE, 'cel'), path.join(dir, 'policies'), { recursive: true });
    fs.copyFileSync(path.join(GUIDE, 'contract.yaml'), path.join(dir, 'contract.yaml'));
    writeConfig('');
    const { report } = pr([range(), `--contract=${path.join(dir, 'contract.yaml')}`], { PATH: pathWithoutOpa() });
    expect(Object.values(violations(report)).map((v) => v.length)).toEqual([1, 2, 0]);
  });
});

describe('built-in policies', () => {
  const cases: [string, string, Record<string, number>][] = [
    ['approvedAgents: [claude-code, cursor]', 'approved-agents', { s1: 0, s2: 0, s3: 0 }],
    ['approvedAgents: [claude-code]', 'approved-agents', { s1: 0, s2: 1, s3: 0 }],
    ['approvedModels: ["claude-*"]', 'approved-models', { s1: 0, s2: 0, s3: 0 }],
    ['approvedModels: ["claude-sonnet-*", "claude-haiku-*"]', 'approved-models', { s1: 0, s2: 1, s3: 0 }],
    ['tokenBudget: 600000', 'token-budget', { s1: 0, s2: 0, s3: 0 }],
    ['tokenBudget: 500000', 'token-budget', { s1: 0, s2: 1, s3: 0 }],
    ['maxAiShare: 100', 'ai-authored-share', { s1: 0, s2: 0, s3: 0 }],
    ['maxAiShare: 80', 'ai-authored-share', { s1: 1, s2: 0, s3: 0 }],
  ];
  it.each(cases)('%s', (yaml, policy, expected) => {
    writeConfig(`policies:\n  ${yaml}\n`);
    const { code, report } = pr([range()]);
    const counts = Object.fromEntries(report.sessions.map((s) => [s.id, s.violations.filter((v) => v.policy === policy).length]));
    expect(counts).toEqual(expected);
    const fails = Object.values(expected).some((n) => n > 0);
    expect(report.verdict).toBe(fails ? 'failure' : 'success');
    expect(code).toBe(fails ? 1 : 0);
  });

  it('messages say what broke', () => {
    writeConfig('policies:\n  approvedAgents: [claude-code]\n  approvedModels: ["claude-sonnet-*"]\n  tokenBudget: 500000\n  maxAiShare: 80\n');
    const { report } = pr([range()]);
    expect(violations(report)).toEqual({
      s1: ['ai-authored-share: 100% of the session\'s added lines are AI-written, above the 80% limit'],
      s2: ['approved-agents: Agent cursor is not approved (approved: claude-code)', 'approved-models: Model claude-opus-4-1-20250805 is not approved (approved: claude-sonnet-*)', 'token-budget: Session used 600000 tokens, exceeding the 500000 token budget'],
      s3: ['approved-models: Model claude-haiku-4-5-20251001 is not approved (approved: claude-sonnet-*)'],
    });
  });

  it('dangerous commands and no secrets: from the signals material; a session without one is neutral', () => {
    writeConfig('policies:\n  dangerousCommands: true\n  noSecrets: true\n');
    const clean = pr([`${base}..${commits[0]}`]);
    expect(clean.report.verdict).toBe('success');
    const { report } = pr([range()]);
    expect(violations(report)).toEqual({
      s1: [],
      s2: ['dangerous-commands: Ran 2 commands of class force-push (tool call 5 (Bash))', 'no-secrets: 1 secret matching @secretlint/secretlint-rule-aws appeared in the session (tool output of tool call 3 (Read) config.env)'],
      s3: [],
    });
    expect(report.verdict).toBe('failure');
    expect(report.reasons.filter((r) => /carries no ai-trace signals material/.test(r))).toHaveLength(2);
    const onlyS3 = pr([`${commits[1]}..${commits[2]}`]);
    expect(onlyS3.report.verdict).toBe('neutral');
  });

  it('usage errors exit 2: an unknown option, two ranges, a three-dot range', () => {
    writeConfig('');
    for (const args of [['--bogus'], ['a..b', 'c..d'], [`${base}...HEAD`]]) {
      const r = prError(args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('an unknown key is a configuration error', () => {
    writeConfig('policies:\n  aprovedModels: [x]\n');
    const r = prError([range()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policies\.aprovedModels is not a known key/);
  });
});

describe('signed commits (git\'s own check)', () => {
  it('fails on unsigned commits, passes when every commit is signed by an allowed signer', () => {
    writeConfig('policies:\n  signedCommits: true\n');
    const unsigned = pr([range()]);
    expect(unsigned.report.verdict).toBe('failure');
    expect(unsigned.report.violations).toEqual(commits.map((c) => ({ policy: 'signed-commits', message: `Commit ${c.slice(0, 12)} is not signed` })));

    // a signed branch: the same work re-committed with an SSH signature, the team's allowed_signers committed
    const keyFile = path.join(sb.root, 'id_signing');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile], { encoding: 'utf8' });
    const pub = fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
    fs.mkdirSync(path.join(sb.repo, '.github'), { recursive: true });
    fs.writeFileSync(path.join(sb.repo, '.github', 'allowed_signers'), `dev@example.com ${pub}\n`);
    writeConfig('policies:\n  signedCommits:\n    allowedSigners: .github/allowed_signers\n');
    sb.git('checkout', '-q', '-b', 'signed', base);
    const signed: string[] = [];
    for (const id of ['s1', 's2']) {
      fs.writeFileSync(path.join(sb.repo, `${id}.txt`), `${id}\n`);
      sb.git('add', `${id}.txt`);
      sb.git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${keyFile}`, 'commit', '-q', '-S', '-m', `signed ${id}`);
      signed.push(sb.git('rev-parse', 'HEAD'));
    }
    const ok = pr([`${base}..${signed[1]}`]);
    expect(ok.report.violations).toEqual([]);
    expect(ok.report.verdict).toBe('success');
    // a commit signed by a key the list does not hold
    const other = path.join(sb.root, 'id_other');
    spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other], { encoding: 'utf8' });
    fs.writeFileSync(path.join(sb.repo, 'x.txt'), 'x\n');
    sb.git('add', 'x.txt');
    sb.git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${other}`, 'commit', '-q', '-S', '-m', 'stranger');
    const bad = pr([`${base}..HEAD`]);
    expect(bad.report.violations).toHaveLength(1);
    expect(bad.report.violations[0]!.message).toMatch(/^Commit [0-9a-f]{12} (has a signature that cannot be checked|is signed by a key that is not trusted)/);
    sb.git('checkout', '-q', 'main');
  });

  it('with an OpenPGP keyring committed in the repository: commits signed by its keys pass, unsigned ones fail', () => {
    const gnupg = fs.mkdtempSync(path.join(sb.root, 'gnupg-'));
    fs.chmodSync(gnupg, 0o700);
    const genv = { ...sb.env, GNUPGHOME: gnupg };
    const gen = spawnSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Dev <dev@example.com>', 'ed25519', 'sign', 'never'], { env: genv, encoding: 'utf8' });
    expect(gen.status, gen.stderr).toBe(0);
    const exported = spawnSync('gpg', ['--batch', '--armor', '--export', 'dev@example.com'], { env: genv, encoding: 'utf8' });
    fs.mkdirSync(path.join(sb.repo, '.github'), { recursive: true });
    fs.writeFileSync(path.join(sb.repo, '.github', 'keys.asc'), exported.stdout);
    writeConfig('policies:\n  signedCommits:\n    keyring: .github/keys.asc\n');
    sb.git('checkout', '-q', '-b', 'gpg-signed', base);
    fs.writeFileSync(path.join(sb.repo, 'g.txt'), 'g\n');
    sb.git('add', 'g.txt');
    const c = spawnSync('git', ['-c', 'gpg.format=openpgp', '-c', 'user.signingkey=dev@example.com', 'commit', '-q', '-S', '-m', 'gpg signed'], { cwd: sb.repo, env: genv, encoding: 'utf8' });
    expect(c.status, c.stderr).toBe(0);
    const signed = sb.git('rev-parse', 'HEAD');
    expect(pr([`${base}..${signed}`]).report.violations).toEqual([]);
    fs.writeFileSync(path.join(sb.repo, 'h.txt'), 'h\n');
    sb.git('add', 'h.txt');
    sb.git('commit', '-q', '-m', 'not signed');
    const bad = pr([`${base}..HEAD`]);
    expect(bad.report.violations).toEqual([{ policy: 'signed-commits', message: `Commit ${sb.git('rev-parse', 'HEAD').slice(0, 12)} is not signed` }]);
    sb.git('checkout', '-q', 'main');
  });
});
