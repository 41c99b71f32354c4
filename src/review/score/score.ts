import type { SessionSignals } from '../../attest/session-signals.js';
import { FLAGS, LIMITS, RED_FLAGS, THRESHOLDS, WEIGHTS, type CriterionName, type FlagName } from './criteria.js';

/** One file of a session's `code_changes` as the CHAINLOOP_AI_CODING_SESSION material holds it. */
export interface ScoreFile {
  path: string;
  lines_added: number;
  lines_removed: number;
  /** AI line ranges of the new version; their length is the file's AI lines when `ai_lines_added` is absent. */
  line_ranges?: { start: number; end: number }[];
  ai_lines_added?: number;
  human_lines_added?: number;
}

/** What the score of one session is computed from: the session material, its signals material, policy results. */
export interface ScoreInput {
  code_changes?: { ai_lines_added?: number; files: ScoreFile[] };
  /** The session's signals material; absent for attestations written before signals existed. */
  signals?: SessionSignals;
  violations: { policy: string; message: string }[];
  /** Commits of the range that no session contributed to (human-only commits). */
  humanCommits?: number;
}

/** One criterion's outcome. */
export interface CriterionScore {
  name: CriterionName;
  score: number;
  flags: FlagName[];
}

/** green, yellow or red. */
export type ScoreFlag = 'green' | 'yellow' | 'red';

/** A session's score: 0–100, its flag, each criterion with its sub-flags, and the things to look at. */
export interface SessionScore {
  score: number;
  flag: ScoreFlag;
  criteria: CriterionScore[];
  items: string[];
}

/** An item and how much it matters, so the list is ordered the same way every time. */
interface Item {
  weight: number;
  text: string;
}

const CATEGORY_TEXT: Record<string, string> = {
  'ci-config': 'CI configuration',
  dependencies: 'dependency manifest or lockfile',
  'auth-crypto': 'auth or crypto code',
  migrations: 'database migration',
  'hooks-config': "the hooks' own configuration",
};

