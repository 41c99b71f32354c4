import { describe, expect, it } from 'vitest';
import { reverseEdits, stringEdits } from '../../src/agents/reverse-edits.js';

describe("Cursor afterFileEdit: the content before, rebuilt from the reported edits (synthetic edits: no Cursor client runs here)", () => {
  it('undoes one replacement', () => {
    expect(reverseEdits('a\nB\nc\n', [{ old_string: 'b', new_string: 'B' }])).toBe('a\nb\nc\n');
  });

  it('undoes several edits last to first, where a later edit changed an earlier one', () => {
    // "x" → "y", then "y1" → "z1": undo the second first
    expect(reverseEdits('z1\n', [{ old_string: 'x', new_string: 'y' }, { old_string: 'y1', new_string: 'z1' }])).toBe('x1\n');
  });

  it('takes a new file written whole as empty before', () => {
    expect(reverseEdits('hello\n', [{ old_string: '', new_string: 'hello\n' }])).toBe('');
  });

  it('gives up (null) rather than guess: a new_string found twice, not found, or empty', () => {
    expect(reverseEdits('x\nx\n', [{ old_string: 'a', new_string: 'x' }])).toBeNull();
    expect(reverseEdits('x\n', [{ old_string: 'a', new_string: 'q' }])).toBeNull();
    expect(reverseEdits('x\n', [{ old_string: 'gone', new_string: '' }])).toBeNull();
  });

  it('reads only well-formed edits', () => {
    expect(stringEdits([{ old_string: 'a', new_string: 'b' }])).toEqual([{ old_string: 'a', new_string: 'b' }]);
    expect(stringEdits([{ old_string: 'a' }])).toBeNull();
    expect(stringEdits('nope')).toBeNull();
  });
});
