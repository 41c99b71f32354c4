/**
 * The daemon's spool watcher kicks the recorder once per file change, thousands of times during a
 * backlog. A drain's end must reach its follow-up (a full GC after a backlog) once, not once per kick:
 * run once each, 2,000 kicks' GCs kept the daemon's event loop busy for over a minute after a backlog,
 * with new events left in the spool and SIGTERM unanswered.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/capture/recorder.js';
import { silentLogger } from '../../src/log/logger.js';
import { tracePaths } from '../../src/paths.js';
import { ensureSpool } from '../../src/spool/spool.js';
import { openDatabase } from '../../src/store/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('Recorder.kick', () => {
  it('ends a drain once for any number of kicks, with the count of what it ingested', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-kick-'));
    dirs.push(home);
    const paths = tracePaths({ TRACE_HOME: home });
    ensureSpool(paths);
    const queued = 300;
    const old = new Date(Date.now() - 60_000);
    for (let i = 1; i <= queued; i++) {
      const f = path.join(paths.spoolNew, `${i}-${90_000 + i}-claude-Notification.json`);
      fs.writeFileSync(f, JSON.stringify({ session_id: 'kick-session', hook_event_name: 'Notification', cwd: home, message: `note ${i}` }));
      fs.utimesSync(f, old, old);
    }
    const db = openDatabase(paths.db);
    const rec = new Recorder(db, paths, silentLogger());
    try {
      const ends: number[] = [];
      let done!: () => void;
      const drained = new Promise<void>((res) => (done = res));
      rec.onDrained = (n) => {
        ends.push(n);
        done();
      };
      for (let i = 0; i < 2000; i++) rec.kick();
      await drained;
      // the kicks taken in during the pass ask for one more pass at the most, never one end per kick
      await rec.drain();
      expect(ends[0]).toBe(queued);
      expect(ends.length).toBeLessThanOrEqual(3);
      expect(fs.readdirSync(paths.spoolNew)).toEqual([]);
    } finally {
      await rec.close();
      db.close();
    }
  });
});
