
const TITLES: Record<string, string> = {
  verification: 'verification',
  human_involvement: 'human involvement',
  scope: 'scope',
  churn_and_failures: 'churn and failures',
  policies: 'policy results',
};
const DOT: Record<string, string> = { green: '🟢', yellow: '🟡', red: '🔴' };

/** A session's score breakdown as Markdown, for the session's `<details>` block of the PR summary. */
export function scoreMarkdown(s: { score: number; flag: string; criteria: { name: string; score: number; flags: string[] }[]; items: string[] }): string {
  const lines = [`**Score ${s.score}/100** ${DOT[s.flag]} ${s.flag}`, '', '| criterion | score | flags |', '| --- | ---: | --- |'];
  for (const c of s.criteria) lines.push(`| ${TITLES[c.name] ?? c.name} | ${c.score} | ${c.flags.map((f) => `\`${f}\``).join(' ') || '–'} |`);
  if (s.items.length) {
    lines.push('', 'To look at:');
    for (const i of s.items) lines.push(`- ${i}`);
  }
  return lines.join('\n') + '\n';
}
