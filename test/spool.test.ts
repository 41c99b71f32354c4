/**
 * The spool's order: by the files' mtimes, and by the shims' counter where mtimes are equal (a
 * kernel's file timestamps only move once per tick, so quick hooks often share one).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
