import { TraceError } from '../errors.js';

/** A usage error (exit 2) showing the right form. */
export const usage = (form: string): TraceError => new TraceError('USAGE', `usage: ${form}`);
