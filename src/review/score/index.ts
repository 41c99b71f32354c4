export { FLAGS, LIMITS, RED_FLAGS, THRESHOLDS, WEIGHTS, type CriterionName, type FlagName } from './criteria.js';
export { flagOf, scorePullRequest, scoreSession, type CriterionScore, type ScoreFile, type ScoreFlag, type ScoreInput, type SessionScore } from './score.js';
export { scoreMarkdown } from './markdown.js';
export { scoreCorrelated, signalsOf } from './session.js';
