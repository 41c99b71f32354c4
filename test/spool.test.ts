/**
 * The spool's order: by the files' mtimes, and by the shims' counter where mtimes are equal (a
 * kernel's file timestamps only move once per tick, so quick hooks often share one).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAgentPayload, readSnapshot, SETTLE_MS } from '../src/capture/payload.js';
import { tracePaths } from '../src/paths.js';
import { ensureSpool, gitSpoolComplete, listSpool, parseGitSpool } from '../src/spool/spool.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('listSpool', () => {
  it('orders by mtime, then by the counter as a number (9 before 10), whatever the names sort as', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-spool-'));
    dirs.push(home);
    const p = tracePaths({ TRACE_HOME: home });
    ensureSpool(p);
    const names = ['10-200-claude-PostToolUse-e.json', '9-100-claude-PreToolUse-e.json', '11-300-git-post-commit.git', '2-50-claude-SessionStart.json'];
    const tick = new Date('2026-01-01T00:00:00.000Z');
    for (const n of names) {
      fs.writeFileSync(path.join(p.spoolNew, n), '{}');
      fs.utimesSync(path.join(p.spoolNew, n), tick, tick);
    }
    // one file written a tick earlier comes first whatever its counter
    const earlier = new Date(tick.getTime() - 4);
    fs.utimesSync(path.join(p.spoolNew, '11-300-git-post-commit.git'), earlier, earlier);
    expect(listSpool(p).map((e) => e.key)).toEqual(['11-300-git-post-commit', '2-50-claude-SessionStart', '9-100-claude-PreToolUse-e', '10-200-claude-PostToolUse-e']);
  });
});

describe('git spool files', () => {
  it('are complete with their end line, which is not part of stdin', () => {
    const text = 'ai-trace-git 1\nhook pre-push\nrepo /r\ngitdir /r/.git\narg origin\n--\nrefs/heads/main a refs/heads/main b\n-- end\n';
    expect(gitSpoolComplete(text)).toBe(true);
    expect(gitSpoolComplete(text.slice(0, -3))).toBe(false);
    expect(gitSpoolComplete('ai-trace-git 1\nhook post-commit\nrepo /r\n--\n')).toBe(false);
    expect(parseGitSpool(text)).toMatchObject({ hook: 'pre-push', repo: '/r', args: ['origin'], stdin: 'refs/heads/main a refs/heads/main b\n' });
    expect(parseGitSpool('ai-trace-git 1\nhook post-commit\nrepo /r\narg head=abc\n--\n-- end\n')).toMatchObject({ hook: 'post-commit', stdin: '' });
  });
});

describe('readAgentPayload: an edit event whose shim still runs', () => {
  it('waits for the snapshot past the settle time while the shim lives, and judges it once the shim is gone', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-spool-'));
    dirs.push(home);
    const p = tracePaths({ TRACE_HOME: home });
    ensureSpool(p);
    // the shim: a live process whose pid names the spool file, as hook.sh's $$ does
    const shim = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((r) => shim.once('exit', r));
    try {
      const name = `7-${shim.pid}-cursor-afterFileEdit-e`;
      const payload = path.join(p.spoolNew, `${name}.json`);
      fs.writeFileSync(payload, JSON.stringify({ conversation_id: 'c1', file_path: '/r/a.sh' }));
      const [entry] = listSpool(p);
      let read: unknown;
      const reading = readAgentPayload(entry!).then((v) => (read = v));
      // past the settle time: the shim is still copying the file, so the event is not judged without it
      await new Promise((r) => setTimeout(r, SETTLE_MS + 500));
      expect(read).toBeUndefined();
      fs.writeFileSync(entry!.blobFile, 'after\n');
      fs.writeFileSync(entry!.doneFile, 'cap 8388608\n');
      await reading;
      expect(read).toEqual({ conversation_id: 'c1', file_path: '/r/a.sh' });
      expect(readSnapshot(entry!)).toEqual(Buffer.from('after\n'));

      // a shim that died before its snapshot: judged as it is once settled
      const dead = path.join(p.spoolNew, `8-${shim.pid}-cursor-afterFileEdit-e.json`);
      fs.writeFileSync(dead, '{"conversation_id":"c1"}');
      shim.kill();
      await exited;
      const late = listSpool(p).find((e) => e.file === dead)!;
      expect(await readAgentPayload(late)).toEqual({ conversation_id: 'c1' });
      expect(readSnapshot(late)).toBeUndefined();
    } finally {
      shim.kill();
    }
  });
});
