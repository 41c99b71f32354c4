import type { Dispatcher } from 'undici';

/** A forge API answer: status, headers (lower-case names) and the parsed JSON body (null when none). */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One request to a forge API. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** Sends requests; tests may pass an undici dispatcher. */
export interface HttpOptions {
  dispatcher?: Dispatcher;
  timeoutMs?: number;
}

/** Why a forge call failed, and whether the token simply cannot write here (a fork PR's read-only token). */
export class ForgeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly readOnly: boolean,
  ) {
    super(message);
    this.name = 'ForgeApiError';
  }
}

const MAX_BODY = 8 * 1024 * 1024;

/** Sends one JSON request with undici and reads the JSON answer (at most 8 MiB). */
export async function apiRequest(req: ApiRequest, opts: HttpOptions = {}): Promise<ApiResponse> {
  const { request } = await import('undici');
  const timeout = opts.timeoutMs ?? 30_000;
  const res = await request(req.url, {
    method: req.method,
    headers: { ...req.headers, ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    headersTimeout: timeout,
    bodyTimeout: timeout,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      res.body.destroy();
      throw new ForgeApiError(`${req.method} ${new URL(req.url).pathname}: answer larger than ${MAX_BODY} bytes`, res.statusCode, false);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return { status: res.statusCode, headers, body };
}

/** The `rel="next"` URL of a Link header (GitHub's pagination), if any. */
export function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** Removes every occurrence of the given secrets from a text (error messages may echo a URL or a body). */
export function scrub(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}
