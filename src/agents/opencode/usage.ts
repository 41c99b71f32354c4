import type { UsageReader } from '../adapter.js';
import { summarizeRequests } from '../request-usage.js';
import { readOpencodeRecords, type OpencodeRecords } from './records.js';

const empty = (): OpencodeRecords => ({ requests: [], userMessages: 0, assistantMessages: 0, warnings: [] });
const state = (s: unknown): OpencodeRecords => (s as OpencodeRecords | null) ?? empty();

/** OpenCode's usage: its own SQLite records of the session, read whole at each stop (one indexed query). */
export const opencodeUsage: UsageReader = {
  read: (path, _state, sessionId) => readOpencodeRecords(path, sessionId),
  summarize: (s) => {
    const st = state(s);
    return summarizeRequests(st.requests, {
      version: st.version,
      slug: st.slug,
      userMessages: st.userMessages,
      assistantMessages: st.assistantMessages,
      lastTimestamp: st.lastTimestamp,
      warnings: st.warnings,
    });
  },
};
