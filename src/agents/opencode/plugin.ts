import { agentHookCommand, type ToolFlavor } from '../hook-command.js';

/** The plugin file ai-trace owns (OpenCode loads every `.opencode/plugin/*.{js,ts}` at startup). */
export const OPENCODE_PLUGIN_PATH = '.opencode/plugin/ai-trace.js';
/** The shim's name for OpenCode: spool files `…-opencode-<event>`. */
export const OPENCODE_SHIM = 'opencode';
/** The first line of the plugin: how `trace uninstall` and `trace init` recognise it. */
export const OPENCODE_PLUGIN_MARK = '// ai-trace OpenCode plugin';

/** OpenCode's edit tools that write the one file in `args.filePath`: the shim snapshots it. */
export const OPENCODE_PATH_EDIT_TOOLS: readonly string[] = ['write', 'edit'];
/** OpenCode's patch tool (GPT models get it instead of edit: several files, paths in `args.patchText`). */
export const OPENCODE_PATCH_TOOLS: readonly string[] = ['apply_patch'];
export const OPENCODE_SHELL_TOOL = 'bash';

/**
 * The shim events the plugin sends, with the shim flavor of each: the names are the spool file's
 * (`[A-Za-z0-9_]`), OpenCode's own hook or bus event is in the payload's `hook`.
 */
const COMMANDS: Record<string, ToolFlavor | undefined> = {
  sessionCreated: 'start',
  chatMessage: undefined,
  toolBefore: 'other',
  toolAfter: 'other',
  editBefore: 'edit',
  editAfter: 'edit',
  sessionIdle: undefined,
  sessionError: undefined,
  sessionDeleted: undefined,
};

/**
 * The plugin's source. OpenCode runs plugins in its own process, so the plugin does no work itself:
 * each event becomes a small JSON payload piped to the same shim every agent's hooks call, in order,
 * one at a time. Only the calls that must precede the tool (a `tool.execute.before`: the shim snapshots
 * the file an edit tool is about to change, and a shell window opens before the command runs) wait
 * for the shim, as every other agent's hook does; nothing ever waits on the daemon. A shim that cannot
 * start, or takes over 5 s, is left behind and the agent carries on.
 */
export function opencodePluginSource(packageRoot: string): string {
  const commands = Object.fromEntries(
    Object.entries(COMMANDS).map(([event, flavor]) => [event, agentHookCommand(packageRoot, OPENCODE_SHIM, event, flavor, flavor === 'edit' ? 'file_path' : undefined)]),
  );
  return `${OPENCODE_PLUGIN_MARK}: hands each OpenCode event to the ai-trace hook shim.
// Written by \`trace init --opencode\`; \`trace uninstall\` removes it. Do not edit: init rewrites it.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";

const COMMANDS = ${JSON.stringify(commands, null, 2)};
const EDIT_TOOLS = ${JSON.stringify([...OPENCODE_PATH_EDIT_TOOLS, ...OPENCODE_PATCH_TOOLS])};
const WAIT_MS = 5000;
const MAX_OUTPUT = 4096;

// OpenCode keeps sessions in SQLite under its data dir: OPENCODE_DB (absolute, or relative to it), else opencode.db there
const dataDir = path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), ".local", "share"), "opencode");
const db = process.env.OPENCODE_DB ? path.resolve(dataDir, process.env.OPENCODE_DB) : undefined;

let queue = Promise.resolve();

function run(event, payload) {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => { if (!done) { done = true; clearTimeout(timer); resolve(); } };
    const timer = setTimeout(finish, WAIT_MS);
    try {
      const child = spawn("/bin/sh", ["-c", COMMANDS[event]], { cwd: payload.directory, stdio: ["pipe", "ignore", "ignore"], detached: true });
      child.on("error", finish);
      child.on("exit", finish);
      child.stdin.on("error", () => {});
      child.stdin.end(JSON.stringify(payload));
      child.unref();
    } catch {
      finish();
    }
  });
}

export const AiTrace = async (ctx) => {
  const base = { directory: ctx.directory, worktree: ctx.worktree, data_dir: dataDir, ...(db ? { db } : {}) };
  const send = (event, fields, wait) => {
    const p = (queue = queue.then(() => run(event, { ...base, ...fields })));
    return wait ? p : undefined;
  };
  const abs = (f) => (typeof f === "string" && f ? path.resolve(ctx.directory, f) : undefined);
  const kind = (tool) => (EDIT_TOOLS.includes(tool) ? "edit" : "tool");
  const slim = (m) => {
    if (!m || typeof m !== "object") return undefined;
    const { output, diagnostics, ...rest } = m;
    return { ...rest, ...(typeof output === "string" ? { output: output.slice(0, MAX_OUTPUT) } : {}) };
  };
  return {
    event: async ({ event }) => {
      const p = event.properties || {};
      if (event.type === "session.created") send("sessionCreated", { hook: event.type, session_id: p.info?.id ?? p.sessionID, parent_id: p.info?.parentID, version: p.info?.version });
      else if (event.type === "session.idle") await send("sessionIdle", { hook: event.type, session_id: p.sessionID }, true);
      else if (event.type === "session.error") send("sessionError", { hook: event.type, session_id: p.sessionID });
      else if (event.type === "session.deleted") send("sessionDeleted", { hook: event.type, session_id: p.info?.id ?? p.sessionID });
    },
    "chat.message": async (input) => {
      send("chatMessage", { hook: "chat.message", session_id: input.sessionID, model: input.model });
    },
    "tool.execute.before": async (input, output) => {
      const k = kind(input.tool);
      await send(k + "Before", { hook: "tool.execute.before", session_id: input.sessionID, tool: input.tool, call_id: input.callID, ...(k === "edit" ? { file_path: abs(output.args?.filePath) } : {}), args: output.args }, true);
    },
    "tool.execute.after": async (input, output) => {
      const k = kind(input.tool);
      // write's content is the file itself: the shim's snapshot has it
      send(k + "After", { hook: "tool.execute.after", session_id: input.sessionID, tool: input.tool, call_id: input.callID, ...(k === "edit" ? { file_path: abs(input.args?.filePath) } : {}), args: input.tool === "write" ? undefined : input.args, metadata: slim(output?.metadata) });
    },
  };
};
`;
}
