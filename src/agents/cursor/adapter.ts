import type { AgentAdapter } from '../adapter.js';
import { CURSOR_HOOK_EVENTS, CURSOR_HOOKS_PATH, CURSOR_SHIM, mergeCursorHooks, removeCursorHooks } from './hooks.js';
import { parseCursorPayload } from './payload.js';
import { rebuildBefore } from '../reverse-edits.js';

/**
 * Cursor, built from its documented hook payloads (no Cursor client runs here; tested with synthetic
 * payloads only): `.cursor/hooks.json`, `afterFileEdit` with the before-content rebuilt from the edits
 * it reports, shell windows, prompts, stop. Cursor keeps no usage records ai-trace can read: usage and
 * cost are unknown (no `usage` reader), never 0.
 */
export const cursor: AgentAdapter = {
  name: 'cursor',
  displayName: 'Cursor',
  flag: 'cursor',
  shim: { name: CURSOR_SHIM, pathKeys: ['file_path'] },
  parse: parseCursorPayload,
  beforeContent: rebuildBefore,
  hookFiles: [
    {
      path: CURSOR_HOOKS_PATH,
      kind: 'cursor-hooks',
      merge: mergeCursorHooks,
      remove: removeCursorHooks,
      summary: `${CURSOR_HOOK_EVENTS.length} Cursor hooks`,
    },
  ],
  installNotes: [
    'project hooks (.cursor/hooks.json) run only in a trusted workspace.',
    'built from Cursor\'s documented hook payloads and tested with synthetic ones: it has not been run against a real Cursor. Cursor keeps no usage records ai-trace can read: tokens and cost are reported as unknown.',
  ],
  configFiles: [
    { path: 'AGENTS.md', kind: 'instructions', shared: true },
    { path: '.cursorrules', kind: 'rules' },
    { path: '.cursor/rules/', kind: 'rules' },
    { path: '.cursor/hooks.json', kind: 'hooks' },
    { path: '.cursor/mcp.json', kind: 'mcp', mcp: 'mcpServers-json' },
    { path: '.cursor/commands/', kind: 'commands' },
  ],
};
