/**
 * Runs a benchmark scenario as a test: every checked commit's `trace show --json` must match the truth
 * exactly — files[] line_ranges / human_line_ranges / session_ids, per-line sessions (from
 * `trace blame --rev`), the commit's sessions and its Chainloop-Trace-Sessions trailer.
 */
import { expect } from 'vitest';
import { Lab, type ExpectedFile, type Scenario } from '../../bench/attribution/harness.js';

const view = (files: ExpectedFile[]) =>
  files.map((f) => ({ path: f.path, status: f.status, line_ranges: f.line_ranges, human_line_ranges: f.human_line_ranges, by_session: f.by_session, session_ids: f.session_ids }));

export async function assertScenario(s: Scenario): Promise<void> {
  const lab = Lab.create(s.base);
  try {
    await s.run(lab);
    const expected = lab.expected();
    expect(expected.length).toBeGreaterThan(0);
    for (const e of expected) {
      const a = await lab.actual(e);
      expect.soft({ commit: e.label, sessions: a.sessions, trailer: a.trailerLines.map((l) => [...l].sort()), files: view(a.files) }).toEqual({
        commit: e.label,
        sessions: e.sessions,
        trailer: e.trailer.length ? [e.trailer] : [],
        files: view(e.files),
      });
    }
  } finally {
    lab.cleanup();
  }
}
