import { loadOrCreateKey } from '../attest/key.js';
import { asTraceError } from '../errors.js';
import { tracePaths } from '../paths.js';
import type { Command } from './context.js';

const USAGE = 'usage: trace key show [--fingerprint]\n';

/** `trace key show`: prints the signing public key as PEM (or its fingerprint), creating the key on first use. */
export const key: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === '-h' || sub === '--help' || sub === 'help') {
    ctx.stdout(USAGE);
    return 0;
  }
  const unknown = rest.filter((a) => a !== '--fingerprint');
  if (sub !== 'show' || unknown.length > 0) {
    ctx.stderr(sub === undefined ? USAGE : `trace key: unknown argument "${unknown[0] ?? sub}"\n${USAGE}`);
    return 2;
  }
  try {
    const signingKey = loadOrCreateKey(tracePaths(ctx.env).keyDir);
    ctx.stdout(rest.includes('--fingerprint') ? `${signingKey.fingerprint}\n` : signingKey.publicKeyPem);
    return 0;
  } catch (err) {
    ctx.stderr(`trace key: ${asTraceError(err).message}\n`);
    return 1;
  }
};
