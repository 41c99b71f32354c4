/**
 * The score's documented constants: criteria and weights, sub-flags and their effects, thresholds.
 * `docs/score.md` states the same numbers; test/review/score-doc.test.ts reads both and checks they agree.
 */

/** The five criteria and their weights (they add up to 100). */
export const WEIGHTS = {
  verification: 30,
  human_involvement: 20,
  scope: 20,
  churn_and_failures: 15,
  policies: 15,
} as const;
export type CriterionName = keyof typeof WEIGHTS;

/** What a sub-flag does to its criterion's 0–100 score: `set` it to a value (the lowest set wins), or `minus` points. */
export interface FlagEffect {
  criterion: CriterionName;
  set?: number;
  minus?: number;
}

/** Every sub-flag a criterion can raise, and its effect. */
export const FLAGS = {
  // verification
  'tests-passed-after-last-edit': { criterion: 'verification', set: 100 },
  'no-ai-changes': { criterion: 'verification', set: 100 },
  'signals-missing': { criterion: 'verification', set: 50 },
  'build-only-after-last-edit': { criterion: 'verification', set: 60 },
  'no-test-after-last-edit': { criterion: 'verification', set: 30 },
  'failed-after-last-edit': { criterion: 'verification', set: 10 },
  'no-test-run': { criterion: 'verification', set: 0 },
  // human involvement
  'human-edited': { criterion: 'human_involvement', set: 100 },
  'light-human-edit': { criterion: 'human_involvement', set: 70 },
  'human-commits-in-range': { criterion: 'human_involvement', set: 60 },
  'no-human-edit': { criterion: 'human_involvement', set: 30 },
  // scope
  'wide-change': { criterion: 'scope', minus: 20 },
  'very-wide-change': { criterion: 'scope', minus: 40 },
  'many-folders': { criterion: 'scope', minus: 15 },
  'sensitive:ci-config': { criterion: 'scope', minus: 25 },
  'sensitive:dependencies': { criterion: 'scope', minus: 15 },
  'sensitive:auth-crypto': { criterion: 'scope', minus: 25 },
  'sensitive:migrations': { criterion: 'scope', minus: 20 },
  'sensitive:hooks-config': { criterion: 'scope', minus: 40 },
  // churn and failures
  'churn': { criterion: 'churn_and_failures', minus: 20 },
  'high-churn': { criterion: 'churn_and_failures', minus: 40 },
  'failed-tool-calls': { criterion: 'churn_and_failures', minus: 10 },
  'many-failed-tool-calls': { criterion: 'churn_and_failures', minus: 30 },
  'interrupted': { criterion: 'churn_and_failures', minus: 20 },
  // policy results
  'dangerous-command': { criterion: 'policies', set: 40 },
  'secret-in-session': { criterion: 'policies', set: 0 },
  'policy-violation': { criterion: 'policies', set: 0 },
} as const satisfies Record<string, FlagEffect>;
export type FlagName = keyof typeof FLAGS;

/** Limits the sub-flags are raised at. */
export const LIMITS = {
  /** Share of the lines added in the session's files that a human wrote, at or above which it is `human-edited`. */
  humanEditedShare: 0.2,
  /** More files than this is `wide-change`; more than `veryWideFiles`, `very-wide-change`. */
  wideFiles: 10,
  veryWideFiles: 25,
  /** More top-level folders than this is `many-folders`. */
  manyFolders: 5,
  /** Share of the AI lines written that were removed again before commit: `churn` at or above, `high-churn` at or above. */
  churnShare: 0.25,
  highChurnShare: 0.5,
  /** Failed tool calls at or above which it is `many-failed-tool-calls`. */
  manyFailedToolCalls: 5,
} as const;

/** The flag thresholds: green at or above `green`, red below `red`, yellow between. */
export const THRESHOLDS = { green: 75, red: 50 } as const;

/** Sub-flags that make a session red whatever its score. */
export const RED_FLAGS: readonly FlagName[] = ['policy-violation', 'secret-in-session', 'failed-after-last-edit'];
