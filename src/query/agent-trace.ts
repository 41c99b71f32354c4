import { createHash } from 'node:crypto';
import { isAi, sessionOf, type Label } from '../attribution/labels.js';
import { toRanges } from '../attribution/ranges.js';
import type { ReadModel } from './deps.js';
import { emptyTree } from '../git/diff.js';
import { git } from '../git/run.js';
import { adapterNamed } from '../agents/registry.js';
import type { SessionRecord } from '../store/sessions.js';
import { VERSION } from '../version.js';
import type { AgentTraceRecord } from '../protocol/types.js';

export type { AgentTraceRecord };

export const AGENT_TRACE_VERSION = '0.1';

/** A UUID (v4 layout) derived from the commit, so exporting twice gives the same record id. */
function recordId(sha: string): string {
  const h = createHash('sha256').update(`ai-trace agent-trace ${sha}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** models.dev-style id: provider/model (the provider from the session's agent, when the model does not name one). */
function modelId(session: SessionRecord | undefined): string | undefined {
  const model = session?.model;
  if (!model) return undefined;
  const provider = adapterNamed(session.agent)?.provider;
  return model.includes('/') || !provider ? model : `${provider}/${model}`;
}

/** The Agent Trace record of one commit: its added lines grouped by who wrote them (one conversation per session). */
export async function agentTraceRecord(rec: Pick<ReadModel, 'attributor' | 'commits' | 'sessions'>, repo: string, sha: string): Promise<AgentTraceRecord> {
  const stored = rec.commits.get(sha, repo) ?? rec.commits.get(sha);
  let files = stored?.codeChanges.files;
  let labelsOf = (path: string): Label[] | undefined => rec.commits.fileLabels(sha, path);
  if (!stored) {
    const parent = (await git(repo, ['rev-parse', '--verify', '--quiet', `${sha}^`], { allowFailure: true })).trim();
    const r = await rec.attributor.attributeDiff(repo, parent || (await emptyTree(repo)), { commit: sha }, { parent: parent || null, useProvenance: false });
    files = r.codeChanges.files;
    labelsOf = (path) => r.fileLabels.get(path);
  }
  const timestamp = (await git(repo, ['show', '-s', '--format=%cI', sha])).trim();
  const out: AgentTraceRecord['files'] = [];
  const sessions = new Set(stored?.sessions ?? []);
  for (const f of files ?? []) {
    const labels = labelsOf(f.path) ?? [];
    const bySession = new Map<string, number[]>();
    const human: number[] = [];
    for (const r of [...f.line_ranges, ...f.human_line_ranges]) {
      for (let n = r.start; n <= r.end; n++) {
        const l = labels[n - 1];
        if (l && isAi(l)) bySession.set(sessionOf(l)!, [...(bySession.get(sessionOf(l)!) ?? []), n]);
        else human.push(n);
      }
    }
    const conversations: AgentTraceRecord['files'][number]['conversations'] = [];
    for (const [session, lines] of bySession) {
      sessions.add(session);
      const id = modelId(rec.sessions.get(session));
      conversations.push({ contributor: { type: 'ai', ...(id ? { model_id: id } : {}) }, ranges: toRanges(lines).map((r) => ({ start_line: r.start, end_line: r.end })) });
    }
    if (human.length) conversations.push({ contributor: { type: 'human' }, ranges: toRanges(human).map((r) => ({ start_line: r.start, end_line: r.end })) });
    if (conversations.length) out.push({ path: f.path, conversations });
  }
  return {
    version: AGENT_TRACE_VERSION,
    id: recordId(sha),
    timestamp,
    vcs: { type: 'git', revision: sha },
    tool: { name: 'ai-trace', version: VERSION },
    files: out,
    metadata: { 'dev.ai-trace': { sessions: [...sessions].sort() } },
  };
}
