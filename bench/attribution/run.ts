/**
 * `npm run bench:attribution`: runs every scenario of the corpus and prints, per scenario and in total,
 * line-level precision and recall of `ai` labels, the share of committed added lines labelled right
 * (AI vs human, and for AI lines the right session), and PASS/FAIL against the 100% target.
 *
 * Options: --filter <text> (scenario ids containing it), --json <file> (results), --verbose (every problem).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { addTally, emptyTally, figures, passed, runScenario, type ScenarioResult } from './harness.js';
import { allScenarios } from './index.js';

const pct = (x: number | null) => (x === null ? '—' : `${(Math.floor(x * 1000) / 10).toFixed(1)}%`);

async function mainBench(): Promise<number> {
  const { values } = parseArgs({ options: { filter: { type: 'string' }, json: { type: 'string' }, verbose: { type: 'boolean' } } });
  const list = allScenarios.filter((s) => !values.filter || s.id.includes(values.filter) || s.group.includes(values.filter));
  const results: ScenarioResult[] = [];
  const t0 = Date.now();
  for (const s of list) {
    const r = await runScenario(s);
    results.push(r);
    const f = figures(r.tally);
    const verdict = r.error ? 'ERROR' : s.deterministic === false ? (passed(r) ? 'ok' : 'miss') : passed(r) ? 'PASS' : 'FAIL';
    process.stderr.write(`  ${verdict.padEnd(5)} ${s.id} (${(r.ms / 1000).toFixed(1)} s) ${pct(f.right)}\n`);
  }
  const rows: string[][] = [];
  const head = ['scenario', 'group', 'commits', 'lines', 'AI lines', 'precision', 'recall', 'right', 'exact', 'trailers', 'result'];
  const total = emptyTally();
  const det = emptyTally();
  let fails = 0;
  let nChecks = 0;
  let nExact = 0;
  let nTrailers = 0;
  for (const r of results) {
    addTally(total, r.tally);
    if (r.scenario.deterministic !== false) addTally(det, r.tally);
    const f = figures(r.tally);
    const ok = passed(r);
    const target = r.scenario.deterministic !== false;
    if (target && !ok) fails++;
    const n = r.checks.length;
    const exact = r.checks.filter((c) => c.problems.length === 0).length;
    const trailers = r.checks.filter((c) => c.trailerOk).length;
    nChecks += n;
    nExact += exact;
    nTrailers += trailers;
    rows.push([r.scenario.id, r.scenario.group, String(n), String(r.tally.lines), String(r.tally.tp + r.tally.fn), pct(f.precision), pct(f.recall), pct(f.right), `${exact}/${n}`, `${trailers}/${n}`, r.error ? 'ERROR' : target ? (ok ? 'PASS' : 'FAIL') : `${ok ? 'ok' : 'miss'} (timing)`]);
  }
  const ft = figures(total);
  rows.push(['TOTAL', '', String(nChecks), String(total.lines), String(total.tp + total.fn), pct(ft.precision), pct(ft.recall), pct(ft.right), `${nExact}/${nChecks}`, `${nTrailers}/${nChecks}`, fails ? `${fails} FAIL` : 'PASS']);
  const num = (i: number) => i >= 2 && i <= 9;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (num(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ') + ' |';
  const out: string[] = [];
  out.push(line(head), '|' + widths.map((w, i) => (num(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const r of rows) out.push(line(r));
  process.stdout.write(`\nAttribution accuracy (${list.length} scenarios, ${((Date.now() - t0) / 1000).toFixed(0)} s)\n\n${out.join('\n')}\n`);
  const wrong = results.filter((r) => !passed(r));
  if (wrong.length) {
    process.stdout.write('\nProblems:\n');
    for (const r of wrong) {
      if (r.error) process.stdout.write(`  ${r.scenario.id}: ${values.verbose ? r.error : r.error.split('\n')[0]}\n`);
      const probs = r.checks.flatMap((c) => c.problems);
      for (const p of values.verbose ? probs : probs.slice(0, 6)) process.stdout.write(`  ${r.scenario.id}: ${p}\n`);
      if (!values.verbose && probs.length > 6) process.stdout.write(`  ${r.scenario.id}: … ${probs.length - 6} more (--verbose)\n`);
    }
  }
  if (values.json) {
    fs.writeFileSync(values.json, JSON.stringify(results.map((r) => ({ id: r.scenario.id, group: r.scenario.group, ms: r.ms, error: r.error, tally: r.tally, figures: figures(r.tally), passed: passed(r), problems: r.checks.flatMap((c) => c.problems) })), null, 2));
  }
  return fails ? 1 : 0;
}

process.exitCode = await mainBench();
