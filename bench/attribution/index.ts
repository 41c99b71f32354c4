/** The benchmark's corpus: every scenario group, in report order (one module and one test file per group). */
import type { Scenario } from './harness.js';
import { scenarios as basic } from './scenarios/basic.js';
import { scenarios as large } from './scenarios/large.js';
import { scenarios as renames } from './scenarios/renames.js';
import { scenarios as rewriteAmendRebase } from './scenarios/rewrite-amend-rebase.js';
import { scenarios as rewritePick } from './scenarios/rewrite-pick.js';
import { scenarios as shell } from './scenarios/shell.js';

export const groups: Record<string, Scenario[]> = {
  basic,
  shell,
  renames,
  'rewrite-amend-rebase': rewriteAmendRebase,
  'rewrite-pick': rewritePick,
  large,
};

export const allScenarios: Scenario[] = Object.values(groups).flat();
