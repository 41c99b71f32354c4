import crypto, { type KeyObject } from 'node:crypto';
import { publicKeyFingerprint } from '../attest/key.js';
import { TraceError } from '../errors.js';
import { git } from '../git/run.js';

/** Where a repository commits its list of attestation signers (git's allowed_signers format). */
export const ALLOWED_SIGNERS_FILE = '.chainloop/allowed_signers';

/** One line of an allowed-signers file: the identities (email patterns) a key may attest for. */
export interface AllowedSigner {
  principals: string[];
  /** `SHA256:…`, as `trace key show --fingerprint` and `ssh-keygen -lf` print it. */
  fingerprint: string;
  /** The key itself when the line carries it (`ecdsa-sha2-nistp256 AAAA…`); null for a fingerprint-only line. */
  pem: string | null;
  line: number;
}

/** A parsed allowed-signers list and the file it came from. */
export interface AllowedSigners {
  source: string;
  signers: AllowedSigner[];
}

const SSH_ECDSA = 'ecdsa-sha2-nistp256';

/**
 * Parses git's allowed-signers format, one signer a line: `principals [options] keytype base64key
 * [comment]`, with `ecdsa-sha2-nistp256` keys (ai-trace's signing keys), or `principals SHA256:<fp>`
 * when the key itself is delivered with the attestations. Principals are comma-separated email
 * patterns (`*` and `?` globs). Blank lines and `#` comments are skipped.
 */
export function parseAllowedSigners(text: string, source: string): AllowedSigners {
  const signers: AllowedSigner[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = splitFields(line);
    const principals = fields[0]!.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = (what: string) => new TraceError('CONFIG_INVALID', `${source}:${i + 1}: ${what}; each line is "principals ecdsa-sha2-nistp256 AAAA…" or "principals SHA256:…" (trace key show --fingerprint)`);
    const fpField = fields.slice(1).find((f) => f.startsWith('SHA256:'));
    const typeAt = fields.indexOf(SSH_ECDSA, 1);
    if (typeAt > 0) {
      const blob = fields[typeAt + 1];
      if (!blob) throw bad(`no key after ${SSH_ECDSA}`);
      const key = sshEcdsaKey(blob);
      if (!key) throw bad('the key is not a valid ecdsa-sha2-nistp256 public key');
      const pem = key.export({ type: 'spki', format: 'pem' }).toString();
      signers.push({ principals, fingerprint: publicKeyFingerprint(key), pem, line: i + 1 });
    } else if (fpField) {
      signers.push({ principals, fingerprint: fpField, pem: null, line: i + 1 });
    } else {
      throw bad('no ecdsa-sha2-nistp256 key or SHA256: fingerprint');
    }
  }
  return { source, signers };
}

/** Splits on whitespace, keeping a quoted option value (`namespaces="a b"`) in one field. */
function splitFields(line: string): string[] {
  return line.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
}

/** The public key of an SSH `ecdsa-sha2-nistp256` wire blob (base64), or null when it is not one. */
function sshEcdsaKey(base64: string): KeyObject | null {
  try {
    const buf = Buffer.from(base64, 'base64');
    const parts: Buffer[] = [];
    let pos = 0;
    while (pos < buf.length && parts.length < 3) {
      const len = buf.readUInt32BE(pos);
      parts.push(buf.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    if (parts.length !== 3 || parts[0]!.toString() !== SSH_ECDSA || parts[1]!.toString() !== 'nistp256') return null;
    const point = parts[2]!;
    if (point.length !== 65 || point[0] !== 0x04) return null;
    return crypto.createPublicKey({
      key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

/** The allowed-signers line for a PEM public key (what a team adds for a new developer). */
export function allowedSignersLine(principals: string, pem: string): string {
  const jwk = crypto.createPublicKey(pem).export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 0xff)), b]);
  const blob = Buffer.concat([str(Buffer.from(SSH_ECDSA)), str(Buffer.from('nistp256')), str(point)]);
  return `${principals} ${SSH_ECDSA} ${blob.toString('base64')}`;
}

/** True when `identity` matches one of the principals (git's `*`/`?` patterns, case-insensitive). */
export function principalMatches(principals: string[], identity: string): boolean {
  return principals.some((p) => globToRegExp(p).test(identity));
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * The allowed-signers list committed at `rev` (the base of a range: a pull request cannot add its own
 * key), or null when the repository has none there.
 */
export async function readAllowedSigners(repo: string, rev: string, file = ALLOWED_SIGNERS_FILE): Promise<AllowedSigners | null> {
  const listed = await git(repo, ['ls-tree', '--name-only', rev, '--', file], { allowFailure: true });
  if (listed.trim() === '') return null;
  const text = await git(repo, ['show', `${rev}:${file}`]);
  return parseAllowedSigners(text, `${file} at ${rev.slice(0, 12)}`);
}
