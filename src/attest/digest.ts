import { createHash } from 'node:crypto';
import type { AttestationBundle } from './sign.js';

/**
 * sha256 hex of a bundle's bytes: the UTF-8 of its JSON text (an object is serialized as it is stored,
 * JSON.stringify). The content address used as file name on the attestation ref, idempotency key and
 * identity in the queue and the team server.
 */
export function bundleDigest(bundle: string | AttestationBundle): string {
  return createHash('sha256')
    .update(typeof bundle === 'string' ? bundle : JSON.stringify(bundle), 'utf8')
    .digest('hex');
}

/** Accepts `sha256:<hex>` or `<hex>` and returns lowercase hex. */
export function normalizeDigest(digest: string): string {
  return digest.trim().toLowerCase().replace(/^sha256:/, '');
}
