import type { CliContext } from './context.js';

/** Enforced pre-push (requireTrace: true): filled in by the push work. */
export async function prePush(_args: string[], _ctx: CliContext): Promise<number> {
  return 0;
}
