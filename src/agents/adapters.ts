// One line per agent: its adapter, exported under any name. `registry.ts` takes every export.
export { claudeCode } from './claude/adapter.js';
export { generic } from './generic/adapter.js';
export { geminiCli } from './gemini/adapter.js';
export { codex } from './codex/adapter.js';
export { copilotCli } from './copilot/adapter.js';
export { opencode } from './opencode/adapter.js';
export { cursor } from './cursor/adapter.js';
