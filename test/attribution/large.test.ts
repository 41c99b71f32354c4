/** Attribution benchmark scenarios (large) as tests: exact `trace show --json` of every checked commit. */
import { describe, it } from 'vitest';
import { scenarios } from '../../bench/attribution/scenarios/large.js';
import { assertScenario } from './assert.js';

describe('attribution: large', () => {
  for (const s of scenarios) it(`${s.id}: ${s.covers}`, () => assertScenario(s), 120_000);
});
