import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseJsonc } from './mcp.js';
import type { PermissionFormat } from './sources.js';

/** An agent's permission rules, merged over its files (later files add to the lists and override the mode). */
export interface Permissions {
  allow?: string[];
  deny?: string[];
  ask?: string[];
  /** The default approval or permission mode (`defaultMode`, `approval_policy`, …). */
  default_mode?: string;
  /** Codex: `sandbox_mode`. */
  sandbox?: string;
  /** Rules in the agent's own shape, where they are not lists (OpenCode's `permission` object). */
  rules?: Record<string, unknown>;
}

/** One subagent a repository defines: its name, the tools it may use, the model it overrides to. */
export interface Subagent {
  name: string;
  path: string;
  description?: string;
  tools?: string[];
  model?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): string[] | undefined => {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
};

function add(into: Permissions, key: 'allow' | 'deny' | 'ask', values: string[] | undefined): void {
  if (!values?.length) return;
  into[key] = [...new Set([...(into[key] ?? []), ...values])];
}

/** Adds one file's permission rules to `into`; a file that does not parse adds nothing. */
export function readPermissions(format: PermissionFormat, text: string, into: Permissions): void {
  let doc: unknown;
  try {
    doc = format === 'codex-toml' ? parseToml(text) : parseJsonc(text);
  } catch {
    return;
  }
  if (!isRecord(doc)) return;
  if (format === 'claude-settings' && isRecord(doc.permissions)) {
    const p = doc.permissions;
    add(into, 'allow', list(p.allow));
    add(into, 'deny', list(p.deny));
    add(into, 'ask', list(p.ask));
    if (typeof p.defaultMode === 'string') into.default_mode = p.defaultMode;
  } else if (format === 'gemini-settings' && isRecord(doc.tools)) {
    add(into, 'allow', list(doc.tools.allowed));
    add(into, 'deny', list(doc.tools.exclude));
    const mode = isRecord(doc.general) ? doc.general.defaultApprovalMode : undefined;
    if (typeof mode === 'string') into.default_mode = mode;
  } else if (format === 'opencode-json' && (isRecord(doc.permission) || typeof doc.permission === 'string')) {
    into.rules = { ...(into.rules ?? {}), ...(isRecord(doc.permission) ? doc.permission : { '*': doc.permission }) };
  } else if (format === 'codex-toml') {
    if (typeof doc.approval_policy === 'string') into.default_mode = doc.approval_policy;
    if (typeof doc.sandbox_mode === 'string') into.sandbox = doc.sandbox_mode;
  }
}

/** A subagent from a Markdown file's YAML front matter; none when it has no front matter. */
export function readSubagent(rel: string, text: string): Subagent | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  let fm: unknown;
  try {
    fm = parseYaml(m[1]!);
  } catch {
    return undefined;
  }
  if (!isRecord(fm)) return undefined;
  const base = rel.slice(rel.lastIndexOf('/') + 1).replace(/(\.agent)?\.md$/, '');
  const s: Subagent = { name: typeof fm.name === 'string' && fm.name ? fm.name : base, path: rel };
  if (typeof fm.description === 'string') s.description = fm.description;
  const tools = list(fm.tools) ?? (isRecord(fm.tools) ? Object.entries(fm.tools).filter(([, on]) => on !== false).map(([t]) => t) : undefined);
  if (tools?.length) s.tools = tools;
  if (typeof fm.model === 'string') s.model = fm.model;
  return s;
}
