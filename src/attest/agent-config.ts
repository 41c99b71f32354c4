/** `schema` of a Chainloop AI agent configuration material (src/attest/ai-agent-config-0.1.schema.json, its `$id`). */
export const AGENT_CONFIG_SCHEMA_URI = 'https://schemas.chainloop.dev/aiagentconfig/0.1/ai-agent-config.schema.json';
/** `chainloop.material.evidence.id` of a Chainloop AI agent configuration material. */
export const AGENT_CONFIG_EVIDENCE_ID = 'CHAINLOOP_AI_AGENT_CONFIG';

/** One configuration file as attested: digest and size of the file in the commit, content base64 (redacted). */
export interface AgentConfigFile {
  path: string;
  kind: 'configuration' | 'instruction' | 'skill' | 'agent';
  sha256: string;
  size: number;
  content: string;
}

/** The `data` of a CHAINLOOP_AI_AGENT_CONFIG material, version 0.1 of Chainloop's schema. */
export interface AgentConfigData {
  agent: { name: string; version?: string };
  config_hash: string;
  git_context?: { repository?: string; branch?: string; commit_sha?: string };
  config_files: AgentConfigFile[];
  permissions?: unknown;
  mcp_servers?: { name: string; command?: string; args?: string[]; url?: string; env_keys?: string[]; disabled?: boolean }[];
  subagents?: unknown;
}

/** An agent configuration material, in the envelope every material of an attestation has. */
export interface AgentConfigMaterial {
  schema: typeof AGENT_CONFIG_SCHEMA_URI;
  'chainloop.material.evidence.id': typeof AGENT_CONFIG_EVIDENCE_ID;
  data: AgentConfigData;
}

export function agentConfigMaterial(data: AgentConfigData): AgentConfigMaterial {
  return { schema: AGENT_CONFIG_SCHEMA_URI, 'chainloop.material.evidence.id': AGENT_CONFIG_EVIDENCE_ID, data };
}
