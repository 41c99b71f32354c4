import fs from 'node:fs';
import { PayloadError } from '../agents/adapter.js';
import type { TraceEvent } from '../agents/events.js';
import { alive } from '../client/start-lock.js';
import { limits, mb } from '../guard/limits.js';
import { gitSpoolComplete, type SpoolEntry } from '../spool/spool.js';

/** How long a spool file must stay untouched before an incomplete one is judged as it is. */
export const SETTLE_MS = 1000;

/**
 * The longest an edit event waits for a shim that is still running to finish its snapshot: the
 * agents kill a hook after 10 s at the most (as ai-trace installs them), so a live shim past this is
 * not ours any more (a reused pid).
 */
export const LIVE_SHIM_WAIT_MS = 30_000;

/** True while the process that wrote an entry still runs (0 and 1 are never a shim's). */
function running(pid: number): boolean {
  return Number.isInteger(pid) && pid > 1 && alive(pid);
}

/** The agent's event name in a spool entry (`PreToolUse-e` → `PreToolUse`). */
export function agentEventName(entry: SpoolEntry): string {
  return entry.event.replace(/-[oe]$/, '');
}

/**
 * The payload of an agent event. Shims write most events straight into spool/new (no rename, to stay
 * cheap), so an empty or unparsable file may still be being written: it is judged only once nothing
 * has written to it for SETTLE_MS. An edit event (`-e`) is complete once its `.done` file exists; while
 * the shim that writes it still runs (a loaded machine can take seconds between the payload and the
 * snapshot), it is waited for, up to LIVE_SHIM_WAIT_MS.
 */
export async function readAgentPayload(entry: SpoolEntry): Promise<unknown> {
  const edit = entry.event.endsWith('-e');
  const event = agentEventName(entry);
  for (;;) {
    const st = fs.statSync(entry.file);
    if (st.size > limits().payloadBytes) throw new PayloadError(`${event}: payload of ${mb(st.size)} is over the ${mb(limits().payloadBytes)} cap (TRACE_MAX_PAYLOAD_BYTES)`);
    const complete = !edit || fs.existsSync(entry.doneFile);
    const idle = Date.now() - st.mtimeMs;
    const settled = idle >= SETTLE_MS && (complete || idle >= LIVE_SHIM_WAIT_MS || !running(entry.pid));
    if (st.size > 0 && (complete || settled)) {
      try {
        return JSON.parse(fs.readFileSync(entry.file, 'utf8'));
      } catch {
        if (settled) throw new PayloadError(`${event}: payload is not valid JSON`);
      }
    } else if (settled) throw new PayloadError(`${event}: empty payload`);
    await new Promise((r) => setTimeout(r, complete ? Math.max(10, SETTLE_MS - (Date.now() - st.mtimeMs)) : 5));
  }
}

/**
 * A git hook's spool file, once the shim has written its end line; one without it is taken as it is
 * once nothing has written to it for SETTLE_MS (a hook that was killed, or written by an older shim).
 */
export async function readGitSpoolText(entry: SpoolEntry): Promise<string> {
  for (;;) {
    const text = fs.readFileSync(entry.file, 'utf8');
    const idle = Date.now() - fs.statSync(entry.file).mtimeMs;
    if (gitSpoolComplete(text) || idle >= SETTLE_MS) return text;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * An edit event's snapshot: its bytes, undefined when the shim took none (no file), or why it is not
 * used: larger than the cap the shim copied with (it copies one byte more, so a file past the cap shows).
 */
export function readSnapshot(entry: SpoolEntry): Buffer | undefined | string {
  let size: number;
  try {
    size = fs.statSync(entry.blobFile).size;
  } catch {
    return undefined;
  }
  let cap = limits().snapshotBytes;
  try {
    const m = /^cap (\d+)/.exec(fs.readFileSync(entry.doneFile, 'utf8'));
    if (m) cap = Math.min(cap, Number(m[1]));
  } catch {
    /* an older shim: no cap line */
  }
  if (size > cap) return `larger than the ${mb(cap)} snapshot cap (TRACE_MAX_SNAPSHOT_BYTES): line attribution skipped`;
  return fs.readFileSync(entry.blobFile);
}

/** Hands an event the shim's snapshot (or why there is none): the shim snapshots one file, the first the event names. */
export function attachSnapshot(ev: TraceEvent, blob: Buffer | undefined | string): void {
  const file = ev.files?.[0];
  if (!file) return;
  if (typeof blob === 'string') (ev.snapshotSkipped ??= new Map()).set(file, blob);
  else if (blob && !ev.snapshots?.has(file)) (ev.snapshots ??= new Map()).set(file, blob);
}
