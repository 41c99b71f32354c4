import { shQuote } from '../install/sh-quote.js';

/**
 * Which shim branch a hook command takes: snapshot an edited file, only save the payload, also start the
 * daemon, also mark the repository as holding agent work (a tool whose files no single key names), or
 * give a shell tool's git commands ai-trace's own git hooks back (see shims/hook.sh).
 */
export type ToolFlavor = 'edit' | 'other' | 'start' | 'mark' | 'gitenv';

/**
 * The command an agent runs for `event`: the shim of the package at `packageRoot`, else `trace-hook`
 * on PATH, else it swallows stdin and exits 0 silently (a teammate without ai-trace sees nothing).
 * The shim is sourced, not executed: one shell start less on every step of the agent. `pathKeys`
 * (space-separated) tells an `edit` hook where the payload names the file.
 */
export function agentHookCommand(packageRoot: string, shim: string, event: string, flavor?: ToolFlavor, pathKeys?: string): string {
  const file = shQuote(`${packageRoot.replace(/\/+$/, '')}/shims/hook.sh`);
  const args = [shim, event, ...(flavor ? [flavor] : []), ...(pathKeys ? [shQuote(pathKeys)] : [])].join(' ');
  return `h=${file}; [ -f "$h" ] || h=$(command -v trace-hook 2>/dev/null) || { cat >/dev/null; exit 0; }; set -- ${args}; . "$h"`;
}

/** True when a hook command is one ai-trace wrote for `shim` (or the hand-written `trace-hook <shim> …` form). */
export function isTraceCommand(command: unknown, shim: string): boolean {
  if (typeof command !== 'string') return false;
  return (command.includes("hook.sh'") || command.includes('trace-hook')) && command.includes(` ${shim} `);
}
