import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** A hook run as Claude Code runs it: the settings' command through a shell, JSON on stdin. */
export interface HookRun {
  event: string;
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The commands `.claude/settings.json` of `repo` configures for `event` and `toolName`. */
export function hookCommands(repo: string, event: string, toolName?: string): string[] {
  const settings = JSON.parse(fs.readFileSync(path.join(repo, '.claude', 'settings.json'), 'utf8')) as {
    hooks?: Record<string, { matcher?: string; hooks?: { type: string; command?: string }[] }[]>;
  };
  const out: string[] = [];
  for (const entry of settings.hooks?.[event] ?? []) {
    if (toolName && !matcherMatches(entry.matcher, toolName)) continue;
    for (const h of entry.hooks ?? []) if (h.type === 'command' && h.command) out.push(h.command);
  }
  return out;
}

/**
 * Claude Code's matcher rule: `*`, empty or absent match all; a matcher of only letters, digits, `_`,
 * `-`, spaces, `|` and `,` lists exact names; anything else is an unanchored JavaScript RegExp.
 */
export function matcherMatches(matcher: string | undefined, toolName: string): boolean {
  if (matcher === undefined || matcher === '' || matcher === '*') return true;
  if (/^[A-Za-z0-9_\- |,]+$/.test(matcher)) return matcher.split(/[|,]/).map((s) => s.trim()).includes(toolName);
  return new RegExp(matcher).test(toolName);
}

/** Runs every hook configured for the payload's event, as Claude Code would (cwd = repo, CLAUDE_PROJECT_DIR set). */
export function fireHook(repo: string, payload: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): HookRun[] {
  const event = String(payload.hook_event_name);
  const toolName = typeof payload.tool_name === 'string' ? payload.tool_name : undefined;
  return hookCommands(repo, event, toolName).map((command) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', command], {
      cwd: repo,
      input: JSON.stringify(payload),
      env: { ...env, CLAUDE_PROJECT_DIR: repo, CLAUDECODE: '1' },
      encoding: 'utf8',
    });
    return { event, status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  });
}

/** Drives a Claude Code-shaped session through the installed hooks, writing files as the agent would. */
export class ScriptedSession {
  private n = 0;
  constructor(
    readonly repo: string,
    readonly sessionId: string,
    readonly transcriptPath: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private base(event: string): Record<string, unknown> {
    return { session_id: this.sessionId, transcript_path: this.transcriptPath, cwd: this.repo, hook_event_name: event, permission_mode: 'bypassPermissions' };
  }

  fire(event: string, extra: Record<string, unknown> = {}): HookRun[] {
    return fireHook(this.repo, { ...this.base(event), ...extra }, this.env);
  }

  start(): void {
    this.fire('SessionStart', { source: 'startup' });
  }

  prompt(text: string): void {
    this.fire('UserPromptSubmit', { prompt: text });
  }

  /** The Write tool: before-hook, the write, after-hook. */
  write(rel: string, content: string): void {
    const file = path.join(this.repo, rel);
    const original = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
    const id = `toolu_demo${++this.n}`;
    const input = { file_path: file, content };
    this.fire('PreToolUse', { tool_name: 'Write', tool_input: input, tool_use_id: id });
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    this.fire('PostToolUse', { tool_name: 'Write', tool_input: input, tool_use_id: id, tool_response: { type: original === null ? 'create' : 'update', filePath: file, content, structuredPatch: [], originalFile: original } });
  }

  /** The Edit tool: replaces the first occurrence of `oldString` (or all of them). */
  edit(rel: string, oldString: string, newString: string, replaceAll = false): void {
    const file = path.join(this.repo, rel);
    const original = fs.readFileSync(file, 'utf8');
    if (!original.includes(oldString)) throw new Error(`edit of ${rel}: ${JSON.stringify(oldString)} not found`);
    const id = `toolu_demo${++this.n}`;
    const input = { file_path: file, old_string: oldString, new_string: newString, replace_all: replaceAll };
    this.fire('PreToolUse', { tool_name: 'Edit', tool_input: input, tool_use_id: id });
    fs.writeFileSync(file, replaceAll ? original.split(oldString).join(newString) : original.replace(oldString, () => newString));
    this.fire('PostToolUse', { tool_name: 'Edit', tool_input: input, tool_use_id: id, tool_response: { filePath: file, oldString, newString, originalFile: original, structuredPatch: [], userModified: false, replaceAll } });
  }

  /** The Bash tool: runs `command` in the repository between its hooks. */
  bash(command: string): void {
    const id = `toolu_demo${++this.n}`;
    const input = { command, description: 'scripted' };
    this.fire('PreToolUse', { tool_name: 'Bash', tool_input: input, tool_use_id: id });
    const r = spawnSync('sh', ['-c', command], { cwd: this.repo, encoding: 'utf8', env: this.env });
    this.fire(r.status === 0 ? 'PostToolUse' : 'PostToolUseFailure', { tool_name: 'Bash', tool_input: input, tool_use_id: id, tool_response: { stdout: r.stdout, stderr: r.stderr, interrupted: false } });
  }

  stop(): void {
    this.fire('Stop', { stop_hook_active: false });
  }

  end(): void {
    this.fire('SessionEnd', { reason: 'other' });
  }
}

/** Writes a small Claude Code-shaped transcript: one prompt, `turns` assistant responses with usage. */
export function writeTranscript(file: string, sessionId: string, opts: { model: string; version: string; turns: { input: number; output: number; cacheRead: number; cacheWrite: number }[] }): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines: unknown[] = [];
  const t = Date.now();
  lines.push({ type: 'user', uuid: 'u0', sessionId, version: opts.version, timestamp: new Date(t).toISOString(), isSidechain: false, message: { role: 'user', content: 'Add a greeting module and use it.' } });
  opts.turns.forEach((u, i) => {
    lines.push({
      type: 'assistant', uuid: `a${i}`, sessionId, version: opts.version, timestamp: new Date(t + (i + 1) * 1000).toISOString(), isSidechain: false, requestId: `req_demo${i}`,
      message: { id: `msg_demo${i}`, role: 'assistant', model: opts.model, content: [{ type: 'text', text: '…' }], stop_reason: 'end_turn',
        usage: { input_tokens: u.input, output_tokens: u.output, cache_read_input_tokens: u.cacheRead, cache_creation_input_tokens: u.cacheWrite } },
    });
  });
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}
