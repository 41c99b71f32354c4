#!/usr/bin/env node
// `npm run lint [-- root]`: every static check, each named in the output; exits 1 if any fails.
//   biome      TypeScript/JavaScript lint (biome.json: recommended rules, correctness as errors)
//   shellcheck the POSIX shims (.shellcheckrc), at warning level
//   cycles     no import cycle between folders of src/ (scripts/lint/folder-cycles.mjs)
//   tests      no skipped, focused or todo test (a missing tool is a failure, not a skip)
// `root` (default: this package) lets test/lint.test.ts run the same checks on a planted copy.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const root = path.resolve(process.argv[2] ?? pkg);
const bin = (name) => path.join(pkg, 'node_modules', '.bin', name);

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  if (r.error) return { ok: false, out: `${cmd}: ${r.error.message}${r.error.code === 'ENOENT' ? ' (install it: apt-get install -y shellcheck)' : ''}` };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
};

const shims = fs.readdirSync(path.join(root, 'shims')).filter((f) => f.endsWith('.sh')).map((f) => path.join('shims', f));

const SKIPS = /^\s*(?:it|test|describe)\s*\.\s*(?:skip|skipIf|runIf|todo|only)\b/;
function noSkippedTests() {
  const found = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|js)$/.test(e.name)) {
        fs.readFileSync(p, 'utf8').split('\n').forEach((l, i) => {
          if (SKIPS.test(l)) found.push(`${path.relative(root, p)}:${i + 1}: ${l.trim()}`);
        });
      }
    }
  };
  walk(path.join(root, 'test'));
  return found.length ? { ok: false, out: `skipped, focused or todo tests:\n${found.join('\n')}` } : { ok: true, out: '' };
}

const checks = [
  ['biome', () => run(bin('biome'), ['lint', '--diagnostic-level=error', '--max-diagnostics=50', '.'])], // reads root/biome.json
  ['shellcheck', () => run('shellcheck', ['--severity=warning', ...shims])], // reads root/.shellcheckrc
  ['cycles', () => run(process.execPath, [path.join(here, 'lint', 'folder-cycles.mjs'), root])],
  ['tests', noSkippedTests],
];

let failed = 0;
for (const [name, check] of checks) {
  const r = check();
  if (!r.ok) failed++;
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (!r.ok && r.out) console.log(r.out.replace(/^/gm, '     '));
}
process.exit(failed ? 1 : 0);
