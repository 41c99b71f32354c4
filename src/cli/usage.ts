import { TraceError } from '../errors.js';

/** A usage error (exit 2) showing the right form. */
export const usage = (form: string): TraceError => new TraceError('USAGE', `usage: ${form}`);

/** A usage error with its reason (e.g. parseArgs' message) above the command's form; `main` prints both lines. */
export const usageBecause = (reason: string, form: string, cause?: unknown): TraceError =>
  new TraceError('USAGE', `${reason}\n${form.startsWith('usage: ') ? form : `usage: ${form}`}`, { cause });
