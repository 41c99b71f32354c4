import type { AgentAdapter, AgentConfigFile, AgentConfigKind } from '../agents/adapter.js';
import { ADAPTERS } from '../agents/registry.js';

/** Chainloop's classification of a configuration file (ai-agent-config 0.1 `config_files[].kind`). */
export type ConfigKind = 'configuration' | 'instruction' | 'skill' | 'agent';

/** How an agent's MCP server list is written in one of its files. */
export type McpFormat = 'mcpServers-json' | 'opencode-json' | 'codex-toml';

/** How an agent's permission rules are written in one of its files. */
export type PermissionFormat = 'claude-settings' | 'gemini-settings' | 'opencode-json' | 'codex-toml';

/**
 * One kind of file an agent reads from a repository: an exact path, or every file under a folder
 * (optionally only names ending in one of `ext`).
 */
export interface ConfigFileSpec {
  path?: string;
  under?: string;
  ext?: string[];
  kind: ConfigKind;
  mcp?: McpFormat;
  permissions?: PermissionFormat;
}

/**
 * The files an agent takes its instructions, settings, rules, skills, subagents and MCP servers from.
 * `own` files mark the agent as configured in the repository; `shared` files (AGENTS.md) are read by several
 * agents and belong to each configured one that reads them.
 */
export interface AgentConfigSources {
  agent: string;
  own: ConfigFileSpec[];
  shared: ConfigFileSpec[];
}

/**
 * The files of agents whose adapter does not declare its `configFiles` (yet): by the names `data.agent.name`
 * uses in session evidence. An adapter's own declaration replaces its entry here.
 */
export const UNDECLARED_CONFIG_SOURCES: readonly AgentConfigSources[] = [
];

/** Chainloop's kind for an adapter's kind of configuration file. */
const CHAINLOOP_KIND: Readonly<Record<AgentConfigKind, ConfigKind>> = {
  instructions: 'instruction',
  rules: 'instruction',
  settings: 'configuration',
  mcp: 'configuration',
  hooks: 'configuration',
  plugins: 'configuration',
  skills: 'skill',
  commands: 'skill',
  agents: 'agent',
};

function specOf(f: AgentConfigFile): ConfigFileSpec {
  const where = f.path.endsWith('/') ? { under: f.path.slice(0, -1) } : { path: f.path };
  return {
    ...where,
    kind: CHAINLOOP_KIND[f.kind],
    ...(f.ext ? { ext: [...f.ext] } : {}),
    ...(f.mcp ? { mcp: f.mcp } : {}),
    ...(f.permissions ? { permissions: f.permissions } : {}),
  };
}

/** Every agent's configuration files: each registered adapter's declaration, the table above for the others. */
export function agentConfigSources(adapters: readonly AgentAdapter[] = ADAPTERS): AgentConfigSources[] {
  const declared = adapters
    .filter((a) => a.configFiles.length > 0)
    .map((a) => ({ agent: a.name, own: a.configFiles.filter((f) => !f.shared).map(specOf), shared: a.configFiles.filter((f) => f.shared).map(specOf) }));
  const names = new Set(declared.map((d) => d.agent));
  return [...declared, ...UNDECLARED_CONFIG_SOURCES.filter((u) => !names.has(u.agent))];
}

/** The spec a repository path matches, if any. */
export function matchSpec(specs: readonly ConfigFileSpec[], rel: string): ConfigFileSpec | undefined {
  return specs.find((s) => (s.path !== undefined ? s.path === rel : rel.startsWith(`${s.under}/`) && (!s.ext || s.ext.some((e) => rel.endsWith(e)))));
}

/** The top-level names every agent's files live under (what `git ls-tree` is asked for). */
export function topLevelNames(sources: readonly AgentConfigSources[]): string[] {
  const names = new Set<string>();
  for (const a of sources) for (const s of [...a.own, ...a.shared]) names.add((s.path ?? s.under!).split('/')[0]!);
  return [...names].sort();
}
