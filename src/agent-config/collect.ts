import crypto from 'node:crypto';
import path from 'node:path';
import { agentConfigMaterial, type AgentConfigData, type AgentConfigFile, type AgentConfigMaterial } from '../attest/agent-config.js';
import { isBinary } from '../attribution/lines.js';
import { safeRemoteUrl } from '../evidence/session-data.js';
import { git, readObjects } from '../git/run.js';
import { readMcp, type McpServer } from './mcp.js';
import { redactStrings, redactText } from './redact.js';
import { readPermissions, readSubagent, type Permissions, type Subagent } from './rules.js';
import { agentConfigSources, matchSpec, topLevelNames, type AgentConfigSources, type ConfigFileSpec } from './sources.js';

/** Files larger than this are left out of the material (with a warning): configuration is small. */
export const MAX_CONFIG_FILE_BYTES = 512 * 1024;
/** At most this many files per agent (a skills folder full of assets must not bloat every attestation). */
export const MAX_CONFIG_FILES = 200;

/** Where a configuration is read: the repository and the commit (default HEAD), with its remote and branch. */
export interface CollectOptions {
  repo: string;
  rev?: string;
  remoteUrl?: string;
  branch?: string;
}

/** A secret the scanner replaced: the rule and the line, never the value. */
export interface Redaction {
  agent: string;
  path: string;
  rule: string;
  line: number;
}

/** What `trace config show` and a push attach: one material per configured agent, and what was left out or redacted. */
export interface AgentConfigReport {
  commit: string | null;
  materials: AgentConfigMaterial[];
  redactions: Redaction[];
  /** Values kept on lines with the allow marker. */
  allowed: number;
  warnings: string[];
}

interface TreeEntry {
  mode: string;
  oid: string;
  size: number;
  rel: string;
}

async function listTree(repo: string, commit: string, sources: readonly AgentConfigSources[]): Promise<Map<string, TreeEntry>> {
  const out = await git(repo, ['ls-tree', '-r', '-z', '-l', commit, '--', ...topLevelNames(sources)], { allowFailure: true });
  const entries = new Map<string, TreeEntry>();
  for (const rec of out.split('\0')) {
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.*)$/s.exec(rec);
    if (!m || m[2] !== 'blob') continue;
    entries.set(m[5]!, { mode: m[1]!, oid: m[3]!, size: m[4] === '-' ? 0 : Number(m[4]), rel: m[5]! });
  }
  return entries;
}

