// JSON schemas for the daemon's request inputs, checked by fastify before a handler runs: a missing or
// mistyped field is a 400 with code USAGE, never a TypeError deep in a query. They describe the request
// types in protocol/types.ts and the routes' own query shapes.

const str = { type: 'string', minLength: 1 } as const;

/** `?repo=…` on every read route. */
export const repoQuery = { type: 'object', required: ['repo'], properties: { repo: str } } as const;

/** GET /v1/blame. */
export const blameQuery = { type: 'object', required: ['repo', 'file'], properties: { repo: str, file: str, rev: { type: 'string' } } } as const;

/** GET /v1/export/agent-trace. */
export const exportQuery = { type: 'object', required: ['repo', 'commits'], properties: { repo: str, commits: str } } as const;

/** GET /v1/commits/:sha. */
export const shaParams = { type: 'object', required: ['sha'], properties: { sha: str } } as const;

/** POST /v1/hooks/commit-msg: CommitMsgRequest. */
export const commitMsgBody = {
  type: 'object',
  required: ['repo'],
  properties: { repo: str, messageFile: { type: 'string' }, indexFile: { type: 'string' }, gitCommand: { type: 'string' } },
} as const;
