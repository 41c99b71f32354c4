/**
 * Issue 11, nothing silent: a full TRACE_HOME filesystem (a 4 MB tmpfs; the tests run as root), a
 * bypassed git hook (`core.hooksPath` set after init, hooks removed) and a damaged database show as
 * warnings with what to do in `trace status` and `trace doctor`, and clear once fixed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthWarning } from '../../src/health/checks.js';
import type { StatusResponse } from '../../src/protocol/types.js';
import { until } from '../helpers/proc.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
const mounts: string[] = [];
afterEach(() => {
  // lazily: the daemon may still hold files there; then everything else goes
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
  pool.cleanupAll();
});

const warnings = (t: TestRepo) => t.json<StatusResponse>('status').warnings ?? [];

/** A 4 MB tmpfs (the tests run as root) as t's TRACE_HOME's filesystem; its mount point. */
function smallTraceHome(t: TestRepo): string {
  const small = path.join(t.root, 'small');
  fs.mkdirSync(small);
  expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', small]).status).toBe(0);
  mounts.push(small);
  t.env.TRACE_HOME = path.join(small, 'trace');
  return small;
}

/** Fills the filesystem of `dir` up with one file; returns it (remove it to give the space back). */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(64 * 1024, 1));
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

describe('warnings in trace status and trace doctor', () => {
  it('a full TRACE_HOME filesystem: a warning and the fix, the hook log says what was not recorded; clear once space is back', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const small = smallTraceHome(t);
    expect(t.trace('status').code).toBe(0); // the daemon runs there, database and all
    expect(warnings(t)).toEqual([]);

    const filler = fill(small);
    const s = t.session();
    s.start();
    s.write('a.txt', 'agent line\n');
    s.stop();
    t.git('add', 'a.txt');
    t.commit('made while TRACE_HOME is full');
    expect(t.hookLog().some((l) => / (spool-write-failed|snapshot-failed)$/.test(l))).toBe(true);
    const full = warnings(t);
    expect(full.map((w) => w.code)).toContain('DISK_FULL');
    const text = t.trace('status').stdout;
    expect(text).toContain(`warning: the filesystem of TRACE_HOME (${t.env.TRACE_HOME}) is full`);
    expect(text).toContain('fix: free space there');
    const doctor = t.trace('doctor');
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('is full');

    fs.rmSync(filler);
    // the daemon's health monitor clears the warning once a write succeeds again
    await until('the DISK_FULL warning to clear', () => !warnings(t).some((w) => w.code === 'DISK_FULL'), { timeoutMs: 20_000, intervalMs: 200 });
    expect(warnings(t).map((w) => w.code)).not.toContain('DISK_FULL');
    // the commit made meanwhile is named, though the daemon knows no session there (status asks for this repository)
    const lost = warnings(t).find((w) => w.code === 'EVENTS_LOST');
    expect(lost?.message).toContain(`commits since then may carry agent lines labelled human: ${t.git('rev-parse', '--short', 'HEAD').trim()} made while TRACE_HOME is full`);
  }, 180_000);

  it('an AI commit made while TRACE_HOME is full: what was recorded stays the agent\'s, the commit is named in trace status and the session says events were lost', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const small = smallTraceHome(t);
    const s = t.session();
    s.start();
    s.write('a.txt', 'agent line before\n');
    expect(warnings(t)).toEqual([]); // (status applies the events first)
    const pidFile = path.join(t.env.TRACE_HOME, 'run', 'daemon.pid');
    const daemon = fs.readFileSync(pidFile, 'utf8');

    const filler = fill(small);
    s.write('b.txt', 'agent line while full\n');
    s.stop();
    t.git('add', 'a.txt', 'b.txt');
    const sha = t.commit('made while TRACE_HOME is full');
    const lostFile = path.join(t.repo, '.git', 'chainloop-trace', 'lost');
    expect(fs.readFileSync(lostFile, 'utf8')).toMatch(/^\d+ claude (PreToolUse|PostToolUse|Stop)\b/m);
    expect(warnings(t).map((w) => w.code)).toContain('DISK_FULL');

    fs.rmSync(filler);
    const lost: HealthWarning = await until('space back and the lost events named', () => {
      const ws = warnings(t);
      return !ws.some((w) => w.code === 'DISK_FULL') && ws.find((w) => w.code === 'EVENTS_LOST');
    }, { timeoutMs: 30_000, intervalMs: 200 });
    const short = t.git('rev-parse', '--short', sha).trim();
    expect(lost.message).toMatch(new RegExp(`^\\d+ hook event\\(s\\) in ${t.repo} could not be written to the spool \\(TRACE_HOME full or unwritable, \\S+ to \\S+\\): lines an agent wrote then may be labelled human; commits since then may carry agent lines labelled human: ${short} made while TRACE_HOME is full$`));
    expect(lost.fix).toBe(`check them with \`trace show <commit>\`; then remove ${lostFile}`);
    // the commit is recorded: the line the daemon saw the agent write is the agent's; the one written while
    // full could not be known, and is named above and in the session's warnings, never silently human
    const files = Object.fromEntries(t.show(sha).code_changes.files.map((f) => [f.path, [f.ai_lines_added, f.human_lines_added]]));
    expect(files).toEqual({ 'a.txt': [1, 0], 'b.txt': [0, 1] });
    const data = t.json<{ warnings?: string[] }>('session', 'show', s.sessionId);
    expect(data.warnings?.some((w) => w.includes('could not be written to the spool (TRACE_HOME full or unwritable'))).toBe(true);
    expect(t.trace('status').stdout).toContain(`fix: check them with \`trace show <commit>\``);

    expect(fs.readFileSync(pidFile, 'utf8')).toBe(daemon); // the full disk never stopped it (a log write that fails included)
    fs.rmSync(lostFile); // read: the warning goes
    expect(warnings(t).map((w) => w.code)).not.toContain('EVENTS_LOST');
  }, 180_000);

  it('core.hooksPath set after init, hooks removed, a damaged database: warnings with the fix; trace init clears them', () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const s = t.session();
    s.start();
    s.stop();
    expect(warnings(t)).toEqual([]);
    const ok = t.trace('doctor');
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain(`ok: git hooks of ${t.repo}`);

    t.git('config', 'core.hooksPath', '.githooks');
    const bypassed = t.trace('doctor');
    expect(bypassed.code).toBe(1);
    expect(bypassed.stdout).toContain(`git runs the hooks in ${path.join(t.repo, '.githooks')} (core.hooksPath), not ai-trace's in ${path.join(t.repo, '.git', 'hooks')}`);
    expect(bypassed.stdout).toContain(`fix: run \`trace init\` in ${t.repo}`);
    t.git('config', '--unset', 'core.hooksPath');
    fs.rmSync(path.join(t.repo, '.git', 'hooks', 'pre-push'));
    const removed = t.trace('doctor');
    expect(removed.stdout).toContain("ai-trace's pre-push hook(s) are gone");
    expect(t.trace('init').code).toBe(0);
    const fixed = t.trace('doctor');
    expect(fixed.code, fixed.stdout).toBe(0);

    // a damaged database: named, with the way forward
    t.stopDaemon();
    const db = path.join(t.traceHome, 'trace.db');
    for (const f of [`${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    const bytes = fs.readFileSync(db);
    bytes.fill(0x5a, 4096, Math.min(bytes.length, 4096 * 3));
    fs.writeFileSync(db, bytes);
    const damaged = t.trace('doctor');
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toMatch(/the database .*trace\.db is damaged/);
    expect(damaged.stdout).toContain('.damaged');
  }, 180_000);
});
