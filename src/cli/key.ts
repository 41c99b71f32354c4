import { loadOrCreateKey } from '../attest/key.js';
import { tracePaths } from '../paths.js';
import type { Command } from './context.js';
import { usage, usageBecause } from './usage.js';

const FORM = 'trace key show [--fingerprint]';

/** `trace key show`: prints the signing public key as PEM (or its fingerprint), creating the key on first use. */
export const key: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    ctx.stdout(`usage: ${FORM}\n`);
    return 0;
  }
  const unknown = rest.filter((a) => a !== '--fingerprint');
  if (sub === undefined) throw usage(FORM);
  if (sub !== 'show' || unknown.length > 0) throw usageBecause(`unknown argument "${unknown[0] ?? sub}"`, FORM);
  const signingKey = loadOrCreateKey(tracePaths(ctx.env).keyDir);
  ctx.stdout(rest.includes('--fingerprint') ? `${signingKey.fingerprint}\n` : signingKey.publicKeyPem);
  return 0;
};
