import path from 'node:path';
import type { ReviewRange } from '../range.js';
import type { Violation } from '../row.js';
import { builtinSessionPolicies, signedCommits } from './builtin.js';
import { compileCel } from './cel.js';
import { BUILTIN, parsePoliciesConfig, type PoliciesConfig } from './config.js';
import { loadContract, loadPolicyFile, type CustomPolicy } from './files.js';
import { findOpa, prepareRego } from './rego.js';
import type { PolicySubject } from './signals.js';

/** The policies in force: the validated `policies:` config and the custom policies its files (and the CLI's) hold. */
export interface PolicySet {
  config: PoliciesConfig;
  custom: CustomPolicy[];
  /** References that cannot be evaluated (non-file contract refs, attestation policies). */
  unevaluated: string[];
}

/** A policy that could not be evaluated, and why. */
export interface Unevaluated {
  policy: string;
  reason: string;
}

/** What the per-session policies found. */
export interface SessionOutcome {
  bySession: Map<string, Violation[]>;
  unevaluated: Unevaluated[];
}

/** What the policies found. */
export interface PolicyOutcome {
  bySession: Map<string, Violation[]>;
  /** Violations of range-wide policies (signed commits). */
  range: Violation[];
  /** Why a policy could not be evaluated: makes the verdict neutral. */
  unevaluated: string[];
}

/**
 * Loads the policies: `policies:` of `.chainloop.yml` (files and contract relative to the repository),
 * plus `extraFiles` (`--policy`, absolute) and `contract` (`--contract`, absolute, replacing the configured one).
 */
export function loadPolicySet(repo: string, raw: unknown, extraFiles: string[] = [], contract?: string): PolicySet {
  const config = parsePoliciesConfig(raw);
  const custom: CustomPolicy[] = [];
  const unevaluated: string[] = [];
  const files = [...config.files.map((f) => path.resolve(repo, f)), ...extraFiles];
  for (const f of files) {
    const loaded = loadPolicyFile(f);
    custom.push(...loaded.policies);
    unevaluated.push(...loaded.unevaluated);
  }
  const contractFile = contract ?? (config.contract ? path.resolve(repo, config.contract) : undefined);
  if (contractFile) {
    const loaded = loadContract(contractFile);
    custom.push(...loaded.policies);
    unevaluated.push(...loaded.unevaluated);
  }
  return { config, custom, unevaluated };
}

/** Every policy name the set defines (built-ins switched on, then custom ones): what `gates:` may name. */
export function policyNames(set: PolicySet): string[] {
  const c = set.config;
  const on: Record<keyof typeof BUILTIN, boolean> = {
    approvedAgents: c.approvedAgents !== undefined,
    approvedModels: c.approvedModels !== undefined,
    tokenBudget: c.tokenBudget !== undefined,
    maxAiShare: c.maxAiShare !== undefined,
    signedCommits: c.signedCommits !== undefined,
    dangerousCommands: c.dangerousCommands === true,
    noSecrets: c.noSecrets === true,
  };
  const builtins = (Object.keys(BUILTIN) as (keyof typeof BUILTIN)[]).filter((k) => on[k]).map((k) => BUILTIN[k]);
  return [...new Set([...builtins, ...set.custom.map((p) => p.name)])];
}

/**
 * Evaluates the per-session policies of `set` (only those named in `only`, when given) on each
 * session: the built-ins, then every custom policy with `input` = the session's material as Chainloop
 * shapes it (plus `args` from a contract's `with:`). CEL runs embedded; Rego runs through `opa` on
 * PATH, and without it the policy is reported as not evaluated. A broken policy throws (naming its file).
 */
export async function evaluateSessions(set: PolicySet, sessions: PolicySubject[], env: NodeJS.ProcessEnv = process.env, only?: Set<string>): Promise<SessionOutcome> {
  const bySession = new Map<string, Violation[]>(sessions.map((s) => [s.id, []]));
  const unevaluated: Unevaluated[] = [];
  const wanted = (name: string) => !only || only.has(name);
  const builtinConfig = only ? restrict(set.config, only) : set.config;
  for (const s of sessions) {
    const r = builtinSessionPolicies(builtinConfig, s);
    bySession.get(s.id)!.push(...r.violations);
    unevaluated.push(...r.unevaluated);
  }
  const custom = set.custom.filter((p) => wanted(p.name));
  if (custom.length === 0) return { bySession, unevaluated };
  const opa = custom.some((p) => p.engine === 'rego') ? findOpa(env) : null;
  for (const policy of custom) {
    const input = (s: PolicySubject) => ({ ...s.material, ...(policy.args ? { args: policy.args } : {}) });
    if (policy.engine === 'cel') {
      const program = compileCel(policy);
      for (const s of sessions) bySession.get(s.id)!.push(...program(input(s)).map((message) => ({ policy: policy.name, message })));
      continue;
    }
    if (!opa) {
      unevaluated.push({ policy: policy.name, reason: `policy ${policy.name} (${policy.file}) is Rego and opa is not on PATH: install Open Policy Agent (opa) to evaluate it` });
      continue;
    }
    const rego = await prepareRego(policy, opa);
    try {
      for (const s of sessions) bySession.get(s.id)!.push(...(await rego.run(input(s))).map((message) => ({ policy: policy.name, message })));
    } finally {
      rego.close();
    }
  }
  return { bySession, unevaluated };
}

/** The config with only the built-ins named in `only` switched on. */
function restrict(c: PoliciesConfig, only: Set<string>): PoliciesConfig {
  const out: PoliciesConfig = { files: [], gates: c.gates };
  if (only.has(BUILTIN.approvedAgents) && c.approvedAgents) out.approvedAgents = c.approvedAgents;
  if (only.has(BUILTIN.approvedModels) && c.approvedModels) out.approvedModels = c.approvedModels;
  if (only.has(BUILTIN.tokenBudget) && c.tokenBudget !== undefined) out.tokenBudget = c.tokenBudget;
  if (only.has(BUILTIN.maxAiShare) && c.maxAiShare !== undefined) out.maxAiShare = c.maxAiShare;
  if (only.has(BUILTIN.dangerousCommands) && c.dangerousCommands) out.dangerousCommands = true;
  if (only.has(BUILTIN.noSecrets) && c.noSecrets) out.noSecrets = true;
  if (only.has(BUILTIN.signedCommits) && c.signedCommits) out.signedCommits = c.signedCommits;
  return out;
}

/** What `trace pr` evaluates: every policy of the repository and the CLI, per session and over the range. */
export interface PrPolicyContext {
  repo: string;
  range: ReviewRange;
  sessions: PolicySubject[];
  /** The raw `policies:` value of `.chainloop.yml`. */
  config: unknown;
  extraFiles: string[];
  contract?: string;
  env?: NodeJS.ProcessEnv;
}

/** Evaluates every policy for `trace pr`. */
export async function evaluatePolicies(ctx: PrPolicyContext): Promise<PolicyOutcome> {
  const set = loadPolicySet(ctx.repo, ctx.config, ctx.extraFiles, ctx.contract);
  const env = ctx.env ?? process.env;
  const sessions = await evaluateSessions(set, ctx.sessions, env);
  const range = set.config.signedCommits ? await signedCommits(ctx.repo, ctx.range, set.config.signedCommits, env) : [];
  return { bySession: sessions.bySession, range, unevaluated: [...set.unevaluated, ...sessions.unevaluated.map((u) => u.reason)] };
}
