import type { AgentAdapter, UsageReader } from '../adapter.js';
import { parseClaudePayload } from './payload.js';
import { CLAUDE_HOOK_EVENTS, CLAUDE_SETTINGS_PATH, mergeClaudeHooks, removeClaudeHooks } from './settings.js';
import {
  emptyTranscriptState, readSubagent, readTranscript, subagentTranscriptPaths, summarizeTranscript, type TranscriptState,
} from './transcript.js';

const state = (s: unknown): TranscriptState => (s as TranscriptState | null) ?? emptyTranscriptState();

/** Claude Code's transcript JSONL: usage is already in the internal semantics. */
const usage: UsageReader = {
  read: (path, s) => readTranscript(path, state(s)),
  summarize: (s) => summarizeTranscript(state(s)),
  subagents: (path, sessionId) => subagentTranscriptPaths(path, sessionId).map(readSubagent),
  subagent: (path) => readSubagent(path),
};

/** Claude Code: `.claude/settings.json` hooks, a before-hook for every edit, usage from the transcript. */
export const claudeCode: AgentAdapter = {
  name: 'claude-code',
  displayName: 'Claude Code',
  flag: 'claude',
  shim: { name: 'claude', pathKeys: ['file_path', 'notebook_path'] },
  parse: parseClaudePayload,
  hookFiles: [
    {
      path: CLAUDE_SETTINGS_PATH,
      kind: 'claude-settings',
      merge: mergeClaudeHooks,
      remove: removeClaudeHooks,
      summary: `${CLAUDE_HOOK_EVENTS.length} Claude Code hooks`,
    },
  ],
  usage,
  provider: 'anthropic',
  configFiles: [
    { path: 'CLAUDE.md', kind: 'instructions' },
    { path: 'CLAUDE.local.md', kind: 'instructions' },
    { path: '.claude/CLAUDE.md', kind: 'instructions' },
    { path: '.claude/settings.json', kind: 'settings', permissions: 'claude-settings' },
    { path: '.claude/settings.local.json', kind: 'settings', permissions: 'claude-settings' },
    { path: '.claude/rules/', kind: 'rules', ext: ['.md'] },
    { path: '.claude/agents/', kind: 'agents', ext: ['.md'] },
    { path: '.claude/commands/', kind: 'commands', ext: ['.md'] },
    { path: '.claude/skills/', kind: 'skills' },
    { path: '.mcp.json', kind: 'mcp', mcp: 'mcpServers-json' },
  ],
};
