// `npm run lint` is live: in a copy of the package with a planted import cycle between folders, a
// shellcheck error in a shim, a lint error and a skipped test, each check fails and names the plant.
// (That the real tree passes is what CI checks: `.ci/run` runs `npm run lint` before `npm test`.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-lint-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
// the planted skip, built so that this file itself holds no skipped test for a search to find
const SKIP = ['it', 'skip'].join('.');

it('fails on a planted folder cycle, shellcheck error, lint error and skipped test', { timeout: 300_000 }, () => {
  for (const d of ['src', 'daemon', 'shims', 'test']) fs.cpSync(path.join(ROOT, d), path.join(tmp, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'biome.json', '.shellcheckrc']) fs.copyFileSync(path.join(ROOT, f), path.join(tmp, f));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));

  // git → attribution at run time, while attribution already imports git
  fs.writeFileSync(path.join(tmp, 'src/git/planted-cycle.ts'), "import { CommitAttributor } from '../attribution/commit.js';\nexport const planted = CommitAttributor;\n");
  fs.writeFileSync(path.join(tmp, 'shims/planted.sh'), '#!/bin/sh\nfor i in 1 2; do\n  echo "$i"\n');
  fs.writeFileSync(path.join(tmp, 'src/planted-lint.ts'), "import { readFileSync } from 'node:fs';\nexport function planted(): number {\n  debugger;\n  return 1;\n}\n");
  fs.writeFileSync(path.join(tmp, 'test/planted.test.ts'), `import { it } from 'vitest';\n${SKIP}('planted', () => {});\n`);

  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/lint.mjs'), tmp], { encoding: 'utf8' });
  const out = r.stdout + r.stderr;
  expect(r.status, out).toBe(1);
  const section = (name: string) => out.split(/\n(?=(?:ok  |FAIL) )/).find((s) => s.startsWith(`FAIL ${name}`)) ?? '';
  expect(section('biome'), out).toMatch(/planted-lint\.ts[\s\S]*noUnusedImports|noUnusedImports[\s\S]*planted-lint\.ts/);
  expect(section('biome'), out).toContain('noDebugger');
  expect(section('shellcheck'), out).toContain('planted.sh');
  expect(section('cycles'), out).toContain('src/git/planted-cycle.ts → src/attribution/commit.ts');
  expect(section('tests'), out).toContain(`test/planted.test.ts:2: ${SKIP}('planted'`);
});
