// The flat settings file the git hook reads instead of .chainloop.yml: what it says for each config,
// and the daemon's refresh by content (an edit that kept an old mtime is caught too).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeShimSettings, recordedHash, refreshShimSettings, shimSettingsPath, writeShimSettings } from '../../src/config/shim-settings.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-shim-settings-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A work tree with its git dir's state folder (as trace init leaves it) and a TRACE_HOME. */
function world(yaml?: string, userYaml?: string): { top: string; gd: string; home: string } {
  const top = path.join(tmp, `repo-${++n}`);
  const gd = path.join(top, '.git');
  const home = path.join(tmp, `home-${n}`);
  fs.mkdirSync(path.join(gd, 'chainloop-trace'), { recursive: true });
  fs.mkdirSync(home);
  if (yaml !== undefined) fs.writeFileSync(path.join(top, '.chainloop.yml'), yaml);
  if (userYaml !== undefined) fs.writeFileSync(path.join(home, 'config.yml'), userYaml);
  return { top, gd, home };
}

describe('shim settings', () => {
  it('reads requireTrace from its value, never from a comment', () => {
    const { top, home } = world('projectName: p\nrequireTrace: false # true blocks the push\n');
    expect(computeShimSettings(top, home)).toMatchObject({ source: path.join(top, '.chainloop.yml'), config: 'ok', requireTrace: false, gates: false, tokenEnv: [] });
    const on = world('projectName: p\n# requireTrace: false\nrequireTrace: true\n');
    expect(computeShimSettings(on.top, on.home)).toMatchObject({ config: 'ok', requireTrace: true });
  });

  it('gates only when policies.gates names a policy; tokenEnv from both configs', () => {
    const yaml = 'projectName: p\npolicies:\n  gates: [no-secrets]\ndestinations:\n  - type: http\n    url: http://127.0.0.1:1/a\n    tokenEnv: REPO_TOKEN\n';
    const user = 'destinations:\n  - type: http\n    url: http://127.0.0.1:1/b\n    tokenEnv: USER_TOKEN\n';
    const { top, home } = world(yaml, user);
    expect(computeShimSettings(top, home)).toMatchObject({ gates: true, tokenEnv: ['REPO_TOKEN', 'USER_TOKEN'], userConfig: path.join(home, 'config.yml') });
    const none = world('projectName: p\npolicies:\n  gates: []\n# gates: [x]\n');
    expect(computeShimSettings(none.top, none.home).gates).toBe(false);
  });

  it('a config that does not load is `invalid`, keeping a requireTrace or gates yaml can still read; none at all is fine', () => {
    const bad = world('projectName: [unclosed\nrequireTrace: false\n');
    expect(computeShimSettings(bad.top, bad.home)).toMatchObject({ config: 'invalid', requireTrace: false, gates: false });
    const strict = world('projectName: [unclosed\nrequireTrace: true\npolicies:\n  gates: [no-secrets]\n');
    expect(computeShimSettings(strict.top, strict.home)).toMatchObject({ config: 'invalid', requireTrace: true, gates: true });
    const wrongType = world('projectName: p\nrequireTrace: "yes"\n'); // loads as YAML, fails the schema: not taken for true
    expect(computeShimSettings(wrongType.top, wrongType.home)).toMatchObject({ config: 'invalid', requireTrace: false });
    const missing = world();
    expect(computeShimSettings(missing.top, missing.home)).toMatchObject({ source: '', config: 'ok', requireTrace: false });
  });

  it('writes one flat key-value line each, and the daemon rewrites it when the bytes change, whatever the mtime', () => {
    const { top, gd, home } = world('projectName: p\nrequireTrace: true\n');
    const s = writeShimSettings(top, gd, home);
    const file = shimSettingsPath(gd);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '# ai-trace: generated from .chainloop.yml and $TRACE_HOME/config.yml for the git hooks; do not edit',
        `source ${path.join(top, '.chainloop.yml')}`,
        `user_config ${path.join(home, 'config.yml')}`,
        `hash ${s.hash}`,
        'config ok',
        'require_trace 1',
        'gates 0',
        'token_env ',
        '',
      ].join('\n'),
    );
    expect(recordedHash(file)).toBe(s.hash);
    expect(refreshShimSettings(top, gd, home)).toBe(false); // unchanged

    // an edit that sets the config's mtime back (cp -p, tar): the hook cannot see it, the daemon can
    const yml = path.join(top, '.chainloop.yml');
    const old = fs.statSync(yml).mtime;
    fs.writeFileSync(yml, 'projectName: p\nrequireTrace: false\n');
    fs.utimesSync(yml, old, new Date(old.getTime() - 60_000));
    expect(refreshShimSettings(top, gd, home)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('\nrequire_trace 0\n');
    // a user config appearing changes it too
    fs.writeFileSync(path.join(home, 'config.yml'), 'destinations:\n  - type: http\n    url: http://127.0.0.1:1/b\n    tokenEnv: U\n');
    expect(refreshShimSettings(top, gd, home)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('\ntoken_env U\n');
  });

  it("a FIFO in the user config's place is never opened (nothing blocks)", () => {
    const { top, home } = world('projectName: p\n');
    execFileSync('mkfifo', [path.join(home, 'config.yml')]);
    expect(computeShimSettings(top, home)).toMatchObject({ config: 'ok', tokenEnv: [] });
  });

  it('the daemon writes none where trace init never made the state folder', () => {
    const top = path.join(tmp, 'plain');
    fs.mkdirSync(path.join(top, '.git'), { recursive: true });
    fs.writeFileSync(path.join(top, '.chainloop.yml'), 'projectName: p\n');
    expect(refreshShimSettings(top, path.join(top, '.git'), tmp)).toBe(false);
    expect(fs.existsSync(path.join(top, '.git', 'chainloop-trace'))).toBe(false);
  });
});
