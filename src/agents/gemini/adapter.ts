import type { AgentAdapter, UsageReader } from '../adapter.js';
import { summarizeRecords } from '../usage-records.js';
import { chatRecords, emptyChatState, readChat, type ChatState } from './chat.js';
import { parseGeminiPayload } from './payload.js';
import { GEMINI_HOOK_EVENTS, GEMINI_SETTINGS_PATH, GEMINI_SHIM, mergeGeminiHooks, removeGeminiHooks } from './settings.js';

const state = (s: unknown): ChatState => (s as ChatState | null) ?? emptyChatState();

/** Gemini's chat record: `tokens` per response, converted to Claude Code's semantics (see chat.ts). */
const usage: UsageReader = {
  read: (path, s) => readChat(path, state(s)),
  summarize: (s) => {
    const st = state(s);
    return summarizeRecords(chatRecords(st), 'google', {
      userMessages: Object.keys(st.prompts).length,
      ...(st.lastTimestamp ? { lastTimestamp: st.lastTimestamp } : {}),
      warnings: st.warnings,
    });
  },
};

/**
 * Gemini CLI: `.gemini/settings.json` hooks (BeforeTool/AfterTool around `write_file`/`replace` with
 * snapshots, the shell tool, prompts and stops), usage from its chat record. Its shell tool empties
 * `core.hooksPath`, so a git command there gets ai-trace's own hooks back through the BeforeTool hook's
 * rewritten tool input (README: Gemini CLI).
 */
export const geminiCli: AgentAdapter = {
  name: 'gemini-cli',
  displayName: 'Gemini CLI',
  flag: 'gemini',
  shim: { name: GEMINI_SHIM, pathKeys: ['file_path'] },
  parse: parseGeminiPayload,
  hookFiles: [
    {
      path: GEMINI_SETTINGS_PATH,
      kind: 'gemini-settings',
      merge: mergeGeminiHooks,
      remove: removeGeminiHooks,
      summary: `${GEMINI_HOOK_EVENTS.length} Gemini CLI hook events`,
    },
  ],
  ownGitHooks: true,
  installNotes: [
    'Gemini CLI runs project hooks only in a trusted folder: trust this folder when Gemini asks (or run it with --skip-trust);',
    'the first run lists the new project hooks and records them in ~/.gemini/trusted_hooks.json.',
  ],
  usage,
  provider: 'google',
  configFiles: [
    { path: 'GEMINI.md', kind: 'instructions' },
    { path: '.gemini/GEMINI.md', kind: 'instructions' },
    { path: 'AGENTS.md', kind: 'instructions', shared: true },
    { path: '.gemini/settings.json', kind: 'settings', mcp: 'mcpServers-json', permissions: 'gemini-settings' },
    { path: '.geminiignore', kind: 'settings' },
    { path: '.gemini/commands/', kind: 'commands' },
    { path: '.gemini/agents/', kind: 'agents' },
    { path: '.gemini/skills/', kind: 'skills' },
  ],
};
