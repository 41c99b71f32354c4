import { diffFiles, emptyTree, type DiffTarget, type FileDiff } from '../git/diff.js';
import { git, readBlobsPreferWorkTree, readObjects } from '../git/run.js';
import { parseTrailerValue, TRAILER_KEY } from '../git/trailer.js';

export { parseTrailerValue, TRAILER_KEY };
import type { CommitStore } from '../store/commits.js';
import type { ProvenanceStore } from '../store/provenance.js';
import { attributeFile, summarize, type AttributedFile, type CodeChanges, type LabelSource } from './code-changes.js';
import { isAi, type Label } from './labels.js';
import { isBinary, splitLines } from './lines.js';
import { matchLines } from './match.js';
import { dormantSource, stillDormant } from './rewrites/stash-reset.js';
import { movedFrom } from './moves.js';

/** Extra label sources for a path, e.g. the pre-rewrite versions of a commit's files. */
export type ExtraSources = (path: string, oldPath: string) => Promise<LabelSource[]>;

/** The attribution of one diff: per-file changes, totals, labels of every new line, sessions. */
export interface DiffAttribution {
  codeChanges: CodeChanges;
  fileLabels: Map<string, Label[]>;
  sessions: string[];
}

const HISTORY_SOURCES = 3;

/** How to attribute a diff: extra label sources (rewrites), the parent for inherited labels, provenance on/off. */
export interface AttributeOptions {
  extra?: ExtraSources;
  parent?: string | null;
  useProvenance?: boolean;
  /** Read a new blob from the work tree when its git hash matches (the index, a commit just made). */
  preferWorkTree?: boolean;
}

/** Computes commit attribution from provenance maps; work is proportional to the files in the diff. */
export class CommitAttributor {
  constructor(
    private readonly provenance: ProvenanceStore,
    private readonly commits: CommitStore,
  ) {}

  /** Attributes `from → to` in `repo`; `to` is a commit or the index being committed. */
  async attributeDiff(repo: string, from: string, to: DiffTarget, opts: AttributeOptions = {}): Promise<DiffAttribution> {
    const { extra, parent, useProvenance = true, preferWorkTree = 'index' in to } = opts;
    const diffs = await diffFiles(repo, from, to);
    const env = 'index' in to && to.indexFile ? { GIT_INDEX_FILE: to.indexFile } : undefined;
    // binary files (and files past the snapshot cap, which git calls binary) are not read at all
    const text = diffs.filter((d) => !d.binary && d.status !== 'deleted');
    const specs = text.map((d) => ('commit' in to ? `${to.commit}:${d.path}` : `:${d.path}`));
    // what is being (or was just) committed is mostly the work tree's bytes: no git process for those
    const read = preferWorkTree
      ? await readBlobsPreferWorkTree(repo, text.map((d) => d.path), text.map((d) => d.newOid), specs, env)
      : await readObjects(repo, specs, { env });
    const byDiff = new Map(text.map((d, i) => [d, read[i] ?? null]));
    const blobs = diffs.map((d) => byDiff.get(d) ?? null);
    const files: AttributedFile[] = [];
    for (let i = 0; i < diffs.length; i++) {
      const d = diffs[i]!;
      const blob = d.status === 'deleted' ? null : blobs[i] ?? null;
      if (blob && isBinary(blob)) d.binary = true;
      const lines = blob && !d.binary ? splitLines(blob.toString('utf8')) : [];
      const prov = !useProvenance
        ? undefined
        : this.provenance.get(repo, d.path) ?? (d.oldPath !== d.path ? this.provenance.get(repo, d.oldPath) : undefined);
      const sources: LabelSource[] = extra ? await extra(d.path, d.oldPath) : [];
      if (prov) sources.push(prov);
      // agent lines that left the file and came back (stash pop, checkout) before the watcher saw them return
      const dormant = dormantSource(prov);
      if (dormant) sources.push(dormant);
      if (useProvenance && d.status === 'created' && !prov?.labels.some(isAi)) {
        // a new file may be an agent's file, not committed yet, that a human moved (git sees no rename)
        const moved = movedFrom(this.provenance, repo, d.path, lines);
        if (moved) sources.push(moved.prov);
      }
      if (parent && d.status !== 'created') {
        const inherited = await this.inheritedLabels(repo, parent, d.oldPath);
        if (inherited) sources.push(inherited);
      }
      sources.push(...(await this.historySources(repo, d.path, d.oldPath)));
      files.push(attributeFile({ diff: d, lines, sources, removedByAgents: prov?.removed ?? [] }));
    }
    const fileLabels = new Map<string, Label[]>();
    for (const f of files) if (f.change.status !== 'deleted' && !f.change.binary) fileLabels.set(f.change.path, f.labels);
    const sessions = [...new Set(files.flatMap((f) => f.change.session_ids))].sort();
    return { codeChanges: summarize(files.map((f) => f.change)), fileLabels, sessions };
  }

