import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import schema from '../../src/attest/ai-trace-session-signals-0.1.schema.json' with { type: 'json' };
import { loadOrCreateKey } from '../../src/attest/key.js';
import {
  DANGEROUS_RULES,
  emptySignals,
  isSignalsMaterial,
  SENSITIVE_CATEGORIES,
  signalsMaterial,
  SIGNALS_EVIDENCE_ID,
  SIGNALS_SCHEMA_URI,
  type SessionSignals,
} from '../../src/attest/session-signals.js';
import { signStatement } from '../../src/attest/sign.js';
import { buildStatement, sessionMaterial } from '../../src/attest/statement.js';
import { validateSignalsData, verifyBundle } from '../../src/attest/verify.js';

/** Every field of the type set, so a field the type has and the schema lacks (or the reverse) shows here. */
const full: SessionSignals = {
  schema_version: '0.1',
  session_id: 's-1',
  tool_calls: { total: 9, failed: 2 },
  interrupts: 1,
  last_edit_tool_call: 6,
  secrets: [
    { rule: '@secretlint/secretlint-rule-aws', message_id: 'AWSSecretAccessKey', where: 'tool_output', count: 2, tool_call: 3, tool: 'Read', file: 'config/dev.env' },
    { rule: '@secretlint/secretlint-rule-github', where: 'prompt', count: 1, prompt_index: 0 },
  ],
  dangerous_commands: [{ rule: 'force-push', count: 1, tool_call: 8, tool: 'Bash', command: 'git push -f' }],
  test_runs: [{ runner: 'vitest', kind: 'test', tool_call: 7, outcome: 'passed', after_last_edit: true, command: 'npx vitest run' }],
  failed_tool_calls: [{ tool: 'Bash', tool_call: 4, interrupted: false }, { tool: 'Edit', tool_call: 5, interrupted: true, file: 'src/a.ts' }],
  churn: { ai_lines_written: 30, ai_lines_removed_before_commit: 4, files: [{ path: 'src/a.ts', ai_lines_written: 30, ai_lines_removed_before_commit: 4 }] },
  sensitive_paths: [{ path: '.github/workflows/ci.yml', category: 'ci-config' }],
  truncated: false,
};

describe('the session signals schema', () => {
  it('compiles under ajv strict mode', () => {
    expect(() => new Ajv({ strict: true }).compile(schema)).not.toThrow();
  });

  it('accepts a fully populated value of the TypeScript type, and the empty one', () => {
    expect(validateSignalsData(full)).toEqual([]);
    expect(validateSignalsData(emptySignals('s-2'))).toEqual([]);
  });

  it('has exactly the top-level properties of the type', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(full).sort());
  });

  it('lists the same dangerous-command rules and sensitive categories as the code', () => {
    const props = schema.properties;
    expect(props.dangerous_commands.items.properties.rule.enum).toEqual([...DANGEROUS_RULES]);
    expect(props.sensitive_paths.items.properties.category.enum).toEqual([...SENSITIVE_CATEGORIES]);
  });

  it.each([
    ['an extra top-level field', { ...full, prompt: 'hi' }, 'must NOT have additional properties ("prompt")'],
    ['a secret value on a finding', { ...full, secrets: [{ ...full.secrets[0], secret: 'AKIA…' }] }, '/secrets/0 must NOT have additional properties ("secret")'],
    ['an unknown dangerous rule', { ...full, dangerous_commands: [{ rule: 'rm', count: 1, tool_call: 0, tool: 'Bash' }] }, 'must be equal to one of'],
    ['a zero count', { ...full, secrets: [{ ...full.secrets[0], count: 0 }] }, 'must be >= 1'],
    ['a negative tool call index', { ...full, test_runs: [{ ...full.test_runs[0], tool_call: -1 }] }, 'must be >= 0'],
    ['another schema version', { ...full, schema_version: '0.2' }, 'constant'],
  ])('rejects %s', (_name, data, message) => {
    expect(validateSignalsData(data).join('\n')).toContain(message);
  });
});

describe('a signals material in a signed attestation', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-'));
  const key = loadOrCreateKey(dir);
  const sha = 'a'.repeat(40);
  const session = {
    schema_version: 'v1',
    agent: { name: 'claude-code' },
    session: { id: 's-1', started_at: '2026-12-06T10:00:00Z', duration_seconds: 1 },
  };
  const sign = (signals: unknown) =>
    signStatement(
      buildStatement({
        commits: [{ sha, name: 'repo' }],
        materials: [sessionMaterial(session), { ...signalsMaterial(full), data: signals as SessionSignals }],
        project: { projectName: 'p' },
        publicKeyFingerprint: key.fingerprint,
        createdAt: '2026-12-06T10:00:00Z',
      }),
      key,
    );

  it('verifies, next to the session material, and is recognised by its evidence id', async () => {
    const r = verifyBundle(await sign(full), { publicKeys: [key.publicKeyPem] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [a, b] = r.statement.predicate.materials;
    expect(isSignalsMaterial(a)).toBe(false);
    expect(isSignalsMaterial(b)).toBe(true);
    expect(b).toMatchObject({ schema: SIGNALS_SCHEMA_URI, 'chainloop.material.evidence.id': SIGNALS_EVIDENCE_ID });
  });

  it('is rejected when its data breaks the schema', async () => {
    const r = verifyBundle(await sign({ ...full, command: 'rm -rf /' }), { publicKeys: [key.publicKeyPem] });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.reason).toContain('material 2 data');
  });
});
