/**
 * Issue 11, bounded memory: a 200 MB file edited by the agent and committed, and a 500 MB transcript
 * without a newline, keep the daemon under its documented bound (256 MB resident at peak; README,
 * "Limits"): the file past the snapshot cap gets no line attribution and the session says so, the
 * transcript's endless line is skipped as it streams past, and `trace status` keeps answering.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fireHook } from '../../src/demo/claude-driver.js';
import type { SessionData } from '../../src/evidence/session-data.js';
import { RepoPool } from '../helpers/repo.js';
import { peakRss } from './proc.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());
const BOUND = 256 * 1024 * 1024;
const MB = 1024 * 1024;

function writeBig(file: string, mb: number, line: boolean): void {
  const chunk = Buffer.alloc(MB, 'abcdefghijklmnopqrstuvwxyz0123456789');
  if (line) for (let i = 63; i < MB; i += 64) chunk[i] = 10;
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < mb; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

describe('large inputs', () => {
  it('a 200 MB edit and a 500 MB line-less transcript keep the daemon under 256 MB', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const id = '0b5e55ed-2222-4000-8000-0000000b1900';
    const transcript = path.join(t.home, 'big-transcript.jsonl');
    writeBig(transcript, 500, false);
    const big = path.join(t.repo, 'data.txt');
    writeBig(big, 200, true);
    t.git('add', 'data.txt');
    t.commit('a big file, by a human');
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;

    const base = { session_id: id, transcript_path: transcript, cwd: t.repo, permission_mode: 'default' };
    const fire = (p: Record<string, unknown>) => {
      for (const r of fireHook(t.repo, { ...base, ...p }, t.env)) expect(r.status).toBe(0);
    };
    fire({ hook_event_name: 'SessionStart', source: 'startup' });
    const input = { file_path: big, old_string: 'abc', new_string: 'ABC' };
    fire({ hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: input, tool_use_id: 'toolu_big' });
    fs.appendFileSync(big, 'one more line by the agent\n');
    fire({ hook_event_name: 'PostToolUse', tool_name: 'Edit', tool_input: input, tool_use_id: 'toolu_big', tool_response: { filePath: big, oldString: 'abc', newString: 'ABC', structuredPatch: [], userModified: false, replaceAll: false } });
    // each Stop reads the transcript further (64 MB a time): all of it is gone through by the eighth
    for (let i = 0; i < 8; i++) fire({ hook_event_name: 'Stop', stop_hook_active: false });
    t.git('add', 'data.txt');
    const sha = t.commit('the agent appended a line');

    const deadline = Date.now() + 120_000;
    let d: SessionData | undefined;
    for (;;) {
      const r = t.trace('session', 'show', id, '--json');
      if (r.code === 0 && t.spoolFiles('new').length === 0) {
        d = JSON.parse(r.stdout) as SessionData;
        if (d.warnings?.some((w) => w.includes('TRACE_MAX_TRANSCRIPT_LINE_BYTES')) && t.json<{ commit: string }>('show', sha)) break;
      }
      if (Date.now() > deadline) throw new Error(`not ingested: ${JSON.stringify(d?.warnings)}\n${t.daemonLog().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200)); // the poll's interval: each session show above waits on the daemon's drain
    }
    expect(d!.warnings).toEqual(expect.arrayContaining([
      'data.txt: larger than the 8.0 MB snapshot cap (TRACE_MAX_SNAPSHOT_BYTES): line attribution skipped',
      expect.stringMatching(/line\(s\) longer than TRACE_MAX_TRANSCRIPT_LINE_BYTES skipped/),
    ]));
    const show = t.show(sha);
    expect(show.code_changes.files.find((f) => f.path === 'data.txt')).toMatchObject({ ai_lines_added: 0 });
    expect(t.json<{ daemon: { pid: number } }>('status').daemon.pid).toBe(pid);
    const peak = peakRss(pid);
    expect(peak, `daemon peak RSS ${(peak / MB).toFixed(0)} MB`).toBeLessThan(BOUND);
  }, 300_000); // 700 MB written and read on a shared 2-core machine
});
