import type { AgentAdapter } from '../agents/adapter.js';
import type { TraceEvent } from '../agents/events.js';
import { refreshUsage } from '../agents/usage.js';
import type { Logger } from '../log/logger.js';
import { MAX_SESSION_WARNINGS, type SessionRecord } from '../store/sessions.js';
import { afterEdit, beforeEdit, resolveFile } from './edits.js';
import { afterShell } from './shell-events.js';
import { recordUnhookedCommits } from './unhooked-commits.js';
import type { ShellTracker } from './shell.js';
import type { CaptureState } from './state.js';
import { ensureGitHooks } from './auto-hooks.js';
import { refreshShimSettingsLogged } from '../config/shim-settings.js';
import { packageRoot } from '../paths.js';


/** What applying an agent event needs. */
export interface SessionEventDeps {
  state: Pick<CaptureState, 'sessions' | 'provenance' | 'attributor' | 'repos' | 'commits'>;
  shell: ShellTracker;
  log: Logger;
  /** Watch work trees for shell-made changes (the daemon does; one-shot CLI fallbacks do not). */
  watchTrees: boolean;
  /** Records a commit no git hook reported (see unhooked-commits.ts); absent: not looked for. */
  recordCommit?: (repo: string, sha: string) => Promise<{ sessions: string[] }>;
  /** TRACE_HOME (where `trace uninstall` opts a clone out of automatic git hooks). */
  home?: string;
}

/** Shell windows of skill commands (no after-event), by session: closed by the session's next event. */
const openSkillShells = new Map<string, string[]>();

/** Work trees whose git hooks this process has already looked at. */
const hooksChecked = new Set<string>();

/** When each work tree's git hook settings were last compared with its configs (at most every 30 s). */
const settingsChecked = new Map<string, number>();
const SETTINGS_CHECK_MS = 30_000;

/** Applies one internal event to its session; returns a note when part of it was skipped. */
export async function applyTraceEvent(deps: SessionEventDeps, adapter: AgentAdapter, ev: TraceEvent): Promise<string | undefined> {
  const { state, shell } = deps;
  const top = await state.repos.top(ev.cwd ?? ev.projectDir ?? '');
  const s = state.sessions.ensure(ev.sessionId, { agent: ev.agent, startedAt: ev.ts, repo: top, cwd: ev.cwd });
  s.events++;
  if (!s.repo && top) s.repo = top;
  if (ev.transcriptPath) s.transcriptPath = ev.transcriptPath;
  if (ev.ts < s.startedAt) s.startedAt = ev.ts;
  if (ev.model && !s.model) s.model = ev.model;
  if (ev.agentVersion && !s.agentVersion) s.agentVersion = ev.agentVersion;
  if (top && deps.watchTrees) {
    if (!hooksChecked.has(top) && deps.home) {
      hooksChecked.add(top);
      // a teammate's clone of a traced repository: its git hooks, before any commit is answered
      const done = await ensureGitHooks(top, packageRoot, deps.home).catch((err: Error) => `git hooks not installed: ${err.message}`);
      if (done) deps.log.info({ repo: top, note: done }, 'git hooks');
    }
    await shell.watch(top, ev.atMs ?? Date.parse(ev.ts));
  }
  if (top && deps.home && Date.now() - (settingsChecked.get(top) ?? 0) >= SETTINGS_CHECK_MS) {
    settingsChecked.set(top, Date.now());
    // the git hook reads .chainloop.yml through a flat file: rewritten here when the config changed
    refreshShimSettingsLogged(top, await state.repos.gitDir(top).catch(() => null), deps.home, deps.log);
  }
  const at = ev.atMs ?? Date.parse(ev.ts);
  const callKey = `${ev.sessionId}:${ev.toolUseId ?? ''}`;
  const files = ev.files ?? [];
  const notes: string[] = [];
  const note = (n: string | undefined) => n && notes.push(n);
  // a skill's shell command (no after-event) ends by the session's next event
  const skills = openSkillShells.get(ev.sessionId);
  if (skills && top) {
    openSkillShells.delete(ev.sessionId);
    for (const key of skills) await afterShell(state, shell, s, top, key, at);
  }
  switch (ev.name) {
    case 'prompt':
      s.prompts++;
      break;
    case 'edit.before':
      // an agent that can rebuild the content before an edit counts its edit tools at edit.after
      if (!adapter.beforeContent) countTool(s, ev);
      for (const file of files.length ? files : [undefined]) {
        note(await beforeEdit(state, adapter, ev, top, file));
        const f = resolveFile(state, top, file, ev.toolName);
        if (top && 'rel' in f) shell.open(`${callKey}:${f.rel}`, { top, session: ev.sessionId, start: at, rel: f.rel });
      }
      break;
    case 'edit.after':
      // an agent without a before-hook (or one that can rebuild the content before) counts its edit tools here
      if (adapter.beforeContent) countTool(s, ev);
      for (const file of files.length ? files : [undefined]) {
        note(await afterEdit(state, adapter, s, ev, top, file));
        const f = resolveFile(state, top, file, ev.toolName);
        if ('rel' in f) shell.closeEdit(`${callKey}:${f.rel}`, at);
      }
      break;
    case 'shell.before':
      countTool(s, ev);
      if (top) shell.open(callKey, { top, session: ev.sessionId, start: at });
      if (top && ev.agentEvent === 'PreSkillShellCommand') openSkillShells.set(ev.sessionId, [callKey]);
      break;
    case 'shell.after':
      if (top) {
        await afterShell(state, shell, s, top, callKey, at);
        const win = shell.window(callKey);
        if (win && deps.recordCommit) note(await recordUnhookedCommits({ commits: state.commits, recordCommit: deps.recordCommit }, top, win.start, at));
      }
      break;
    case 'tool.before':
      countTool(s, ev);
      break;
    case 'stop':
      s.stops++;
      refreshUsage(s);
      break;
    case 'subagent.stop':
      recordSubagent(adapter, s, ev);
      break;
    case 'session.end':
      s.endedAt = ev.ts;
      refreshUsage(s);
      break;
    case 'session.start':
    case 'tool.after':
      break;
    case 'other':
      // an event ai-trace does not hook (a hand-written hook, a newer agent): counted, nothing else
      deps.log.info({ session: ev.sessionId, event: ev.agentEvent }, 'event has no handler: recorded, otherwise ignored');
      break;
  }
  for (const n of notes) if (s.warnings.length < MAX_SESSION_WARNINGS && !s.warnings.includes(n)) s.warnings.push(n);
  state.sessions.save(s);
  return notes.length ? notes.join('; ') : undefined;
}

function countTool(s: SessionRecord, ev: TraceEvent): void {
  if (ev.toolName) s.tools[ev.toolName] = (s.tools[ev.toolName] ?? 0) + 1;
}

function recordSubagent(adapter: AgentAdapter, s: SessionRecord, ev: TraceEvent): void {
  if (!ev.subagent) return;
  const sub = ev.subagent.transcriptPath && adapter.usage?.subagent ? adapter.usage.subagent(ev.subagent.transcriptPath) : undefined;
  const type = ev.subagent.type ?? sub?.type;
  const rec = {
    id: ev.subagent.id,
    ...(type ? { type } : {}),
    ...(sub?.description ? { description: sub.description } : {}),
    ...(sub ? { tokens: sub.tokens } : {}),
  };
  const i = s.subagents.findIndex((x) => x.id === rec.id);
  if (i >= 0) s.subagents[i] = rec;
  else s.subagents.push(rec);
}