const DANGEROUS_TEXT: Record<string, string> = {
  'recursive-delete-outside-worktree': 'recursive delete outside the work tree',
  'download-piped-to-shell': 'download piped into a shell',
  'force-push': 'force push',
  'disable-hooks-or-signing': 'hooks or signing disabled',
  'chmod-recursive-777': 'chmod -R 777',
  'read-credentials': 'credential file read',
  'disk-overwrite': 'disk overwrite',
  'discard-work': 'uncommitted work discarded',
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function aiLines(f: ScoreFile): number {
  if (typeof f.ai_lines_added === 'number') return f.ai_lines_added;
  return (f.line_ranges ?? []).reduce((n, r) => n + Math.max(0, r.end - r.start + 1), 0);
}

function humanLines(f: ScoreFile): number {
  return typeof f.human_lines_added === 'number' ? f.human_lines_added : Math.max(0, f.lines_added - aiLines(f));
}

/** Applies a criterion's flags: the lowest `set` (100 when none), then every `minus`; kept in 0–100. */
function criterion(name: CriterionName, flags: FlagName[]): CriterionScore {
  let score = 100;
  for (const f of flags) {
    const e = FLAGS[f];
    if ('set' in e) score = Math.min(score, e.set);
  }
  for (const f of flags) {
    const e = FLAGS[f];
    if ('minus' in e) score -= e.minus;
  }
  return { name, score: Math.max(0, Math.min(100, score)), flags };
}

/** The score of one session. Deterministic: the same input gives the same output, items in the same order. */
export function scoreSession(input: ScoreInput): SessionScore {
  const files = [...(input.code_changes?.files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
  const sig = input.signals;
  const aiFiles = files.filter((f) => aiLines(f) > 0);
  const totalAi = input.code_changes?.ai_lines_added ?? aiFiles.reduce((n, f) => n + aiLines(f), 0);
  const items: Item[] = [];

  // verification
  const ver: FlagName[] = [];
  const runsAfter = sig?.test_runs.filter((r) => r.after_last_edit) ?? [];
  const testsAfter = runsAfter.filter((r) => r.kind === 'test');
  const lastAfter = testsAfter[testsAfter.length - 1] ?? runsAfter[runsAfter.length - 1];
  let verifiedAfter = false;
  if (totalAi === 0) ver.push('no-ai-changes');
  else if (!sig) ver.push('signals-missing');
  else if (sig.test_runs.length === 0) ver.push('no-test-run');
  else if (runsAfter.length === 0) ver.push('no-test-after-last-edit');
  else if (lastAfter && lastAfter.outcome !== 'passed') {
    ver.push(lastAfter.outcome === 'failed' ? 'failed-after-last-edit' : 'no-test-after-last-edit');
    if (lastAfter.outcome === 'failed') items.push({ weight: 90, text: `${lastAfter.kind === 'test' ? 'tests' : 'build'} (${lastAfter.runner}, tool call ${lastAfter.tool_call}) failed after the agent's last edit` });
  } else if (testsAfter.length === 0) {
    ver.push('build-only-after-last-edit');
    verifiedAfter = true;
  } else {
    ver.push('tests-passed-after-last-edit');
    verifiedAfter = true;
  }

  // human involvement
  const hum: FlagName[] = [];
  const added = aiFiles.reduce((n, f) => n + f.lines_added, 0);
  const human = aiFiles.reduce((n, f) => n + humanLines(f), 0);
  const share = added > 0 ? human / added : 0;
  if (totalAi === 0 || share >= LIMITS.humanEditedShare) hum.push('human-edited');
  else if (share > 0) hum.push('light-human-edit');
  else if ((input.humanCommits ?? 0) > 0) hum.push('human-commits-in-range');
  else hum.push('no-human-edit');

  // per-file items: AI lines with no human edit and no verification after the last edit
  for (const f of aiFiles) {
    const noHuman = humanLines(f) === 0;
    if (noHuman && !verifiedAfter && totalAi > 0) {
      const why = !sig ? 'no test record' : sig.test_runs.length === 0 ? 'no test run' : ver.includes('failed-after-last-edit') ? 'tests failed after the last edit' : 'no test run after the last edit';
      items.push({ weight: 50 + Math.min(aiLines(f), 1000) / 100, text: `\`${f.path}\`: ${plural(aiLines(f), 'AI line')}, no human edit, ${why}` });
    }
  }

  // scope
  const scope: FlagName[] = [];
  if (files.length > LIMITS.veryWideFiles) scope.push('very-wide-change');
  else if (files.length > LIMITS.wideFiles) scope.push('wide-change');
  const folders = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '.')));
  if (folders.size > LIMITS.manyFolders) scope.push('many-folders');
  if (scope.length) items.push({ weight: 40, text: `${plural(files.length, 'file')} in ${plural(folders.size, 'top-level folder')} changed` });
  const byCategory = new Map<string, string[]>();
  for (const p of sig?.sensitive_paths ?? []) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p.path]);
  for (const [category, paths] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    scope.push(`sensitive:${category}` as FlagName);
    for (const p of paths.sort()) {
      const f = files.find((x) => x.path === p);
      items.push({ weight: 70, text: `\`${p}\`: ${CATEGORY_TEXT[category] ?? category} changed by the agent${f ? ` (${plural(aiLines(f), 'AI line')})` : ''}` });
    }
  }

  // churn and failures
  const churn: FlagName[] = [];
  if (sig) {
    const written = sig.churn.ai_lines_written;
    const removed = sig.churn.ai_lines_removed_before_commit;
    const ratio = written > 0 ? removed / written : 0;
    if (ratio >= LIMITS.highChurnShare) churn.push('high-churn');
    else if (ratio >= LIMITS.churnShare) churn.push('churn');
    if (churn.length) {
      for (const f of sig.churn.files.filter((x) => x.ai_lines_removed_before_commit > 0).sort((a, b) => b.ai_lines_removed_before_commit - a.ai_lines_removed_before_commit || a.path.localeCompare(b.path)).slice(0, 5)) {
        items.push({ weight: 30, text: `\`${f.path}\`: ${f.ai_lines_removed_before_commit} of ${plural(f.ai_lines_written, 'AI line')} written were removed again before commit` });
      }
    }
    const failed = sig.tool_calls.failed;
    if (failed >= LIMITS.manyFailedToolCalls) churn.push('many-failed-tool-calls');
    else if (failed > 0) churn.push('failed-tool-calls');
    if (failed > 0) {
      const byTool = new Map<string, number>();
      for (const f of sig.failed_tool_calls) byTool.set(f.tool, (byTool.get(f.tool) ?? 0) + 1);
      const tools = [...byTool].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t, n]) => (n > 1 ? `${t} ×${n}` : t));
      items.push({ weight: 20, text: `${plural(failed, 'failed tool call')}${tools.length ? ` (${tools.join(', ')})` : ''}` });
    }
    if (sig.interrupts > 0) {
      churn.push('interrupted');
      items.push({ weight: 20, text: `the user interrupted the agent ${sig.interrupts === 1 ? 'once' : `${sig.interrupts} times`}` });
    }
  }

  // policy results
  const pol: FlagName[] = [];
  if (input.violations.length) {
    pol.push('policy-violation');
    for (const v of [...input.violations].sort((a, b) => a.policy.localeCompare(b.policy) || a.message.localeCompare(b.message))) {
      items.push({ weight: 100, text: `policy \`${v.policy}\`: ${v.message}` });
    }
  }
  if (sig?.secrets.length) {
    pol.push('secret-in-session');
    for (const s of sig.secrets) {
      const where = s.where === 'prompt' ? `prompt ${(s.prompt_index ?? 0) + 1}` : `the ${s.where === 'tool_input' ? 'input' : 'output'} of ${s.tool ?? 'a tool'} (tool call ${s.tool_call ?? '?'})`;
      items.push({ weight: 95, text: `secret found (${s.rule.replace(/^@secretlint\/secretlint-rule-/, '')}${s.count > 1 ? ` ×${s.count}` : ''}) in ${where}${s.file ? `, \`${s.file}\`` : ''}` });
    }
  }
  if (sig?.dangerous_commands.length) {
    pol.push('dangerous-command');
    for (const d of sig.dangerous_commands) items.push({ weight: 80, text: `tool call ${d.tool_call} (${d.tool}): ${DANGEROUS_TEXT[d.rule] ?? d.rule}` });
  }

  const criteria = [
    criterion('verification', ver),
    criterion('human_involvement', hum),
    criterion('scope', scope),
    criterion('churn_and_failures', churn),
    criterion('policies', pol),
  ];
  const score = Math.round(criteria.reduce((n, c) => n + (c.score * WEIGHTS[c.name]) / 100, 0));
  const red = criteria.some((c) => c.flags.some((f) => RED_FLAGS.includes(f)));
  return {
    score,
    flag: red ? 'red' : flagOf(score),
    criteria,
    items: items.sort((a, b) => b.weight - a.weight).map((i) => i.text),
  };
}

/** The flag of a score by the documented thresholds. */
export function flagOf(score: number): ScoreFlag {
  return score >= THRESHOLDS.green ? 'green' : score < THRESHOLDS.red ? 'red' : 'yellow';
}

/**
 * The PR's score: the sessions' scores weighted by their AI lines (at least 1 each), rounded; its flag
 * is the worst session flag, or the flag of that score if worse. No session: 100, green.
 */
export function scorePullRequest(sessions: { score: number; flag: ScoreFlag; aiLines: number }[]): { score: number; flag: ScoreFlag } {
  if (sessions.length === 0) return { score: 100, flag: 'green' };
  let total = 0;
  let weight = 0;
  for (const s of sessions) {
    const w = Math.max(1, s.aiLines);
    total += s.score * w;
    weight += w;
  }
  const score = Math.round(total / weight);
  const order: ScoreFlag[] = ['green', 'yellow', 'red'];
  const worst = sessions.reduce((f, s) => (order.indexOf(s.flag) > order.indexOf(f) ? s.flag : f), flagOf(score));
  return { score, flag: worst };
}