  /** Attributes a commit against its first parent and stores the result. */
  async recordCommit(repo: string, sha: string, extra?: ExtraSources): Promise<DiffAttribution & { parent: string | null }> {
    const parent = (await git(repo, ['rev-parse', '--verify', '--quiet', `${sha}^`], { allowFailure: true })).trim() || null;
    const result = await this.attributeDiff(repo, parent ?? (await emptyTree(repo)), { commit: sha }, { extra, parent, preferWorkTree: true });
    const trailer = await trailerSessions(repo, sha);
    const sessions = [...new Set([...result.sessions, ...trailer])].sort();
    this.commits.save({ repo, sha, parent, sessions, codeChanges: result.codeChanges, createdAt: new Date().toISOString() }, result.fileLabels);
    await this.settle(repo, result.codeChanges.files.map((f) => f.path), sha);
    return { ...result, sessions, parent };
  }

  /**
   * After a commit: forgets agent removals the commit carried, and drops the provenance of files whose
   * agent lines are all committed (HEAD holds them), so later work never grows with history.
   */
  private async settle(repo: string, paths: string[], sha: string): Promise<void> {
    const blobs = await readObjects(repo, paths.map((p) => `${sha}:${p}`));
    paths.forEach((p, i) => {
      const prov = this.provenance.get(repo, p);
      const committed = blobs[i] ? splitLines(blobs[i]!.toString('utf8')) : [];
      if (!prov?.labels.some(isAi) && committed.length) {
        // an agent's file moved by hand before its first commit is committed here: its old entry is done
        const moved = movedFrom(this.provenance, repo, p, committed);
        if (moved) this.provenance.delete(repo, moved.rel);
      }
      if (!prov) return;
      const still = new Set(committed);
      const removed = prov.removed.filter((r) => still.has(r.text));
      const map = matchLines(committed, prov.lines);
      const uncommittedAi = prov.labels.some((l, j) => isAi(l) && map[j]! < 0);
      // dormant lines the commit holds came back and are committed now
      const dormant = stillDormant(prov, still);
      if (!uncommittedAi && removed.length === 0 && dormant.length === 0) this.provenance.delete(repo, p);
      else this.provenance.put(repo, p, { ...prov, removed, dormant });
    });
  }

  /** The labels the file had in the last recorded commit that changed it, so untouched lines keep their origin. */
  async inheritedLabels(repo: string, parent: string, path: string): Promise<LabelSource | undefined> {
    if (!this.commits.hasPath(repo, path)) return undefined;
    const last = (await git(repo, ['log', '-1', '--format=%H', parent, '--', path], { allowFailure: true })).trim();
    const labels = last ? this.commits.fileLabels(last, path) : undefined;
    if (!labels) return undefined;
    const [blob] = await readObjects(repo, [`${last}:${path}`]);
    return blob ? { lines: splitLines(blob.toString('utf8')), labels } : undefined;
  }

  /**
   * Recorded versions of the path (newest first): content matching for commits whose lines came from
   * elsewhere in history — cherry-picks, reverts, squash merges, a reset followed by a new commit.
   */
  private async historySources(repo: string, path: string, oldPath: string): Promise<LabelSource[]> {
    const rows = this.commits.recentVersions(repo, [...new Set([path, oldPath])], HISTORY_SOURCES);
    if (rows.length === 0) return [];
    const blobs = await readObjects(repo, rows.map((r) => `${r.sha}:${r.path}`));
    return rows.flatMap((r, i) => (blobs[i] ? [{ lines: splitLines(blobs[i]!.toString('utf8')), labels: r.labels }] : []));
  }

  /** Sessions with agent lines in `repo` not yet committed (from provenance). */
  pendingSessions(repo: string): string[] {
    const out = new Set<string>();
    for (const p of this.provenance.paths(repo)) {
      const prov = this.provenance.get(repo, p);
      for (const l of prov?.labels ?? []) if (isAi(l)) out.add(l.slice(2));
    }
    return [...out];
  }
}

/** Session ids named in a commit's Chainloop-Trace-Sessions trailers. */
export async function trailerSessions(repo: string, sha: string): Promise<string[]> {
  const out = await git(repo, ['log', '-1', `--format=%(trailers:key=${TRAILER_KEY},valueonly,separator=%x2C)`, sha], { allowFailure: true });
  return parseTrailerValue(out);
}


export type { FileDiff };