/** A symbolic link's target inside the tree (CLAUDE.md → AGENTS.md is common); undefined when it leaves the tree. */
function linkTarget(rel: string, target: string): string | undefined {
  if (path.posix.isAbsolute(target)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
  return resolved.startsWith('../') || resolved === '..' ? undefined : resolved;
}

const sha256 = (b: Buffer | string): string => crypto.createHash('sha256').update(b).digest('hex');

/**
 * The AI agent configuration of a repository at a commit: for each agent with a file of its own there, one
 * CHAINLOOP_AI_AGENT_CONFIG material (Chainloop's ai-agent-config 0.1) with every instruction, settings, rule,
 * skill, subagent and MCP file it reads. MCP environment and header values are stripped; secrets found by
 * secretlint's recommended rules are redacted (except on lines with the allow marker) before anything leaves.
 */
export async function collectAgentConfigs(opts: CollectOptions): Promise<AgentConfigReport> {
  const report: AgentConfigReport = { commit: null, materials: [], redactions: [], allowed: 0, warnings: [] };
  const commit = (await git(opts.repo, ['rev-parse', '--verify', '--quiet', `${opts.rev ?? 'HEAD'}^{commit}`], { allowFailure: true })).trim();
  if (!commit) return report;
  report.commit = commit;
  const sources = agentConfigSources();
  const tree = await listTree(opts.repo, commit, sources);
  const present = sources.map((src) => {
    const files: [TreeEntry, ConfigFileSpec][] = [];
    for (const e of tree.values()) {
      const spec = matchSpec(src.own, e.rel) ?? matchSpec(src.shared, e.rel);
      if (spec) files.push([e, spec]);
    }
    return { agent: src.agent, own: src.own, files: files.sort((a, b) => (a[0].rel < b[0].rel ? -1 : 1)) };
  }).filter((a) => a.files.some(([e]) => matchSpec(a.own, e.rel)));
  if (present.length === 0) return report;

  const wanted = [...new Set(present.flatMap((a) => a.files.map(([e]) => e)))];
  const blobs = new Map<string, Buffer | null>();
  const read = await readObjects(opts.repo, wanted.map((e) => e.oid));
  wanted.forEach((e, i) => blobs.set(e.rel, read[i] ?? null));
  // symbolic links: the file they point at in the same commit
  const links = wanted.filter((e) => e.mode === '120000');
  if (links.length) {
    const targets = links.map((e) => linkTarget(e.rel, blobs.get(e.rel)?.toString('utf8') ?? ''));
    const resolved = await readObjects(opts.repo, targets.map((t) => (t ? `${commit}:${t}` : '0'.repeat(40))));
    links.forEach((e, i) => blobs.set(e.rel, targets[i] ? (resolved[i] ?? null) : null));
  }

  const [remote, branch] = await Promise.all([
    opts.remoteUrl !== undefined ? opts.remoteUrl : git(opts.repo, ['remote', 'get-url', 'origin'], { allowFailure: true }).catch(() => ''),
    opts.branch !== undefined ? opts.branch : git(opts.repo, ['rev-parse', '--abbrev-ref', 'HEAD'], { allowFailure: true }).catch(() => ''),
  ]);
  const gitContext = {
    ...(remote.trim() ? { repository: safeRemoteUrl(remote.trim()) } : {}),
    ...(branch.trim() && branch.trim() !== 'HEAD' ? { branch: branch.trim().replace(/^refs\/heads\//, '') } : {}),
    commit_sha: commit,
  };

  for (const { agent, files } of present) {
    const configFiles: AgentConfigFile[] = [];
    const servers: McpServer[] = [];
    const permissions: Permissions = {};
    const subagents: Subagent[] = [];
    for (const [entry, spec] of files) {
      if (configFiles.length >= MAX_CONFIG_FILES) {
        report.warnings.push(`${agent}: more than ${MAX_CONFIG_FILES} configuration files; the rest are left out`);
        break;
      }
      const bytes = blobs.get(entry.rel);
      if (!bytes) {
        report.warnings.push(`${agent}: ${entry.rel}: a link to nothing in the commit; left out`);
        continue;
      }
      if (bytes.length > MAX_CONFIG_FILE_BYTES) {
        report.warnings.push(`${agent}: ${entry.rel}: ${bytes.length} bytes, over ${MAX_CONFIG_FILE_BYTES}; left out`);
        continue;
      }
      let content = bytes;
      if (!isBinary(bytes)) {
        let text = bytes.toString('utf8');
        if (spec.mcp) {
          const mcp = readMcp(spec.mcp, text);
          if (mcp.error) report.warnings.push(`${agent}: ${entry.rel}: MCP servers not read (${mcp.error})`);
          servers.push(...mcp.servers);
          text = mcp.text;
        }
        if (spec.permissions) readPermissions(spec.permissions, text, permissions);
        if (spec.kind === 'agent') {
          const sub = readSubagent(entry.rel, text);
          if (sub) subagents.push(sub);
        }
        const r = await redactText(text);
        report.allowed += r.allowed;
        for (const x of r.redacted) report.redactions.push({ agent, path: entry.rel, ...x });
        content = Buffer.from(r.text, 'utf8');
      }
      configFiles.push({ path: entry.rel, kind: spec.kind, sha256: sha256(bytes), size: bytes.length, content: content.toString('base64') });
    }
    if (configFiles.length === 0) continue;
    const data: AgentConfigData = {
      agent: { name: agent },
      config_hash: sha256(configFiles.map((f) => `${f.path}\0${f.sha256}\n`).join('')),
      git_context: gitContext,
      config_files: configFiles,
    };
    if (Object.keys(permissions).length) data.permissions = await redactStrings(permissions);
    if (servers.length) data.mcp_servers = await redactStrings(servers);
    if (subagents.length) data.subagents = await redactStrings(subagents);
    report.materials.push(agentConfigMaterial(data));
  }
  return report;
}
