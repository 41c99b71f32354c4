import type { AgentAdapter } from './adapter.js';
import * as adapters from './adapters.js';

/**
 * Every agent ai-trace traces. Adding an agent = its folder `src/agents/<agent>/` + one line in
 * `adapters.ts`; the shim, the daemon, `trace init`/`uninstall` and attribution take it from here.
 */
export const ADAPTERS: readonly AgentAdapter[] = Object.values(adapters);

/** `trace init` flags for agents that are planned but may not be registered yet: they get a clear "not yet supported". */
export const INIT_FLAGS: Readonly<Record<string, string>> = {
  claude: 'Claude Code',
  cursor: 'Cursor',
  gemini: 'Gemini CLI',
  codex: 'Codex',
  copilot: 'Copilot CLI',
  opencode: 'OpenCode',
};

/** The adapter that owns spool files written as `<shim>` (the hook command's first argument). */
export function adapterForShim(shim: string, adapters: readonly AgentAdapter[] = ADAPTERS): AgentAdapter | undefined {
  return adapters.find((a) => a.shim.name === shim);
}

/** The adapter of a canonical agent name (`claude-code`), as stored with a session. */
export function adapterNamed(name: string, adapters: readonly AgentAdapter[] = ADAPTERS): AgentAdapter | undefined {
  return adapters.find((a) => a.name === name);
}

/** The adapter behind `trace init --<flag>`. */
export function adapterForFlag(flag: string, adapters: readonly AgentAdapter[] = ADAPTERS): AgentAdapter | undefined {
  return adapters.find((a) => a.flag === flag);
}
