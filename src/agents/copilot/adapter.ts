import type { AgentAdapter } from '../adapter.js';
import { COPILOT_HOOK_EVENTS, COPILOT_HOOKS_PATH, COPILOT_SHIM, mergeCopilotHooks, removeCopilotHooks } from './hooks.js';
import { parseCopilotPayload } from './payload.js';
import { rebuildBefore } from '../reverse-edits.js';
import { copilotUsage } from './usage.js';

/**
 * GitHub Copilot CLI: `.github/hooks/ai-trace.json`, a before-hook for its `create`/`edit` tools (the shim
 * snapshots `toolArgs.path`), `apply_patch` rebuilt from its patch, `bash` windows for shell-made
 * changes, usage from its session events log.
 */
export const copilotCli: AgentAdapter = {
  name: 'copilot-cli',
  displayName: 'Copilot CLI',
  flag: 'copilot',
  shim: { name: COPILOT_SHIM, pathKeys: ['path'] },
  parse: parseCopilotPayload,
  beforeContent: rebuildBefore,
  hookFiles: [
    {
      path: COPILOT_HOOKS_PATH,
      kind: 'copilot-hooks',
      merge: mergeCopilotHooks,
      remove: removeCopilotHooks,
      summary: `${COPILOT_HOOK_EVENTS.length} Copilot CLI hooks`,
    },
  ],
  installNotes: [
    'repository hooks run only in a trusted folder: anywhere else Copilot CLI skips them without a word and the session is not traced.',
    "trust this repository once: start `copilot` here and choose to trust the folder and remember it (kept in `trustedFolders` of ~/.copilot/config.json), or pass --trust-folder to a `copilot -p` run.",
  ],
  usage: copilotUsage,
  provider: 'github-copilot',
  configFiles: [
    { path: '.github/copilot-instructions.md', kind: 'instructions' },
    { path: '.github/instructions/', kind: 'instructions' },
    { path: 'AGENTS.md', kind: 'instructions', shared: true },
    { path: '.github/copilot/settings.json', kind: 'settings' },
    { path: '.github/copilot/settings.local.json', kind: 'settings' },
    { path: '.github/hooks/', kind: 'hooks' },
    { path: '.github/agents/', kind: 'agents' },
    { path: '.github/skills/', kind: 'skills' },
    { path: '.mcp.json', kind: 'mcp', shared: true, mcp: 'mcpServers-json' },
    { path: '.vscode/mcp.json', kind: 'mcp' },
  ],
};
