import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TraceError } from '../../errors.js';
import { git, loadExeca } from '../../git/run.js';
import { principalMatches } from '../allowed-signers.js';
import type { ReviewRange } from '../range.js';
import type { Violation } from '../row.js';
import { BUILTIN, type PoliciesConfig, type SignedCommitsConfig } from './config.js';
import { sessionSignals, type PolicySubject } from './signals.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** One session's result for the built-in policies: violations, and policies that had nothing to judge by. */
export interface BuiltinResult {
  violations: Violation[];
  unevaluated: { policy: string; reason: string }[];
}

/** The built-in per-session policies switched on in `config`, for one aggregated session material. */
export function builtinSessionPolicies(config: PoliciesConfig, s: PolicySubject): BuiltinResult {
  const d = s.material.data as Obj;
  const violations: Violation[] = [];
  const unevaluated: BuiltinResult['unevaluated'] = [];
  const add = (policy: string, message: string) => violations.push({ policy, message });

  if (config.approvedAgents) {
    const agent = String(obj(d.agent).name ?? 'unknown');
    if (!principalMatches(config.approvedAgents, agent)) {
      add(BUILTIN.approvedAgents, `Agent ${agent} is not approved (approved: ${config.approvedAgents.join(', ')})`);
    }
  }
  if (config.approvedModels) {
    const model = obj(d.model);
    const used = (Array.isArray(model.models_used) ? model.models_used : [model.primary]).filter((m): m is string => typeof m === 'string');
    if (used.length === 0) add(BUILTIN.approvedModels, 'The session records no model, so it cannot be shown to use approved models only');
    for (const m of used) {
      if (!principalMatches(config.approvedModels, m)) add(BUILTIN.approvedModels, `Model ${m} is not approved (approved: ${config.approvedModels.join(', ')})`);
    }
  }
  if (config.tokenBudget !== undefined) {
    const total = num(obj(d.usage).total_tokens);
    if (total > config.tokenBudget) add(BUILTIN.tokenBudget, `Session used ${total} tokens, exceeding the ${config.tokenBudget} token budget`);
  }
  if (config.maxAiShare !== undefined) {
    const cc = obj(d.code_changes);
    const added = num(cc.lines_added);
    const share = added > 0 ? (100 * num(cc.ai_lines_added)) / added : 0;
    if (share > config.maxAiShare) {
      add(BUILTIN.maxAiShare, `${round1(share)}% of the session's added lines are AI-written, above the ${config.maxAiShare}% limit`);
    }
  }
  if (config.dangerousCommands || config.noSecrets) {
    const signals = sessionSignals(s);
    const missing = (policy: string) =>
      unevaluated.push({ policy, reason: `${policy}: session ${s.id} carries no ai-trace signals material (attested by an older ai-trace?), so it cannot be checked` });
    if (config.dangerousCommands) {
      if (!signals) missing(BUILTIN.dangerousCommands);
      else for (const f of signals.dangerous) add(BUILTIN.dangerousCommands, `Ran ${f.count} command${f.count === 1 ? '' : 's'} of class ${f.rule}${where(f.where)}`);
    }
    if (config.noSecrets) {
      if (!signals) missing(BUILTIN.noSecrets);
      else for (const f of signals.secrets) add(BUILTIN.noSecrets, `${f.count} secret${f.count === 1 ? '' : 's'} matching ${f.rule} appeared in the session${where(f.where)}`);
    }
  }
  return { violations, unevaluated };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function where(list: string[]): string {
  return list.length ? ` (${list.slice(0, 5).join('; ')}${list.length > 5 ? `; ${list.length - 5} more` : ''})` : '';
}

/**
 * `signedCommits`: every commit of the range has a good signature by git's own check (`%G?` = G), with
 * the repository's allowed-signers file (SSH) or keyring (OpenPGP, imported into a temporary
 * GNUPGHOME; its keys count as trusted, so `U` passes too) when configured.
 */
export async function signedCommits(repo: string, range: ReviewRange, cfg: SignedCommitsConfig, env: NodeJS.ProcessEnv = process.env): Promise<Violation[]> {
  if (range.commits.length === 0) return [];
  const args: string[] = [];
  const extraEnv: Record<string, string> = {};
  let gnupgHome: string | null = null;
  try {
    if (cfg.allowedSigners) args.push('-c', `gpg.ssh.allowedSignersFile=${inRepo(repo, cfg.allowedSigners, 'signedCommits.allowedSigners')}`);
    if (cfg.keyring) {
      const keyring = inRepo(repo, cfg.keyring, 'signedCommits.keyring');
      gnupgHome = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-gpg-'));
      const { execa } = await loadExeca();
      const r = await execa('gpg', ['--batch', '--quiet', '--homedir', gnupgHome, '--import', keyring], { reject: false, env: { ...env } });
      if (r.exitCode !== 0) throw new TraceError('CONFIG_INVALID', `policies.signedCommits.keyring ${cfg.keyring}: gpg could not import it (${String(r.stderr).trim().split('\n')[0]})`);
      extraEnv.GNUPGHOME = gnupgHome;
    }
    const out = await git(repo, [...args, 'log', '--reverse', '--format=%H %G?', `${range.base}..${range.head}`], { env: extraEnv });
    const good = cfg.keyring ? ['G', 'U'] : ['G'];
    const violations: Violation[] = [];
    for (const line of out.split('\n')) {
      const [sha, status] = line.trim().split(' ');
      if (!sha || !status || good.includes(status)) continue;
      violations.push({ policy: BUILTIN.signedCommits, message: `Commit ${sha.slice(0, 12)} ${SIGNATURE_STATUS[status] ?? `has signature status ${status}`}` });
    }
    return violations;
  } finally {
    if (gnupgHome) fs.rmSync(gnupgHome, { recursive: true, force: true });
  }
}

const SIGNATURE_STATUS: Record<string, string> = {
  N: 'is not signed',
  B: 'has a bad signature',
  U: 'is signed by a key that is not trusted',
  X: 'has an expired signature',
  Y: 'is signed by an expired key',
  R: 'is signed by a revoked key',
  E: 'has a signature that cannot be checked (key not in the allowed signers or keyring)',
};

function inRepo(repo: string, rel: string, key: string): string {
  const file = path.resolve(repo, rel);
  if (!fs.existsSync(file)) throw new TraceError('CONFIG_INVALID', `.chainloop.yml: policies.${key} ${rel} does not exist; commit it or fix the path`);
  return file;
}
