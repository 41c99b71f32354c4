import { describe, expect, it } from 'vitest';
import { parsePatch, reverseUpdate, targetPath, type FilePatch } from '../../src/agents/codex/patch.js';

/** Applies an update forward, the way codex does, to check that reversing gives the original back. */
function applyForward(before: string, op: Extract<FilePatch, { kind: 'update' }>): string {
  const lines = before.endsWith('\n') ? before.slice(0, -1).split('\n') : before.split('\n');
  let cursor = 0;
  for (const c of op.chunks) {
    if (c.context) cursor = lines.indexOf(c.context, cursor) + 1;
    const oldSide = c.lines.filter((l) => l.op !== '+').map((l) => l.text);
    const newSide = c.lines.filter((l) => l.op !== '-').map((l) => l.text);
    let at = cursor;
    while (!oldSide.every((t, k) => lines[at + k] === t)) at++;
    lines.splice(at, oldSide.length, ...newSide);
    cursor = at + newSide.length;
  }
  return `${lines.join('\n')}\n`;
}

describe('codex apply_patch', () => {
  it('reads add, update (with move and several chunks) and delete in one patch', () => {
    const ops = parsePatch(
      [
        '*** Begin Patch',
        '*** Add File: docs/new.md',
        '+# New',
        '+',
        '+text',
        '*** Update File: src/a.ts',
        '*** Move to: src/b.ts',
        '@@ function one() {',
        '-  return 1;',
        '+  return 2;',
        '@@',
        ' const x = 1;',
        '-const y = 2;',
        '+const y = 3;',
        '*** Delete File: old.txt',
        '*** End Patch',
        '',
      ].join('\n'),
    )!;
    expect(ops.map((o) => [o.kind, o.path, targetPath(o)])).toEqual([
      ['add', 'docs/new.md', 'docs/new.md'],
      ['update', 'src/a.ts', 'src/b.ts'],
      ['delete', 'old.txt', 'old.txt'],
    ]);
    expect(ops[0]).toMatchObject({ content: '# New\n\ntext\n' });
    const up = ops[1] as Extract<FilePatch, { kind: 'update' }>;
    expect(up.chunks).toHaveLength(2);
    expect(up.chunks[0]!.context).toBe('function one() {');
  });

  it('is not a patch without Begin Patch', () => {
    expect(parsePatch('echo hi')).toBeNull();
  });

  it('rebuilds the content before an update from the content after it', () => {
    const before = ['function one() {', '  return 1;', '}', '', 'const x = 1;', 'const y = 2;', 'const z = 0;', ''].join('\n');
    const [op] = parsePatch(
      ['*** Begin Patch', '*** Update File: a.ts', '@@ function one() {', '-  return 1;', '+  return 2;', '+  // two', '@@', ' const x = 1;', '-const y = 2;', '+const y = 3;', '*** End Patch'].join('\n'),
    ) as Extract<FilePatch, { kind: 'update' }>[];
    const after = applyForward(before, op!);
    expect(after).toContain('// two');
    expect(reverseUpdate(after, op!.chunks)).toBe(before);
  });

  it('undoes a deletion at the end of the file, and a repeated line at the right place', () => {
    const before = 'a\nb\na\nb\ntail\n';
    const [op] = parsePatch(['*** Begin Patch', '*** Update File: f', '@@', ' a', '-b', '+B', ' tail', '*** End Patch'].join('\n')) as Extract<FilePatch, { kind: 'update' }>[];
    // forward: the second "a b" is the one followed by "tail"
    const after = 'a\nb\na\nB\ntail\n';
    expect(op!.chunks[0]!.lines.map((l) => l.op).join('')).toBe(' -+ ');
    expect(reverseUpdate(after, op!.chunks)).toBe(before);
    const [eof] = parsePatch(['*** Begin Patch', '*** Update File: f', '@@', '-tail', '*** End of File', '*** End Patch'].join('\n')) as Extract<FilePatch, { kind: 'update' }>[];
    expect(reverseUpdate('a\nb\n', eof!.chunks)).toBe('a\nb\ntail\n');
  });

  it('says it cannot tell when the file no longer holds what the patch wrote', () => {
    const [op] = parsePatch(['*** Begin Patch', '*** Update File: f', '@@', '-x', '+y', '*** End Patch'].join('\n')) as Extract<FilePatch, { kind: 'update' }>[];
    expect(reverseUpdate('z\n', op!.chunks)).toBeNull();
  });
});
