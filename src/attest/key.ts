import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TraceError } from '../errors.js';

/** The user's signing key: the private key, its public half as PEM, and its SSH-style fingerprint. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
}

/** File names of the key pair inside keyDir. */
export const PRIVATE_KEY_FILE = 'signing-key.pem';
export const PUBLIC_KEY_FILE = 'signing-key.pub.pem';

const DIR_MODE = 0o700;
const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/**
 * Loads the per-user ECDSA P-256 key from keyDir, creating it on first use.
 * Two processes creating it at once end up with the same key: the private key is written to a
 * temporary file and hard-linked into place, which fails for the loser, who then loads the winner's.
 */
export function loadOrCreateKey(keyDir: string): SigningKey {
  ensureKeyDir(keyDir);
  const privatePath = path.join(keyDir, PRIVATE_KEY_FILE);
  let privatePem = readIfExists(privatePath);
  if (privatePem === undefined) {
    createPrivateKey(keyDir, privatePath);
    privatePem = readSettled(privatePath);
  }
  tightenMode(privatePath, PRIVATE_MODE);
  const privateKey = parsePrivateKey(privatePem, privatePath);
  const publicKeyPem = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  writePublicKey(keyDir, publicKeyPem);
  return { privateKey, publicKeyPem, fingerprint: publicKeyFingerprint(publicKeyPem) };
}

/**
 * The fingerprint `ssh-keygen -lf` prints for this key as an ecdsa-sha2-nistp256 SSH key:
 * `SHA256:` + unpadded base64 of the SHA-256 of the SSH wire-format public key blob.
 */
export function publicKeyFingerprint(key: KeyObject | string): string {
  const publicKey = typeof key !== 'string' && key.type === 'public' ? key : crypto.createPublicKey(key);
  assertP256(publicKey, 'public key');
  const jwk = publicKey.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) throw new TraceError('INTERNAL', 'EC public key has no coordinates');
  const point = Buffer.concat([
    Buffer.from([0x04]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  const blob = Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(point)]);
  const digest = crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  return `SHA256:${digest}`;
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function assertP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const kind = key.asymmetricKeyType === 'ec' ? `ec ${key.asymmetricKeyDetails?.namedCurve}` : key.asymmetricKeyType;
    throw new TraceError('CONFIG_INVALID', `${what} is a ${kind} key, not ECDSA P-256; use an ECDSA P-256 key`);
  }
}

function ensureKeyDir(keyDir: string): void {
  try {
    fs.mkdirSync(keyDir, { recursive: true, mode: DIR_MODE });
    tightenMode(keyDir, DIR_MODE);
  } catch (err) {
    throw fsError(`cannot create key directory ${keyDir}`, keyDir, err);
  }
}

/** Lowers the mode to the one wanted when the file is ours and more open than that. */
function tightenMode(file: string, mode: number): void {
  const st = fs.statSync(file);
  if ((st.mode & 0o777 & ~mode) === 0) return;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return;
  fs.chmodSync(file, mode);
}

function createPrivateKey(keyDir: string, privatePath: string): void {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tmp = path.join(keyDir, `.${PRIVATE_KEY_FILE}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, pem, { mode: PRIVATE_MODE, flag: 'wx' });
    fs.chmodSync(tmp, PRIVATE_MODE);
    try {
      fs.linkSync(tmp, privatePath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
      writeExclusive(privatePath, pem);
    }
  } catch (err) {
    throw fsError(`cannot write signing key ${privatePath}`, keyDir, err);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Fallback where hard links are unsupported: exclusive create, then write (readers retry partial files). */
function writeExclusive(file: string, content: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', PRIVATE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fsError(`cannot read signing key ${file}`, path.dirname(file), err);
  }
}

/** Reads a key another process may still be writing (only possible on the no-hard-link fallback). */
function readSettled(file: string): string {
  for (let attempt = 0; ; attempt++) {
    const pem = readIfExists(file) ?? '';
    if (pem.includes('-----END PRIVATE KEY-----') || attempt >= 50) return pem;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

function parsePrivateKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = crypto.createPrivateKey(pem);
  } catch (err) {
    throw new TraceError(
      'CONFIG_INVALID',
      `signing key ${file} is not a readable PEM private key; move it away and run \`trace key show\` to create a new one`,
      { cause: err },
    );
  }
  assertP256(key, `signing key ${file}`);
  return key;
}

function writePublicKey(keyDir: string, pem: string): void {
  const file = path.join(keyDir, PUBLIC_KEY_FILE);
  if (readIfExists(file) === pem) {
    tightenMode(file, PUBLIC_MODE);
    return;
  }
  const tmp = path.join(keyDir, `.${PUBLIC_KEY_FILE}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    fs.writeFileSync(tmp, pem, { mode: PUBLIC_MODE, flag: 'wx' });
    fs.chmodSync(tmp, PUBLIC_MODE);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw fsError(`cannot write public key ${file}`, keyDir, err);
  }
}

function fsError(what: string, dir: string, err: unknown): TraceError {
  const detail = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
  return new TraceError('INTERNAL', `${what} (${detail}); check that ${dir} is writable by you, or set TRACE_HOME`, {
    cause: err,
  });
}
