import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findGeminiVersion } from '../../src/agents/gemini/version.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fake /proc with one process per entry: its argv and its cwd. */
function fakeProc(procs: { pid: number; argv: string[]; cwd: string }[]): string {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'proc-'));
  dirs.push(proc);
  for (const p of procs) {
    fs.mkdirSync(path.join(proc, String(p.pid)));
    fs.writeFileSync(path.join(proc, String(p.pid), 'cmdline'), `${p.argv.join('\0')}\0`);
    fs.symlinkSync(p.cwd, path.join(proc, String(p.pid), 'cwd'));
  }
  return proc;
}

describe("Gemini CLI's version", () => {
  it("is read from the package of the client running in the session's directory (the prompt is never read)", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gem-'));
    dirs.push(root);
    const pkg = path.join(root, 'node_modules', '@google', 'gemini-cli');
    fs.mkdirSync(path.join(pkg, 'bundle'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@google/gemini-cli', version: '0.61.0' }));
    fs.writeFileSync(path.join(pkg, 'bundle', 'gemini.js'), '');
    fs.mkdirSync(path.join(root, 'node_modules', '.bin'));
    fs.symlinkSync('../@google/gemini-cli/bundle/gemini.js', path.join(root, 'node_modules', '.bin', 'gemini'));
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'repo-'));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'other-'));
    dirs.push(repo, other);
    const bin = path.join(root, 'node_modules', '.bin', 'gemini');
    const proc = fakeProc([
      { pid: 10, argv: ['node', bin, '-p', 'secret prompt'], cwd: other },
      { pid: 11, argv: ['/usr/bin/node', '--max-old-space-size=4096', bin, '-p', 'x'], cwd: repo },
      { pid: 12, argv: ['bash'], cwd: repo },
    ]);
    expect(findGeminiVersion(repo, proc)).toBe('0.61.0');
    expect(findGeminiVersion(path.join(os.tmpdir(), 'nowhere'), proc)).toBeUndefined();
    expect(findGeminiVersion(repo, '/nonexistent-proc')).toBeUndefined();
    expect(findGeminiVersion(undefined, proc)).toBeUndefined();
  });
});
