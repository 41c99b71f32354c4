import type { UsageReader } from '../adapter.js';
import { readJsonLines } from '../jsonl.js';
import { summarizeRequests } from '../request-usage.js';
import { emptyCopilotLogState, foldCopilotEvent, type CopilotLogState } from './events-log.js';

const state = (s: unknown): CopilotLogState => (s as CopilotLogState | null) ?? emptyCopilotLogState();

/** Copilot CLI's usage: its session events log, read incrementally (the path comes with `agentStop`). */
export const copilotUsage: UsageReader = {
  read: (path, s) => readJsonLines(path, state(s), foldCopilotEvent, emptyCopilotLogState),
  summarize: (s) => {
    const st = state(s);
    return summarizeRequests(st.requests, {
      version: st.version,
      fallbackModel: st.selectedModel,
      userMessages: st.userMessages,
      assistantMessages: st.assistantMessages,
      lastTimestamp: st.lastTimestamp,
      warnings: st.warnings,
    });
  },
};
