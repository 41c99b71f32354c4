import { BASE } from '../attribution/labels.js';
import { isBinary, splitLines } from '../attribution/lines.js';
import { carryLabels } from '../attribution/match.js';
import { agentEdit, firstSight, observe, type FileProvenance } from '../attribution/provenance.js';
import type { AgentAdapter } from '../agents/adapter.js';
import type { TraceEvent } from '../agents/events.js';
import { readObjects } from '../git/run.js';
import type { SessionRecord } from '../store/sessions.js';
import { markAiPending } from './markers.js';
import { limits } from '../guard/limits.js';
import { readRegular } from '../guard/regular-file.js';
import { workTreeFile } from '../guard/work-tree-path.js';
import type { CaptureState } from './state.js';

/** What edit provenance reads and writes. */
export type EditDeps = Pick<CaptureState, 'provenance' | 'attributor' | 'repos'>;

/** A file an edit names, relative to its work tree, or why it is skipped. */
export function resolveFile(_deps: Pick<CaptureState, 'repos'>, top: string | null, file: string | undefined, tool?: string): { rel: string; abs: string } | { skip: string } {
  if (!file) return { skip: `${tool ?? 'edit'} without a file path: skipped` };
  if (!top) return { skip: `${file}: not in a git work tree: skipped` };
  // the shim's judgement: `..` resolved, no symlink below the top, a regular file or none
  return workTreeFile(top, file);
}

/** The provenance of `rel` as it is now (`content`): the recorded map observed, or a first sight against HEAD. */
async function currentProvenance(deps: EditDeps, top: string, rel: string, content: string[]): Promise<FileProvenance> {
  const known = deps.provenance.get(top, rel);
  if (known) return observe(known, content);
  const [head] = await readObjects(top, [`HEAD:${rel}`]).catch(() => [null]);
  const committed = head && !isBinary(head) ? splitLines(head.toString('utf8')) : null;
  // committed lines an agent wrote stay the agent's (a later squash or amend must not make them base)
  const recorded = committed ? await deps.attributor.inheritedLabels(top, 'HEAD', rel).catch(() => undefined) : undefined;
  return firstSight(committed, content, recorded && carryLabels(recorded.lines, recorded.labels, committed!, BASE));
}

/**
 * `edit.before`: records the file as it is before the agent's edit (lines changed since are the user's).
 * A file the shim did not snapshot (an apply_patch names its files in the patch) is left to edit.after
 * when the adapter can rebuild its content before.
 */
export async function beforeEdit(
  deps: EditDeps, adapter: AgentAdapter, ev: TraceEvent, top: string | null, file: string | undefined,
): Promise<string | undefined> {
  const f = resolveFile(deps, top, file, ev.toolName);
  if ('skip' in f) return f.skip;
  const capped = file && ev.snapshotSkipped?.get(file);
  if (capped) return `${f.rel}: ${capped}`;
  if (adapter.beforeContent && !ev.snapshots?.has(file!)) return undefined;
  const before = (file && ev.snapshots?.get(file)) ?? null;
  if (before && isBinary(before)) return `${f.rel}: binary file: line attribution skipped`;
  const prov = await currentProvenance(deps, top!, f.rel, before ? splitLines(before.toString('utf8')) : []);
  deps.provenance.put(top!, f.rel, prov);
  return undefined;
}

/**
 * `edit.after`: the lines the edit produced are the session's. The before-content comes from the
 * `edit.before` event; for an agent without a before-hook, from the agent's own record of the file or
 * the adapter's reverse-applied edit.
 */
export async function afterEdit(
  deps: EditDeps, adapter: AgentAdapter, s: Pick<SessionRecord, 'filesTouched'>, ev: TraceEvent, top: string | null, file: string | undefined,
): Promise<string | undefined> {
  const f = resolveFile(deps, top, file, ev.toolName);
  if ('skip' in f) return f.skip;
  const capped = ev.snapshotSkipped?.get(file!);
  if (capped) return `${f.rel}: ${capped}`;
  let after = ev.snapshots?.get(file!);
  if (after === undefined) {
    // never blocking, never outside the tree, never past the cap
    const r = readRegular(f.abs, { maxBytes: limits().snapshotBytes, within: top! });
    if (r.kind === 'skip') return r.reason;
    after = r.kind === 'ok' ? r.bytes : null;
  }
  if (after && isBinary(after)) return `${f.rel}: binary file: line attribution skipped`;
  const afterText = after ? after.toString('utf8') : '';
  const original = ev.originals?.get(file!);
  let prov: FileProvenance | undefined;
  if (adapter.beforeContent) {
    const before = typeof original === 'string' ? original : adapter.beforeContent(afterText, ev, file!);
    if (before !== null) prov = await currentProvenance(deps, top!, f.rel, splitLines(before));
  }
  prov ??= deps.provenance.get(top!, f.rel);
  // no before-content reached us: fall back to the agent's own record of the file
  prov ??= await currentProvenance(deps, top!, f.rel, typeof original === 'string' ? splitLines(original) : []);
  deps.provenance.put(top!, f.rel, agentEdit(prov, after ? splitLines(afterText) : [], ev.sessionId));
  if (!s.filesTouched.includes(f.rel)) s.filesTouched.push(f.rel);
  markAiPending(await deps.repos.gitDir(top!));
  return undefined;
}
