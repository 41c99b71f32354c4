import crypto from 'node:crypto';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, type Signature, type Signer } from '@sigstore/sign';
import { TraceError } from '../errors.js';
import type { SigningKey } from './key.js';
import { IN_TOTO_PAYLOAD_TYPE, serializeStatement, type Statement } from './statement.js';

/** A Sigstore bundle (v0.3, JSON form) holding a DSSE-enveloped in-toto statement. */
export type AttestationBundle = SerializedBundle;

/** Signs DSSE PAE bytes with a local key; the hint (DSSE keyid) is the key's SSH fingerprint. */
export class LocalKeySigner implements Signer {
  constructor(private readonly key: SigningKey) {}

  async sign(data: Buffer): Promise<Signature> {
    const signature = crypto.sign('sha256', data, { key: this.key.privateKey, dsaEncoding: 'der' });
    return { signature, key: { $case: 'publicKey', publicKey: this.key.publicKeyPem, hint: this.key.fingerprint } };
  }
}

/** Signs the statement into a Sigstore bundle v0.3 with no transparency log or timestamp witnesses. */
export async function signStatement(statement: Statement, key: SigningKey): Promise<AttestationBundle> {
  const builder = new DSSEBundleBuilder({ signer: new LocalKeySigner(key), witnesses: [] });
  try {
    const bundle = await builder.create({ data: serializeStatement(statement), type: IN_TOTO_PAYLOAD_TYPE });
    return bundleToJSON(bundle);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new TraceError('INTERNAL', `signing the attestation failed (${detail}); check the key with \`trace key show\``, {
      cause: err,
    });
  }
}

/** The bytes ai-trace stores and sends for a bundle: UTF-8 of JSON.stringify(bundle) (bundleDigest in digest.ts hashes them). */
export function serializeBundle(bundle: AttestationBundle): Buffer {
  return Buffer.from(JSON.stringify(bundle), 'utf8');
}
