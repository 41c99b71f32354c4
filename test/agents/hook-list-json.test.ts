import { describe, expect, it } from 'vitest';
import { mergeHookList, removeHookList, type HookListSpec } from '../../src/agents/hook-list-json.js';

const ours = (c: unknown) => typeof c === 'string' && c.startsWith('ours ');
const spec: HookListSpec = {
  path: '.cursor/hooks.json',
  commandKey: 'command',
  entries: { afterFileEdit: [{ command: 'ours edit' }], stop: [{ command: 'ours stop', timeout: 10 }] },
  isOurs: ours,
};

describe('flat hook-list JSON (Copilot CLI, Cursor)', () => {
  it('writes a new file with version 1 and our entries', () => {
    const text = mergeHookList(null, spec);
    expect(JSON.parse(text)).toEqual({ version: 1, hooks: { afterFileEdit: [{ command: 'ours edit' }], stop: [{ command: 'ours stop', timeout: 10 }] } });
    expect(text.endsWith('\n')).toBe(true);
  });

  it('keeps the user entries, their order and the file indent; a second merge changes nothing', () => {
    const user = '{\n    "version": 1,\n    "hooks": {\n        "afterFileEdit": [{ "command": "./format.sh" }],\n        "beforeReadFile": [{ "command": "./redact.sh" }]\n    },\n    "x": true\n}\n';
    const merged = mergeHookList(user, spec);
    expect(JSON.parse(merged)).toEqual({
      version: 1,
      hooks: { afterFileEdit: [{ command: './format.sh' }, { command: 'ours edit' }], beforeReadFile: [{ command: './redact.sh' }], stop: [{ command: 'ours stop', timeout: 10 }] },
      x: true,
    });
    expect(merged).toContain('\n    "version"');
    expect(mergeHookList(merged, spec)).toBe(merged);
    // removal takes out exactly ours
    expect(JSON.parse(removeHookList(merged, spec))).toEqual(JSON.parse(user));
  });

  it('updates a changed entry of ours in place and drops a stray second one', () => {
    const old = JSON.stringify({ version: 1, hooks: { stop: [{ command: './a' }, { command: 'ours old' }, { command: './b' }, { command: 'ours older' }] } });
    const merged = JSON.parse(mergeHookList(old, spec)) as { hooks: { stop: unknown[] } };
    expect(merged.hooks.stop).toEqual([{ command: './a' }, { command: 'ours stop', timeout: 10 }, { command: './b' }]);
  });

  it('leaves a file without our entries byte for byte on removal, and refuses a broken one with a clear error', () => {
    const user = '{"version":1,"hooks":{"stop":[{"command":"./a"}]}}';
    expect(removeHookList(user, spec)).toBe(user);
    expect(() => mergeHookList('{ nope', spec)).toThrow(/\.cursor\/hooks\.json: invalid JSON.*trace init again/);
    expect(() => mergeHookList('{"hooks": {"stop": {}}}', spec)).toThrow(/hooks\.stop must be a list/);
    expect(() => mergeHookList('[]', spec)).toThrow(/expected a JSON object/);
  });
});
