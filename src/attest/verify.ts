import crypto, { type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type TrustMaterial } from '@sigstore/verify';
import { Ajv, type ErrorObject } from 'ajv';
import sessionSchema from './ai-coding-session-0.1.schema.json' with { type: 'json' };
import signalsSchema from './ai-trace-session-signals-0.1.schema.json' with { type: 'json' };
import agentConfigSchema from './ai-agent-config-0.1.schema.json' with { type: 'json' };
import { AGENT_CONFIG_EVIDENCE_ID, AGENT_CONFIG_SCHEMA_URI } from './agent-config.js';
import { publicKeyFingerprint } from './key.js';
import { SIGNALS_EVIDENCE_ID, SIGNALS_SCHEMA_URI } from './session-signals.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  isGitCommitDigest,
  PREDICATE_TYPE,
  SESSION_EVIDENCE_ID,
  SESSION_SCHEMA_URI,
  STATEMENT_TYPE,
  type Statement,
} from './statement.js';

/** What to trust when verifying: PEM public keys, and optionally the exact set of commits expected as subjects. */
export interface VerifyOptions {
  publicKeys: string[];
  expectedCommits?: string[];
}

/** Outcome of verifyBundle: the authenticated statement and the key that signed it, or why it was rejected. */
export type VerifyResult =
  | { ok: true; statement: Statement; keyFingerprint: string }
  | { ok: false; reason: string };

const ajv = new Ajv({ strict: false, allErrors: true });
const validateSession = ajv.compile(sessionSchema);
const validateSignals = ajv.compile(signalsSchema);
const validateAgentConfig = ajv.compile(agentConfigSchema);

/** Validates one material's `data` against the Chainloop ai-coding-session 0.1 schema; returns the errors, none when valid. */
export function validateSessionData(data: unknown): string[] {
  if (validateSession(data)) return [];
  return (validateSession.errors ?? []).map(formatSchemaError);
}

/** Validates one signals material's `data` against ai-trace's session signals 0.1 schema; returns the errors, none when valid. */
export function validateSignalsData(data: unknown): string[] {
  if (validateSignals(data)) return [];
  return (validateSignals.errors ?? []).map(formatSchemaError);
}

/** Validates one agent configuration material's `data` against Chainloop's ai-agent-config 0.1 schema; returns the errors, none when valid. */
export function validateAgentConfigData(data: unknown): string[] {
  if (validateAgentConfig(data)) return [];
  return (validateAgentConfig.errors ?? []).map(formatSchemaError);
}

function formatSchemaError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` ("${String(error.params.additionalProperty)}")` : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}`;
}

/**
 * Verifies a bundle offline: the DSSE signature with one of the given keys (no transparency log or
 * timestamps needed), then the statement's types, git commit subjects and every session material's schema.
 */
export function verifyBundle(bundleJson: unknown, opts: VerifyOptions): VerifyResult {
  const parsed = parseBundle(bundleJson);
  if (typeof parsed === 'string') return fail(parsed);
  const bundle = parsed;

  if (bundle.content.$case !== 'dsseEnvelope') {
    return fail('bundle holds a message signature, not a DSSE envelope; only attestation bundles can be verified');
  }
  if (bundle.verificationMaterial.content.$case !== 'publicKey') {
    return fail('bundle is signed with a certificate (keyless); offline verification supports key-signed bundles only');
  }

  const keys = parseKeys(opts.publicKeys);
  if (typeof keys === 'string') return fail(keys);
  if (keys.length === 0) return fail('no public keys to verify with; add the signer\'s public key (`trace key show`)');

  const hint = bundle.verificationMaterial.content.publicKey.hint;
  const ordered = [...keys.filter((k) => k.fingerprint === hint), ...keys.filter((k) => k.fingerprint !== hint)];
  const signer = ordered.find((k) => signatureVerifies(bundle, k.key));
  if (!signer) return fail('signature does not verify with any known key');

  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return fail(`payloadType is "${envelope.payloadType}", expected "${IN_TOTO_PAYLOAD_TYPE}"`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(envelope.payload.toString('utf8'));
  } catch {
    return fail('payload is not valid JSON');
  }
  const problem = checkStatement(payload, signer.fingerprint, opts.expectedCommits);
  if (problem) return fail(problem);
  return { ok: true, statement: payload as Statement, keyFingerprint: signer.fingerprint };
}

interface TrustedKey {
  key: KeyObject;
  fingerprint: string;
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason };
}

function parseBundle(input: unknown): Bundle | string {
  let json = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    try {
      json = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8'));
    } catch {
      return 'bundle is not valid JSON';
    }
  }
  try {
    return bundleFromJSON(json);
  } catch (err) {
    return `not a Sigstore bundle: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function parseKeys(pems: string[]): TrustedKey[] | string {
  const keys: TrustedKey[] = [];
  for (const [i, pem] of pems.entries()) {
    try {
      const key = crypto.createPublicKey(pem);
      keys.push({ key, fingerprint: publicKeyFingerprint(key) });
    } catch {
      return `trusted public key ${i + 1} is not a PEM ECDSA P-256 public key; fix or remove it`;
    }
  }
  return keys;
}

