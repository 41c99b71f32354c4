import type { FileLinker } from './links.js';
import type { PrReport } from './report.js';
import type { SessionRow } from './row.js';
import { scoreMarkdown } from './score/index.js';
import { SKIP_LABEL } from './verdict.js';

/** The hidden marker a sticky PR comment is found again by. */
export const COMMENT_MARKER = '<!-- ai-trace -->';

const HEADLINE: Record<PrReport['verdict'], string> = {
  success: '✅ success',
  failure: '❌ failure',
  neutral: '⚪ neutral',
};

const short = (id: string) => (id.length > 12 ? id.slice(0, 8) : id);
const int = (n: number) => n.toLocaleString('en-US');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `$0.0123` below a dollar, `$12.34` above. */
export function usd(n: number): string {
  return n < 1 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** `45s`, `12m 5s`, `2h 3m`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/**
 * The PR summary as Markdown (GitHub- and GitLab-flavoured; tables, `<details>`, plain text inside
 * so it also reads as text): headline and reasons, missing-sessions warning, one row per session and
 * a totals row, then per session its files, violations and score breakdown.
 */
export function renderMarkdown(report: PrReport, link: FileLinker): string {
  const out: string[] = [COMMENT_MARKER, `### ai-trace: ${HEADLINE[report.verdict]}`, ''];
  const r = report.range;
  out.push(
    `${report.sessions.length} AI session${report.sessions.length === 1 ? '' : 's'} behind ${r.commits} commit${r.commits === 1 ? '' : 's'} ` +
      `(\`${r.base.slice(0, 7)}..${r.head.slice(0, 7)}\`): ${r.ai_commits} AI-assisted, ${r.human_commits.length} human-only.` +
      (report.sessions.length ? ` Score **${report.score}/100** (${report.flag}).` : ''),
    '',
  );
  if (report.reasons.length) {
    out.push('**Reasons**', '', ...report.reasons.map((x) => `- ${x}`), '');
  }
  if (report.missing_sessions.length) {
    const waived = report.labels.includes(SKIP_LABEL) ? ` (waived by the \`${SKIP_LABEL}\` label)` : '';
    out.push(
      `> **⚠ Missing sessions${waived}:** ${report.missing_sessions.map((s) => `\`${s}\``).join(', ')} — named by a commit's \`Chainloop-Trace-Sessions\` trailer, but no verified attestation holds them.`,
      '',
    );
  }
  if (report.sessions.length === 0) {
    out.push('No commit of this range is linked to an AI session.', '');
    return out.join('\n');
  }
  out.push(
    '| Session | Agent | Model | Score | AI % | Files | Lines +/− | Tokens in/out | Cost | Duration |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of report.sessions) {
    out.push(
      `| \`${short(s.id)}\` | ${cell(s.agent)}${s.agent_version ? ` ${cell(s.agent_version)}` : ''} | ${cell(s.model ?? '?')} | ${s.score ?? '–'} | ${s.attribution_pct.toFixed(1)}% | ${s.files} | +${int(s.lines_added)} / −${int(s.lines_removed)} | ${int(s.input_tokens)} / ${int(s.output_tokens)} | ${usd(s.estimated_cost_usd)} | ${duration(s.duration_seconds)} |`,
    );
  }
  const t = report.totals;
  out.push(
    `| **Total** | | | | **${t.attribution_pct.toFixed(1)}%** | **${t.files}** | **+${int(t.lines_added)} / −${int(t.lines_removed)}** | **${int(t.input_tokens)} / ${int(t.output_tokens)}** | **${usd(t.estimated_cost_usd)}** | **${duration(t.duration_seconds)}** |`,
    '',
  );
  for (const s of report.sessions) out.push(...sessionDetails(s, link), '');
  if (report.violations.length) {
    out.push('**Range policies**', '', ...report.violations.map((v) => `- \`${v.policy}\`: ${v.message}`), '');
  }
  return out.join('\n');
}

function sessionDetails(s: SessionRow, link: FileLinker): string[] {
  const v = s.violations.length;
  const out = [
    '<details>',
    `<summary>Session <code>${s.id}</code> — ${s.agent}, ${s.files} file${s.files === 1 ? '' : 's'}, ${v ? `❌ ${v} violation${v === 1 ? '' : 's'}` : 'no violations'}</summary>`,
    '',
  ];
  if (s.files_detail.length) {
    out.push('| Status | Label | File | + | − |', '| --- | --- | --- | ---: | ---: |');
    for (const f of s.files_detail) {
      const url = link(f.path);
      const name = url ? `[${cell(f.path)}](${url})` : `\`${cell(f.path)}\``;
      out.push(`| ${f.status} | ${f.label} | ${name} | ${f.lines_added} | ${f.lines_removed} |`);
    }
    out.push('');
  }
  out.push('**Policy violations**', '');
  out.push(...(v ? s.violations.map((x) => `- \`${x.policy}\`: ${cell(x.message)}`) : ['- none']), '');
  out.push(...scoreSection(s), '</details>');
  return out;
}

/** The score breakdown of one session (docs/score.md). */
function scoreSection(s: SessionRow): string[] {
  if (s.score === null || !s.criteria || !s.flag) return ['**Score:** not computed'];
  return scoreMarkdown({ score: s.score, flag: s.flag, criteria: s.criteria, items: s.items ?? [] }).trimEnd().split('\n');
}
