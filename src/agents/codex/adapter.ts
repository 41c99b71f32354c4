import type { AgentAdapter, UsageReader } from '../adapter.js';
import { summarizeRecords } from '../usage-records.js';
import { CODEX_HOOK_EVENTS, CODEX_HOOKS_PATH, CODEX_SHIM, mergeCodexHooks, removeCodexHooks } from './hooks-config.js';
import { codexBeforeContent, parseCodexPayload } from './payload.js';
import { emptyRolloutState, readRollout, rolloutPrompts, rolloutRecords, type RolloutState } from './rollout.js';

const state = (s: unknown): RolloutState => (s as RolloutState | null) ?? emptyRolloutState();

/** Codex's rollout file: one token_usage_record per response, converted to Claude Code's semantics (see rollout.ts). */
const usage: UsageReader = {
  read: (path, s) => readRollout(path, state(s)),
  summarize: (s) => {
    const st = state(s);
    return summarizeRecords(rolloutRecords(st), 'openai', {
      ...(st.version ? { version: st.version } : {}),
      userMessages: rolloutPrompts(st),
      ...(st.lastTimestamp ? { lastTimestamp: st.lastTimestamp } : {}),
      warnings: st.warnings,
    });
  },
};

/**
 * Codex CLI: `.codex/hooks.json` (session, prompt, tool and stop events), edits as apply_patch patches
 * whose before-content is rebuilt by undoing the patch, usage from the rollout file. Codex runs a
 * project's hooks only once the project and each hook are trusted.
 */
export const codex: AgentAdapter = {
  name: 'codex',
  displayName: 'Codex',
  flag: 'codex',
  shim: { name: CODEX_SHIM, pathKeys: [] },
  parse: parseCodexPayload,
  beforeContent: codexBeforeContent,
  hookFiles: [
    {
      path: CODEX_HOOKS_PATH,
      kind: 'codex-hooks',
      merge: mergeCodexHooks,
      remove: removeCodexHooks,
      summary: `${CODEX_HOOK_EVENTS.length} Codex hooks`,
    },
  ],
  installNotes: [
    'Codex runs these hooks only once trusted, and skips untrusted ones without a word:',
    '  1. trust the project: start `codex` here and accept "trust this folder" (or add',
    '     [projects."<this repository>"] trust_level = "trusted" to ~/.codex/config.toml);',
    `  2. trust the hooks: in codex, type /hooks and trust the ${CODEX_HOOK_EVENTS.length} ai-trace hooks of .codex/hooks.json.`,
    '  Editing a hook (trace init again after moving ai-trace) untrusts it: repeat step 2.',
  ],
  usage,
  provider: 'openai',
  configFiles: [
    { path: 'AGENTS.md', kind: 'instructions', shared: true },
    { path: 'AGENTS.override.md', kind: 'instructions', shared: true },
    { path: '.codex/config.toml', kind: 'settings', mcp: 'codex-toml', permissions: 'codex-toml' },
    { path: '.codex/hooks.json', kind: 'hooks' },
    { path: '.codex/prompts/', kind: 'commands' },
    { path: '.codex/skills/', kind: 'skills' },
    { path: '.agents/skills/', kind: 'skills' },
  ],
};
