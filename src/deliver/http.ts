import type { Dispatcher } from 'undici';
import type { DeliveryItem, DeliveryOutcome, Destination } from './destination.js';
import { bundleDigest } from '../attest/digest.js';
import { limits } from '../guard/limits.js';

/** How to reach one HTTP receiver. The token is only ever put in the Authorization header. */
export interface HttpDestinationOptions {
  label?: string;
  url: string;
  token?: string;
  /** headersTimeout and bodyTimeout in ms (default 10 s); the whole request gets 3× that. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Bytes of the receiver's answer read at most (default TRACE_MAX_HTTP_BODY_BYTES, 64 KiB). */
  maxBodyBytes?: number;
}

/** Default per-phase HTTP timeout. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;

/** Max characters of the server's answer kept in a failure reason. */
const REASON_BODY_CHARS = 300;

/** POSTs the bundle JSON with an Idempotency-Key; 2xx delivered, 408/429/5xx/network retry, other 4xx permanent. */
export class HttpDestination implements Destination {
  readonly label: string;
  private readonly url: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly maxBodyBytes: number;

  constructor(opts: HttpDestinationOptions) {
    this.url = opts.url;
    this.label = opts.label ?? opts.url;
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.dispatcher = opts.dispatcher;
    this.maxBodyBytes = opts.maxBodyBytes ?? limits().httpBodyBytes;
  }

  async deliver(item: DeliveryItem): Promise<DeliveryOutcome> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': bundleDigest(item.bundleJson),
      'user-agent': 'ai-trace',
    };
    // the bundle names its key only by a hint: send the key itself (base64 of the PEM) for the receiver to check
    if (item.publicKeyPem) headers['x-trace-public-key'] = Buffer.from(item.publicKeyPem, 'utf8').toString('base64');
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let statusCode: number;
    let text: string;
    try {
      const { request } = await import('undici'); // loaded on the first HTTP delivery, not at daemon start
      const res = await request(this.url, {
        method: 'POST',
        headers,
        body: item.bundleJson,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs * 3),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      });
      statusCode = res.statusCode;
      const body = await readCapped(res.body, this.maxBodyBytes);
      // a receiver that does not finish its answer has not confirmed anything, whatever its status
      if (body.error) return { kind: 'retry', reason: `POST ${this.label}: HTTP ${statusCode}, but the answer ${body.error}` };
      text = body.text;
    } catch (err) {
      return { kind: 'retry', reason: `POST ${this.label} failed: ${describeNetworkError(err)}` };
    }
    return classifyHttpStatus(statusCode, text);
  }
}

/**
 * Reads at most `max` bytes of a response body, then stops (destroying the stream): a body without end
 * is never buffered. `error` says why the answer is incomplete (too long, aborted, timed out).
 */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, max: number): Promise<{ text: string; error?: string }> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > max) {
        body.destroy();
        return { text: '', error: `is longer than ${max} bytes (TRACE_MAX_HTTP_BODY_BYTES): not trusted` };
      }
      parts.push(chunk);
    }
  } catch (err) {
    return { text: '', error: `did not complete (${describeNetworkError(err)})` };
  }
  return { text: Buffer.concat(parts).toString('utf8') };
}

/** Maps a receiver's answer to an outcome, keeping status and the first 300 chars of the body as reason. */
export function classifyHttpStatus(statusCode: number, body: string): DeliveryOutcome {
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered' };
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, REASON_BODY_CHARS);
  const reason = `HTTP ${statusCode}${snippet ? `: ${snippet}` : ''}`;
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return { kind: 'retry', reason };
  if (statusCode >= 300 && statusCode < 400) {
    return { kind: 'permanent', reason: `${reason} (redirects are not followed; configure the final URL)` };
  }
  return { kind: 'permanent', reason };
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timed out';
  const cause = (err as { cause?: unknown }).cause;
  const causeMsg = cause instanceof Error && cause.message !== err.message ? ` (${cause.message})` : '';
  return `${typeof code === 'string' ? `${code}: ` : ''}${err.message}${causeMsg}`;
}
