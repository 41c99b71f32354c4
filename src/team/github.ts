import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PrFact } from '../dashboard/facts.js';

/** True when `signature` (X-Hub-Signature-256: `sha256=<hex>`) is the HMAC-SHA256 of `body` with `secret`. */
export function validGithubSignature(secret: string, body: string, signature: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body, 'utf8').digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const sha = (v: unknown): string | null => (typeof v === 'string' && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(v) ? v : null);

/**
 * A GitHub `pull_request` event as a PR fact: `<owner/name>#<number>`, its state (merged when
 * `merged`), dated by merged_at or else created_at, with the head commit of this event and the merge
 * commit as its known commits (each synchronize event adds the new head). Null when the payload lacks them.
 */
export function prFromGithubEvent(payload: unknown): PrFact | string {
  const p = obj(payload);
  const pr = obj(p.pull_request);
  const repo = obj(p.repository).full_name;
  const number = pr.number ?? p.number;
  if (typeof repo !== 'string' || typeof number !== 'number') return 'pull_request event without repository.full_name or pull_request.number';
  const merged = pr.merged === true;
  const state = merged ? 'merged' : pr.state === 'open' ? 'open' : 'closed';
  const when = Date.parse(String((merged ? pr.merged_at : undefined) ?? pr.created_at ?? ''));
  if (Number.isNaN(when)) return 'pull_request event without created_at';
  const commits = [sha(obj(pr.head).sha), merged ? sha(pr.merge_commit_sha) : null].filter((c): c is string => c !== null);
  return { id: `${repo}#${number}`, repo, number, state, at: new Date(when).toISOString(), commits, sessions: [] };
}
