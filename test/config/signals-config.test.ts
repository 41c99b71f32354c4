import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/config/chainloop.js';

describe('.chainloop.yml signals', () => {
  it('keeps the raw-command opt-in the signals recorder reads', () => {
    expect(parseRepoConfig('projectName: p\nsignals:\n  includeCommands: true\n', '.chainloop.yml').signals).toEqual({ includeCommands: true });
  });
  it('defaults to private when signals is absent or says nothing', () => {
    expect(parseRepoConfig('projectName: p\n', '.chainloop.yml').signals).toBeUndefined();
    expect(parseRepoConfig('projectName: p\nsignals: {}\n', '.chainloop.yml').signals).toEqual({ includeCommands: false });
  });
  it('refuses a value that is not a boolean, naming the key', () => {
    expect(() => parseRepoConfig('projectName: p\nsignals:\n  includeCommands: yes please\n', '.chainloop.yml')).toThrow(/signals\.includeCommands must be true or false/);
  });
});
