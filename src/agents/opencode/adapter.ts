import type { AgentAdapter } from '../adapter.js';
import { mergeOpencodePlugin, removeOpencodePlugin } from './install.js';
import { parseOpencodePayload } from './payload.js';
import { OPENCODE_PLUGIN_PATH, OPENCODE_SHIM } from './plugin.js';
import { rebuildBefore } from '../reverse-edits.js';
import { opencodeUsage } from './usage.js';

/**
 * OpenCode: a plugin file that hands each event to the shim (OpenCode has command hooks only as
 * in-process plugins), a before-hook for its `write`/`edit` tools, `bash` windows for shell-made
 * changes, usage from its own SQLite records.
 */
export const opencode: AgentAdapter = {
  name: 'opencode',
  displayName: 'OpenCode',
  flag: 'opencode',
  shim: { name: OPENCODE_SHIM, pathKeys: ['file_path'] },
  parse: parseOpencodePayload,
  beforeContent: rebuildBefore,
  hookFiles: [
    {
      path: OPENCODE_PLUGIN_PATH,
      kind: 'opencode-plugin',
      merge: mergeOpencodePlugin,
      remove: removeOpencodePlugin,
      summary: 'an OpenCode plugin',
    },
  ],
  installNotes: [
    'the plugin loads at OpenCode\'s next start; a session already running is not traced.',
    'at startup OpenCode installs @opencode-ai/plugin into .opencode/ with npm (it adds .opencode/package.json and a .gitignore for node_modules); without the npm registry that install stalls for about 75 s, then the plugin loads anyway.',
  ],
  usage: opencodeUsage,
  configFiles: [
    { path: 'AGENTS.md', kind: 'instructions', shared: true },
    { path: 'opencode.json', kind: 'settings', mcp: 'opencode-json', permissions: 'opencode-json' },
    { path: 'opencode.jsonc', kind: 'settings', mcp: 'opencode-json', permissions: 'opencode-json' },
    { path: '.opencode/opencode.json', kind: 'settings', mcp: 'opencode-json', permissions: 'opencode-json' },
    { path: '.opencode/opencode.jsonc', kind: 'settings', mcp: 'opencode-json', permissions: 'opencode-json' },
    { path: '.opencode/agent/', kind: 'agents' },
    { path: '.opencode/agents/', kind: 'agents' },
    { path: '.opencode/command/', kind: 'commands' },
    { path: '.opencode/commands/', kind: 'commands' },
    { path: '.opencode/skill/', kind: 'skills' },
    { path: '.opencode/skills/', kind: 'skills' },
    { path: '.opencode/plugin/', kind: 'plugins' },
    { path: '.opencode/plugins/', kind: 'plugins' },
  ],
};
