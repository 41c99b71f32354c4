import { PayloadError, type AgentAdapter, type HookInput } from '../adapter.js';
import type { TraceEvent } from '../events.js';

/** The spool name of `trace run` events. */
export const GENERIC_SHIM = 'generic';

/** One `trace run` event as `trace run` writes it into the spool (there is no agent hook to call). */
export interface RunPayload {
  hook_event_name: 'RunStart' | 'RunEnd';
  session_id: string;
  /** The session's agent name: `generic`, or `trace run --agent NAME`. */
  agent_name: string;
  cwd: string;
  timestamp: string;
  /** RunEnd: how the command ended. */
  exit_code?: number | null;
  signal?: string | null;
}

const AGENT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The tool name a run's window is counted under in the session's tools. */
export const RUN_TOOL = 'run';

function runPayload(payload: unknown): RunPayload {
  const p = payload as Partial<RunPayload> | null;
  if (!p || typeof p !== 'object' || typeof p.session_id !== 'string' || !p.session_id || typeof p.cwd !== 'string') {
    throw new PayloadError('trace run event without session_id or cwd');
  }
  if (p.hook_event_name !== 'RunStart' && p.hook_event_name !== 'RunEnd') throw new PayloadError(`unknown trace run event ${String(p.hook_event_name)}`);
  return p as RunPayload;
}

/**
 * A run is one session holding one shell window: `RunStart` starts the session and opens the window
 * (the daemon watches the work tree from then on), `RunEnd` closes it (every file changed in between is
 * the session's) and ends the session with the command's status.
 */
function parseRun(input: HookInput): TraceEvent[] {
  const p = runPayload(input.payload);
  const agent = AGENT_NAME.test(p.agent_name ?? '') ? p.agent_name : 'generic';
  const base = { agent, agentEvent: p.hook_event_name, sessionId: p.session_id, ts: input.ts, cwd: p.cwd, toolName: RUN_TOOL, toolUseId: 'run' };
  if (p.hook_event_name === 'RunStart') return [{ ...base, name: 'session.start' }, { ...base, name: 'shell.before' }];
  const failed = p.signal ? true : p.exit_code !== 0;
  const reason = p.signal ? `signal ${p.signal}` : `exit ${p.exit_code ?? 'unknown'}`;
  return [
    { ...base, name: 'shell.after', outcome: failed ? 'failed' : 'ok' },
    { ...base, name: 'session.end', reason },
  ];
}

/**
 * `trace run [--agent NAME] -- <command>`: a session around any command (an agent without hooks, a
 * script). No hook files, no usage records (its cost is unknown), no configuration files of its own.
 */
export const generic: AgentAdapter = {
  name: 'generic',
  displayName: 'trace run',
  flag: 'generic',
  shim: { name: GENERIC_SHIM, pathKeys: [] },
  parse: parseRun,
  hookFiles: [],
  configFiles: [],
};
