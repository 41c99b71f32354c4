import { TraceError } from '../../errors.js';

/** How `signedCommits` checks signatures: git's own configuration, or a committed allowed-signers file or keyring. */
export interface SignedCommitsConfig {
  /** An SSH allowed-signers file in the repository (git's gpg.ssh.allowedSignersFile). */
  allowedSigners?: string;
  /** An armored OpenPGP public keyring in the repository, imported into a temporary GNUPGHOME. */
  keyring?: string;
}

/** The `policies:` mapping of `.chainloop.yml`, validated. */
export interface PoliciesConfig {
  /** Agent names (`data.agent.name`) allowed; `*` globs. */
  approvedAgents?: string[];
  /** Models (every entry of `data.model.models_used`) allowed; `*` globs. */
  approvedModels?: string[];
  /** Most tokens (`data.usage.total_tokens`) one session may use. */
  tokenBudget?: number;
  /** Highest share (percent, 0–100) of a session's added lines that may be AI-written. */
  maxAiShare?: number;
  /** Every commit of the range must carry a good signature by git's own check. */
  signedCommits?: SignedCommitsConfig;
  /** No shell command of a dangerous class in the session (ai-trace signals). */
  dangerousCommands?: boolean;
  /** No secret in the session's prompts, tool inputs or outputs (ai-trace signals). */
  noSecrets?: boolean;
  /** Chainloop Policy files (paths from the repository root). */
  files: string[];
  /** A Chainloop Contract file whose material policies apply. */
  contract?: string;
  /** Names of policies evaluated at `git push`: a violation blocks the push. */
  gates: string[];
}

/** The built-in policies' names, as violations and `gates:` name them. */
export const BUILTIN = {
  approvedAgents: 'approved-agents',
  approvedModels: 'approved-models',
  tokenBudget: 'token-budget',
  maxAiShare: 'ai-authored-share',
  signedCommits: 'signed-commits',
  dangerousCommands: 'dangerous-commands',
  noSecrets: 'no-secrets',
} as const;

const KEYS = [...Object.keys(BUILTIN), 'files', 'contract', 'gates'];

const bad = (what: string) => new TraceError('CONFIG_INVALID', `.chainloop.yml: policies.${what}; see the README's policies section`);

function stringList(v: unknown, key: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw bad(`${key} must be a list of names`);
  return v as string[];
}

function bool(v: unknown, key: string): boolean {
  if (typeof v !== 'boolean') throw bad(`${key} must be true or false`);
  return v;
}

/** Validates the `policies:` value (undefined or null: no policies). */
export function parsePoliciesConfig(raw: unknown): PoliciesConfig {
  const out: PoliciesConfig = { files: [], gates: [] };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TraceError('CONFIG_INVALID', ".chainloop.yml: policies must be a mapping (e.g. approvedModels: [...]); see the README's policies section");
  }
  const p = raw as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => !KEYS.includes(k));
  if (unknown.length) throw bad(`${unknown[0]} is not a known key (known: ${KEYS.join(', ')})`);
  if (p.approvedAgents != null) out.approvedAgents = stringList(p.approvedAgents, 'approvedAgents');
  if (p.approvedModels != null) out.approvedModels = stringList(p.approvedModels, 'approvedModels');
  if (p.tokenBudget != null) {
    if (typeof p.tokenBudget !== 'number' || !(p.tokenBudget > 0)) throw bad('tokenBudget must be a positive number of tokens');
    out.tokenBudget = p.tokenBudget;
  }
  if (p.maxAiShare != null) {
    if (typeof p.maxAiShare !== 'number' || p.maxAiShare < 0 || p.maxAiShare > 100) throw bad('maxAiShare must be a percentage from 0 to 100');
    out.maxAiShare = p.maxAiShare;
  }
  if (p.signedCommits != null) {
    const v = p.signedCommits;
    if (typeof v === 'boolean') {
      if (v) out.signedCommits = {};
    } else if (typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const extra = Object.keys(o).filter((k) => k !== 'allowedSigners' && k !== 'keyring');
      if (extra.length) throw bad(`signedCommits.${extra[0]} is not a known key (allowedSigners, keyring)`);
      out.signedCommits = {};
      if (o.allowedSigners != null) {
        if (typeof o.allowedSigners !== 'string') throw bad('signedCommits.allowedSigners must be a path');
        out.signedCommits.allowedSigners = o.allowedSigners;
      }
      if (o.keyring != null) {
        if (typeof o.keyring !== 'string') throw bad('signedCommits.keyring must be a path');
        out.signedCommits.keyring = o.keyring;
      }
    } else throw bad('signedCommits must be true, false, or a mapping with allowedSigners or keyring');
  }
  if (p.dangerousCommands != null) out.dangerousCommands = bool(p.dangerousCommands, 'dangerousCommands');
  if (p.noSecrets != null) out.noSecrets = bool(p.noSecrets, 'noSecrets');
  if (p.files != null) out.files = stringList(p.files, 'files');
  if (p.contract != null) {
    if (typeof p.contract !== 'string') throw bad('contract must be a path');
    out.contract = p.contract;
  }
  if (p.gates != null) out.gates = stringList(p.gates, 'gates');
  return out;
}
