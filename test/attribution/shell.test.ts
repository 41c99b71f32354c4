/** Attribution benchmark scenarios (shell) as tests: exact `trace show --json` of every checked commit. */
import { describe, it } from 'vitest';
import { scenarios } from '../../bench/attribution/scenarios/shell.js';
import { assertScenario } from './assert.js';

describe('attribution: shell', () => {
  for (const s of scenarios) it(`${s.id}: ${s.covers}`, () => assertScenario(s), 120_000);
});
