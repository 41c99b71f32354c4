import { verifyBundle } from '../attest/verify.js';
import { bundleDigest } from '../attest/digest.js';
import { factsFromStatement } from '../dashboard/facts.js';
import type { TeamDb } from './db/open.js';
import { activeKey, bindKey, parseKeyHeader, PUBLIC_KEY_HEADER } from './keys.js';
import { storeAttestation } from './records.js';
import { tokenForSecret } from './tokens.js';

/** One POST /attestations as the route sees it. */
export interface IngestRequest {
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  publicKey: string | undefined;
  body: string;
}

/** The answer: an HTTP status and a JSON body saying what happened or why not. */
export interface IngestAnswer {
  status: number;
  body: { stored: boolean; digest?: string; duplicate?: boolean; error?: string };
}

const refuse = (status: number, error: string): IngestAnswer => ({ status, body: { stored: false, error } });

/**
 * The HTTP destination's contract: a bearer token, an Idempotency-Key, the bundle as the body and the
 * signer's public key in X-Trace-Public-Key. Stored exactly once per key; a repeated key answers 200
 * without storing again. The bundle must verify with the key bound to the token (the first key a
 * token presents is bound to it); anything else is refused with a 4xx that says why.
 */
export async function ingestAttestation(db: TeamDb, req: IngestRequest, now: () => Date = () => new Date()): Promise<IngestAnswer> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.authorization ?? '');
  if (!m) return refuse(401, 'missing bearer token: send Authorization: Bearer <token from trace server token create>');
  const token = await tokenForSecret(db.db, m[1]!);
  if (!token) return refuse(401, 'unknown or revoked token; ask an admin for a token (trace server token create)');
  const key = (req.idempotencyKey ?? '').trim();
  if (!/^[\w:.-]{8,128}$/.test(key)) return refuse(400, 'missing or malformed Idempotency-Key header (8-128 characters: letters, digits, _ : . -)');
  const digest = bundleDigest(req.body);
  const seen = await db.db.selectFrom('attestations').select(['digest']).where((eb) => eb.or([eb('idempotency_key', '=', key), eb('digest', '=', digest)])).executeTakeFirst();
  if (seen) return { status: 200, body: { stored: false, duplicate: true, digest: seen.digest } };

  let presented: { pem: string; fingerprint: string } | null = null;
  if (req.publicKey) {
    const parsed = parseKeyHeader(req.publicKey);
    if (typeof parsed === 'string') return refuse(400, parsed);
    presented = parsed;
  }
  let bound = await activeKey(db.db, token.id);
  const candidate = bound ?? presented;
  if (!candidate) return refuse(400, `no public key: send the signer's key in ${PUBLIC_KEY_HEADER} (ai-trace's HTTP delivery does)`);
  if (bound && presented && presented.fingerprint !== bound.fingerprint) {
    return refuse(403, `bundle key ${presented.fingerprint} is not the key bound to token '${token.name}' (${bound.fingerprint}); an admin can run trace server key rotate --token ${token.name}`);
  }
  if (!bound && !token.accepts_new_key) {
    return refuse(403, `token '${token.name}' has no key (it was revoked); an admin can run trace server key rotate --token ${token.name}`);
  }
  const verified = verifyBundle(req.body, { publicKeys: [candidate.pem] });
  if (!verified.ok) {
    const status = /not valid JSON|not a Sigstore bundle/.test(verified.reason) ? 400 : 422;
    return refuse(status, `bundle refused: ${verified.reason}`);
  }
  if (!bound) {
    bound = await bindKey(db.db, token.id, candidate, now());
    if (!bound || bound.fingerprint !== candidate.fingerprint) {
      return refuse(403, `token '${token.name}' was just bound to another key (${bound?.fingerprint ?? 'none'}); an admin can run trace server key rotate --token ${token.name}`);
    }
  }
  const stored = await storeAttestation(db.db, {
    idempotencyKey: key,
    tokenId: token.id,
    bundleJson: req.body,
    facts: factsFromStatement(verified.statement, digest, verified.keyFingerprint),
    receivedAt: now().toISOString(),
  });
  return stored ? { status: 201, body: { stored: true, digest } } : { status: 200, body: { stored: false, duplicate: true, digest } };
}
