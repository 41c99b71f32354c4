import { parse as parseToml } from 'smol-toml';
import type { McpFormat } from './sources.js';

/** One MCP server as Chainloop's ai-agent-config 0.1 lists it: environment variable names, never their values. */
export interface McpServer {
  name: string;
  command?: string;
  args?: string[];
  url?: string;
  env_keys?: string[];
  disabled?: boolean;
}

/** A file's MCP servers, and the text with every environment and header value replaced by STRIPPED. */
export interface McpRead {
  servers: McpServer[];
  text: string;
}

/** What an environment or header value becomes in the attested file content. */
export const STRIPPED = '[STRIPPED]';

/** JSON with `//` and `/* *\/` comments and trailing commas (JSONC: opencode.jsonc, Gemini's settings). */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The server's environment and header maps, whatever the agent calls them. */
function secretMaps(cfg: Record<string, unknown>): Record<string, unknown>[] {
  return ['env', 'environment', 'headers', 'http_headers', 'env_http_headers'].map((k) => cfg[k]).filter(isRecord);
}

/** Replaces `"KEY": "value"` (JSON) or `KEY = "value"` (TOML) for each key/value of the maps. */
function strip(text: string, maps: Record<string, unknown>[], toml: boolean): string {
  for (const map of maps) {
    for (const [key, value] of Object.entries(map)) {
      if (typeof value !== 'string' || value === '') continue;
      if (toml) {
        const k = `(?:${escapeRe(key)}|"${escapeRe(key)}"|'${escapeRe(key)}')`;
        const v = `(?:${escapeRe(JSON.stringify(value))}|'${escapeRe(value)}')`;
        text = text.replace(new RegExp(`(${k}\\s*=\\s*)${v}`, 'g'), `$1"${STRIPPED}"`);
      } else {
        text = text.replace(new RegExp(`(${escapeRe(JSON.stringify(key))}\\s*:\\s*)${escapeRe(JSON.stringify(value))}`, 'g'), `$1"${STRIPPED}"`);
      }
    }
  }
  return text;
}

function server(name: string, cfg: Record<string, unknown>, format: McpFormat): McpServer {
  const s: McpServer = { name };
  if (format === 'opencode-json' && Array.isArray(cfg.command)) {
    const [command, ...args] = strings(cfg.command) ?? [];
    if (command) s.command = command;
    if (args.length) s.args = args;
  } else {
    if (typeof cfg.command === 'string') s.command = cfg.command;
    const args = strings(cfg.args);
    if (args?.length) s.args = args;
  }
  const url = [cfg.url, cfg.httpUrl, cfg.serverUrl].find((u): u is string => typeof u === 'string');
  if (url) s.url = url;
  const envKeys = [cfg.env, cfg.environment].filter(isRecord).flatMap((m) => Object.keys(m));
  if (envKeys.length) s.env_keys = envKeys;
  if (cfg.disabled === true || cfg.enabled === false) s.disabled = true;
  else if (cfg.disabled === false || cfg.enabled === true) s.disabled = false;
  return s;
}

/** Reads the MCP servers of one file; a file that does not parse gives none, its text unchanged, and a reason. */
export function readMcp(format: McpFormat, text: string): McpRead & { error?: string } {
  let doc: unknown;
  try {
    doc = format === 'codex-toml' ? parseToml(text) : parseJsonc(text);
  } catch (err) {
    return { servers: [], text, error: (err as Error).message.split('\n')[0] };
  }
  if (!isRecord(doc)) return { servers: [], text };
  const map = doc[format === 'codex-toml' ? 'mcp_servers' : format === 'opencode-json' ? 'mcp' : 'mcpServers'];
  if (!isRecord(map)) return { servers: [], text };
  const servers: McpServer[] = [];
  let out = text;
  for (const [name, cfg] of Object.entries(map)) {
    if (!isRecord(cfg)) continue;
    servers.push(server(name, cfg, format));
    out = strip(out, secretMaps(cfg), format === 'codex-toml');
  }
  return { servers, text: out };
}
