/**
 * The size caps that keep one odd input from bloating the hooks or the daemon. Each is documented in
 * the README and can be changed through the environment (of the agent for the shim's snapshot cap, of
 * the daemon for the rest); a value that is not a positive integer keeps the default.
 */
export interface Limits {
  /** A file larger than this is not snapshotted or line-attributed (a warning says so). */
  snapshotBytes: number;
  /** A hook payload larger than this is dead-lettered unread. */
  payloadBytes: number;
  /** A transcript line longer than this is skipped (counted) instead of being held in memory. */
  transcriptLineBytes: number;
  /** At most this much of a transcript is read per refresh; the rest waits for the next one. */
  transcriptReadBytes: number;
  /** The part of an HTTP receiver's answer that is read; a longer body is cut off and not trusted. */
  httpBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  snapshotBytes: 8 * 1024 * 1024,
  payloadBytes: 32 * 1024 * 1024,
  transcriptLineBytes: 8 * 1024 * 1024,
  transcriptReadBytes: 64 * 1024 * 1024,
  httpBodyBytes: 64 * 1024,
};

const ENV: Record<keyof Limits, string> = {
  snapshotBytes: 'TRACE_MAX_SNAPSHOT_BYTES',
  payloadBytes: 'TRACE_MAX_PAYLOAD_BYTES',
  transcriptLineBytes: 'TRACE_MAX_TRANSCRIPT_LINE_BYTES',
  transcriptReadBytes: 'TRACE_MAX_TRANSCRIPT_READ_BYTES',
  httpBodyBytes: 'TRACE_MAX_HTTP_BODY_BYTES',
};

/** The caps in effect: the defaults, overridden by the environment. */
export function limits(env: NodeJS.ProcessEnv = process.env): Limits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(ENV) as (keyof Limits)[]) {
    const v = env[ENV[key]];
    if (v && /^\d+$/.test(v) && Number(v) > 0) out[key] = Number(v);
  }
  return out;
}

/** A byte count for a message: "200.0 MB". */
export function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
