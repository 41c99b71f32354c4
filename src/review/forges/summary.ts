import type { Verdict } from '../verdict.js';

/** What the forges post: the summary Markdown (which starts with the sticky marker), the verdict and its headline facts. */
export interface ForgeSummary {
  markdown: string;
  verdict: Verdict;
  /** True when a commit of the PR matches a session (or names one whose record is missing). */
  hasSessions: boolean;
  score?: number;
  flag?: string;
  reasons: string[];
}

/** What a forge run did, for the job log and tests. */
export interface ForgeOutcome {
  /** `created` / `updated` the sticky comment, `none` when nothing was (or needed to be) posted. */
  comment: 'created' | 'updated' | 'none';
  commentId?: number;
  /** The check run (GitHub) or commit status (GitLab) was created. */
  check: boolean;
  /** Why the forge was left alone or only partly updated (closed PR, read-only token, …). */
  notes: string[];
}

/** The one-line title of the check: verdict, score and flag. */
export function checkTitle(s: ForgeSummary): string {
  if (!s.hasSessions) return 'ai-trace: no AI session in this pull request';
  return `ai-trace: ${s.verdict}${s.score !== undefined ? ` — score ${s.score}/100${s.flag ? ` (${s.flag})` : ''}` : ''}`;
}

/** The body of an existing sticky comment once no commit of the PR matches a session any more. */
export function noSessionsBody(marker: string): string {
  return `${marker}\n### ai-trace\n\nNo commit of this pull request is linked to an AI session any more.\n`;
}

/** Cuts a body to a forge's size limit, saying so at the end. */
export function fitBody(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '\n\n… (cut to fit; run `trace pr` for the whole summary)\n';
  return text.slice(0, max - note.length) + note;
}
