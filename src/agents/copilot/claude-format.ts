/**
 * Copilot CLI also runs a repository's `.claude/settings*.json` hooks, with Claude-shaped payloads of its
 * own (`hook_event_name`, `session_id`, Claude tool names with Copilot's argument names). Every one of
 * them carries a `timestamp`, which Claude Code's own payloads never do. With `--claude` and `--copilot`
 * both installed the same Copilot session reaches ai-trace twice: the Claude-format copy is dropped.
 */
export function isCopilotClaudeFormat(payload: Record<string, unknown>): boolean {
  return 'timestamp' in payload;
}
