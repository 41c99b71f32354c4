import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TraceError } from '../errors.js';
import type { Dashboard, DailySeries } from './cards.js';

/** What the page shows: the cards and the per-day figures of the same period. */
export interface HtmlInput {
  dashboard: Dashboard;
  series: DailySeries;
  /** A line under the title (which repositories or which server). */
  source: string;
}

let chartJs: string | undefined;

/** Chart.js's UMD build from node_modules, read once and inlined into every page. */
function chartLibrary(): string {
  if (chartJs !== undefined) return chartJs;
  try {
    const main = createRequire(import.meta.url).resolve('chart.js');
    chartJs = fs.readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
  } catch (err) {
    throw new TraceError('INTERNAL', `cannot read Chart.js from node_modules (${(err as Error).message}); run npm ci`, { cause: err });
  }
  return chartJs;
}

/** Makes text safe inside a <script> element. */
const scriptSafe = (s: string): string => s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

/** One self-contained HTML page: data, Chart.js and the drawing code inlined; nothing fetched to open it. */
export function renderHtml(input: HtmlInput): string {
  const data = JSON.stringify(input).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>ai-trace dashboard · ${input.dashboard.period.name}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>ai-trace dashboard</h1><p id="sub"></p></header>
<main>
<section class="cards" id="cards"></section>
<section class="charts">
  <figure><figcaption>Sessions per day</figcaption><div class="box"><canvas id="sessionsChart" aria-label="Sessions per day"></canvas></div></figure>
  <figure><figcaption>AI share of added lines per day</figcaption><div class="box"><canvas id="shareChart" aria-label="AI share per day"></canvas></div></figure>
  <figure><figcaption>Model breakdown (sessions)</figcaption><div class="box"><canvas id="modelsChart" aria-label="Model breakdown"></canvas></div></figure>
</section>
<section class="tables">
  <div><h2>Top users</h2><table id="users"><thead><tr><th>user</th><th class="n">sessions</th></tr></thead><tbody></tbody></table></div>
  <div><h2>Models</h2><table id="models"><thead><tr><th>model</th><th class="n">sessions</th><th class="n">share</th><th class="n">est. cost</th></tr></thead><tbody></tbody></table></div>
</section>
</main>
<script>${scriptSafe(chartLibrary())}</script>
<script id="data" type="application/json">${data}</script>
<script>${scriptSafe(PAGE_JS)}</script>
</body>
</html>
`;
}

const CSS = `
:root { --bg:#f7f7f9; --card:#ffffff; --fg:#1d1f24; --muted:#5f6672; --line:#dde0e6; --accent:#2563eb; --ai:#7c3aed; --human:#0d9488; --up:#15803d; --down:#b91c1c;
  --palette:#2563eb,#7c3aed,#0d9488,#d97706,#db2777,#4b5563,#65a30d,#0891b2; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#0f1115; --card:#171a21; --fg:#e6e8ec; --muted:#9aa3b2; --line:#2a2f3a; --accent:#60a5fa; --ai:#a78bfa; --human:#2dd4bf; --up:#4ade80; --down:#f87171;
    --palette:#60a5fa,#a78bfa,#2dd4bf,#fbbf24,#f472b6,#9ca3af,#a3e635,#22d3ee; }
}
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; }
header { padding:20px 28px 4px; } h1 { margin:0; font-size:20px; } #sub { margin:4px 0 0; color:var(--muted); }
main { padding:12px 28px 28px; display:grid; gap:16px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(180px,1fr)); gap:12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; min-height:104px; }
.card h3 { margin:0; font-size:12px; font-weight:600; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
.card .v { font-size:28px; font-weight:650; margin:4px 0 2px; }
.card .d { font-size:12px; color:var(--muted); } .up { color:var(--up); } .down { color:var(--down); }
.card ol { margin:6px 0 0; padding-left:18px; font-size:13px; } .card li span { color:var(--muted); }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(300px,1fr)); gap:12px; }
figure { margin:0; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
figcaption { font-weight:600; margin-bottom:6px; } .box { position:relative; height:220px; }
.tables { display:grid; grid-template-columns:repeat(auto-fit,minmax(300px,1fr)); gap:12px; }
.tables > div { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 14px; }
h2 { font-size:15px; margin:0 0 6px; } table { width:100%; border-collapse:collapse; }
th, td { text-align:left; padding:4px 6px; border-bottom:1px solid var(--line); } th { color:var(--muted); font-weight:600; font-size:12px; }
.n { text-align:right; font-variant-numeric:tabular-nums; } td { overflow-wrap:anywhere; }
`;

const PAGE_JS = `
(function () {
  var input = JSON.parse(document.getElementById('data').textContent);
  var d = input.dashboard, s = input.series;
  var css = getComputedStyle(document.documentElement);
  var v = function (n) { return css.getPropertyValue(n).trim(); };
  var palette = v('--palette').split(',').map(function (x) { return x.trim(); });
  var pct = function (x) { return (x * 100).toFixed(1) + '%'; };
  var int = function (x) { return Number(x).toLocaleString('en-US'); };
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function delta(x, fmt) { var e = el('span', x > 0 ? 'up' : x < 0 ? 'down' : '', (x > 0 ? '+' : x < 0 ? '\\u2212' : '\\u00b1') + fmt(Math.abs(x))); return e; }
  function card(title, value, detail, dx) {
    var c = el('div', 'card'); c.appendChild(el('h3', '', title)); c.appendChild(el('div', 'v', value));
    var line = el('div', 'd', detail ? detail + ' \\u00b7 ' : ''); if (dx) { line.appendChild(dx); line.appendChild(document.createTextNode(' vs previous')); }
    c.appendChild(line); return c;
  }
  document.getElementById('sub').textContent = 'Last ' + d.period.name + ': ' + d.period.from.slice(0, 16).replace('T', ' ') + ' \\u2192 ' +
    d.period.to.slice(0, 16).replace('T', ' ') + ' UTC \\u00b7 ' + input.source;
  var cards = document.getElementById('cards');
  cards.appendChild(card('Total sessions', int(d.total_sessions.value), 'previous ' + int(d.total_sessions.previous), delta(d.total_sessions.delta, int)));
  cards.appendChild(card('Active users', int(d.active_users.value), 'previous ' + int(d.active_users.previous), delta(d.active_users.delta, int)));
  var p = d.ai_assisted_prs;
  cards.appendChild(card('AI-assisted PRs', int(p.value), pct(p.share) + ' of ' + int(p.total) + ', ' + int(p.merged) + ' merged', delta(p.delta, int)));
  var c = d.ai_authored_code;
  cards.appendChild(card('AI-authored code', pct(c.share), int(c.ai_lines) + ' AI / ' + int(c.human_lines) + ' human lines',
    delta(c.delta * 100, function (x) { return x.toFixed(1) + ' pts'; })));
  function listCard(title, rows) {
    var k = el('div', 'card'); k.appendChild(el('h3', '', title)); var ol = el('ol');
    rows.slice(0, 4).forEach(function (r) { var li = el('li', '', r[0] + ' '); li.appendChild(el('span', '', r[1])); ol.appendChild(li); });
    if (!rows.length) k.appendChild(el('div', 'd', 'no sessions in this period')); k.appendChild(ol); return k;
  }
  cards.appendChild(listCard('Top users', d.top_users.map(function (u) { return [u.user, int(u.sessions)]; })));
  cards.appendChild(listCard('Model breakdown', d.model_breakdown.map(function (m) { return [m.model, pct(m.share) + ' \\u00b7 $' + m.estimated_cost_usd.toFixed(2)]; })));
  var ub = document.querySelector('#users tbody');
  d.top_users.forEach(function (u) { var tr = el('tr'); tr.appendChild(el('td', '', u.user)); tr.appendChild(el('td', 'n', int(u.sessions))); ub.appendChild(tr); });
  var mb = document.querySelector('#models tbody');
  d.model_breakdown.forEach(function (m) { var tr = el('tr'); tr.appendChild(el('td', '', m.model)); tr.appendChild(el('td', 'n', int(m.sessions)));
    tr.appendChild(el('td', 'n', pct(m.share))); tr.appendChild(el('td', 'n', '$' + m.estimated_cost_usd.toFixed(2))); mb.appendChild(tr); });

  Chart.defaults.color = v('--muted'); Chart.defaults.borderColor = v('--line'); Chart.defaults.font.family = 'system-ui, sans-serif';
  Chart.defaults.animation = false; Chart.defaults.maintainAspectRatio = false;
  var labels = s.days.map(function (x) { return x.slice(5); });
  new Chart(document.getElementById('sessionsChart'), { type: 'bar',
    data: { labels: labels, datasets: [{ label: 'sessions', data: s.sessions, backgroundColor: v('--accent'), borderRadius: 3 }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  var shares = s.days.map(function (_, i) { var t = s.ai_lines[i] + s.human_lines[i]; return t ? Math.round(1000 * s.ai_lines[i] / t) / 10 : null; });
  new Chart(document.getElementById('shareChart'), { type: 'line',
    data: { labels: labels, datasets: [{ label: 'AI share %', data: shares, borderColor: v('--ai'), backgroundColor: v('--ai'), spanGaps: true, tension: 0.25, pointRadius: 3 }] },
    options: { plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100, ticks: { callback: function (x) { return x + '%'; } } } } } });
  var models = d.model_breakdown.length ? d.model_breakdown : [{ model: 'no sessions', sessions: 1 }];
  new Chart(document.getElementById('modelsChart'), { type: 'doughnut',
    data: { labels: models.map(function (m) { return m.model; }), datasets: [{ data: models.map(function (m) { return m.sessions; }),
      backgroundColor: models.map(function (_, i) { return d.model_breakdown.length ? palette[i % palette.length] : v('--line'); }), borderColor: v('--card') }] },
    options: { plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } } });
  document.body.setAttribute('data-rendered', 'true');
})();
`;