function signatureVerifies(bundle: Bundle, key: KeyObject): boolean {
  const trust: TrustMaterial = {
    certificateAuthorities: [],
    timestampAuthorities: [],
    tlogs: [],
    ctlogs: [],
    publicKey: () => ({ publicKey: key, validFor: () => true }),
  };
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(toSignedEntity(bundle));
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the first problem with the authenticated statement, or undefined when it is well-formed. */
function checkStatement(payload: unknown, signerFingerprint: string, expectedCommits?: string[]): string | undefined {
  if (!isObject(payload)) return 'payload is not a JSON object';
  if (payload._type !== STATEMENT_TYPE) return `statement _type is ${JSON.stringify(payload._type)}, expected "${STATEMENT_TYPE}"`;
  if (payload.predicateType !== PREDICATE_TYPE) {
    return `predicateType is ${JSON.stringify(payload.predicateType)}, expected "${PREDICATE_TYPE}"`;
  }

  const subjects = payload.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) return 'statement has no subjects';
  const shas = new Set<string>();
  for (const [i, subject] of subjects.entries()) {
    const digest = isObject(subject) && isObject(subject.digest) ? subject.digest : undefined;
    if (!digest || !isGitCommitDigest(digest.gitCommit)) {
      return `subject ${i + 1} has no gitCommit digest (40 or 64 lowercase hex digits)`;
    }
    shas.add(digest.gitCommit);
  }
  if (expectedCommits) {
    const expected = new Set(expectedCommits.map((c) => c.trim().toLowerCase()));
    for (const sha of shas) if (!expected.has(sha)) return `subject ${sha} not in expected commits`;
    for (const sha of expected) if (!shas.has(sha)) return `expected commit ${sha} is not a subject`;
  }

  const predicate = payload.predicate;
  if (!isObject(predicate)) return 'predicate is not an object';
  const metadata = predicate.metadata;
  if (!isObject(metadata)) return 'predicate.metadata is not an object';
  const claimed = isObject(metadata.signer) ? metadata.signer.keyFingerprint : undefined;
  if (claimed !== undefined && claimed !== signerFingerprint) {
    return `predicate names signer key ${String(claimed)} but it is signed by ${signerFingerprint}`;
  }

  const materials = predicate.materials;
  if (!Array.isArray(materials)) return 'predicate.materials is not an array';
  for (const [i, material] of materials.entries()) {
    const n = i + 1;
    if (!isObject(material)) return `material ${n} is not an object`;
    if (material['chainloop.material.evidence.id'] === SIGNALS_EVIDENCE_ID) {
      if (material.schema !== SIGNALS_SCHEMA_URI) {
        return `material ${n} schema is ${JSON.stringify(material.schema)}, expected "${SIGNALS_SCHEMA_URI}"`;
      }
      const errors = validateSignalsData(material.data);
      if (errors.length > 0) return `material ${n} data: ${errors.join('; ')}`;
      continue;
    }
    if (material['chainloop.material.evidence.id'] === AGENT_CONFIG_EVIDENCE_ID) {
      if (material.schema !== AGENT_CONFIG_SCHEMA_URI) {
        return `material ${n} schema is ${JSON.stringify(material.schema)}, expected "${AGENT_CONFIG_SCHEMA_URI}"`;
      }
      const errors = validateAgentConfigData(material.data);
      if (errors.length > 0) return `material ${n} data: ${errors.join('; ')}`;
      continue;
    }
    if (material.schema !== SESSION_SCHEMA_URI) {
      return `material ${n} schema is ${JSON.stringify(material.schema)}, expected "${SESSION_SCHEMA_URI}"`;
    }
    if (material['chainloop.material.evidence.id'] !== SESSION_EVIDENCE_ID) {
      return `material ${n} chainloop.material.evidence.id is ${JSON.stringify(material['chainloop.material.evidence.id'])}, expected "${SESSION_EVIDENCE_ID}"`;
    }
    const errors = validateSessionData(material.data);
    if (errors.length > 0) return `material ${n} data: ${errors.join('; ')}`;
  }
  return undefined;
}
