import type { Dashboard } from './cards.js';

/** Widest line the terminal view prints. */
export const TERMINAL_WIDTH = 100;
const BAR = 20;

/** A bar of `width` cells for a 0–1 share: full blocks, then light shade. */
export function bar(share: number, width = BAR): string {
  const n = Math.max(0, Math.min(width, Math.round(share * width)));
  return '█'.repeat(n) + '░'.repeat(width - n);
}

const int = (n: number): string => n.toLocaleString('en-US');
const pct = (s: number): string => `${(s * 100).toFixed(1)}%`;
const signed = (n: number, fmt: (x: number) => string = int): string => (n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '±0');
const pts = (d: number): string => `${signed(d * 100, (x) => x.toFixed(1))} pts`;
const money = (n: number): string => `$${n.toFixed(n >= 100 ? 0 : 2)}`;

function fit(s: string, w: number): string {
  return s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`;
}

/** The six cards as a compact, aligned text view that fits TERMINAL_WIDTH columns. */
export function renderTerminal(d: Dashboard): string {
  const lines: string[] = [];
  const range = `${d.period.from.slice(0, 16).replace('T', ' ')} → ${d.period.to.slice(0, 16).replace('T', ' ')} UTC`;
  lines.push(`ai-trace dashboard · last ${d.period.name} (${range}) · deltas vs the ${d.period.name} before`);
  lines.push('');
  const card = (label: string, value: string, detail: string, delta: string) =>
    `${fit(label, 18)}${value.padStart(9)}  ${fit(detail, 50)}${delta.padStart(14)}`.trimEnd();
  const prs = d.ai_assisted_prs;
  const code = d.ai_authored_code;
  lines.push(card('Total sessions', int(d.total_sessions.value), `previous ${int(d.total_sessions.previous)}`, signed(d.total_sessions.delta)));
  lines.push(card('Active users', int(d.active_users.value), `previous ${int(d.active_users.previous)}`, signed(d.active_users.delta)));
  lines.push(card('AI-assisted PRs', int(prs.value), `${bar(prs.share)} ${pct(prs.share)} of ${int(prs.total)}, ${int(prs.merged)} merged`, signed(prs.delta)));
  lines.push(
    card('AI-authored code', pct(code.share), `${bar(code.share)} ${int(code.ai_lines)} AI / ${int(code.human_lines)} human`, pts(code.delta)),
  );
  lines.push('');
  lines.push(`${fit('Top users', 44)}${'sessions'.padStart(9)}`);
  if (d.top_users.length === 0) lines.push('  (no traced sessions in this period)');
  const most = Math.max(1, ...d.top_users.map((u) => u.sessions));
  for (const u of d.top_users) lines.push(`  ${fit(u.user, 42)}${int(u.sessions).padStart(9)}  ${bar(u.sessions / most)}`);
  lines.push('');
  lines.push(`${fit('Models', 44)}${'sessions'.padStart(9)}  ${'share'.padEnd(BAR + 7)}${'est. cost'.padStart(11)}`);
  if (d.model_breakdown.length === 0) lines.push('  (none)');
  for (const m of d.model_breakdown) {
    lines.push(`  ${fit(m.model, 42)}${int(m.sessions).padStart(9)}  ${bar(m.share)} ${pct(m.share).padStart(6)}${money(m.estimated_cost_usd).padStart(11)}`);
  }
  return `${lines.map((l) => (l.length > TERMINAL_WIDTH ? l.slice(0, TERMINAL_WIDTH) : l)).join('\n')}\n`;
}
