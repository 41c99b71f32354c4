/**
 * Issue 10, "Must show": the CHAINLOOP_AI_AGENT_CONFIG material of a repository with CLAUDE.md, .mcp.json (an env
 * secret) and a settings file holding a planted fake token is valid against Chainloop's 0.1 schema, the token
 * redacted, the env value stripped; the material is in the pushed attestation and `trace verify` passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { collectAgentConfigs } from '../src/agent-config/collect.js';
import { readMcp } from '../src/agent-config/mcp.js';
import { redactText } from '../src/agent-config/redact.js';
import { agentConfigSources, UNDECLARED_CONFIG_SOURCES } from '../src/agent-config/sources.js';
import type { AgentAdapter } from '../src/agents/adapter.js';
import { ADAPTERS } from '../src/agents/registry.js';
import type { AgentConfigData } from '../src/attest/agent-config.js';
import { validateAgentConfigData } from '../src/attest/verify.js';
import { ROOT } from './helpers/repo.js';
import { addBareRemote, allDelivered, bundleJson, statementOf, tracedCommit, waitForPushes } from './push/helpers.js';
import { RepoPool } from './helpers/repo.js';

// planted fake credentials, assembled so that this file itself holds no token-shaped literal
const GITHUB_TOKEN = ['ghp', 'wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx'].join('_');
const SLACK_TOKEN = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const MCP_ENV_VALUE = 'mcp-env-value-that-must-not-leave-7f3a';

const FILES: Record<string, string> = {
  'CLAUDE.md': `# Project rules\n\nUse pnpm. The docs' sample Slack token is ${SLACK_TOKEN} <!-- ai-trace:allow-secret -->\n`,
  '.mcp.json': JSON.stringify(
    {
      mcpServers: {
        github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: MCP_ENV_VALUE } },
        docs: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: `Bearer ${MCP_ENV_VALUE}` } },
      },
    },
    null,
    2,
  ),
  '.claude/settings.local.json': JSON.stringify({ permissions: { allow: ['Bash(npm test)'], deny: ['Read(.env)'], defaultMode: 'acceptEdits' }, env: { GH_TOKEN: GITHUB_TOKEN } }, null, 2),
  '.claude/agents/reviewer.md': '---\nname: reviewer\ndescription: Reviews diffs\ntools: Read, Grep\nmodel: haiku\n---\nYou review.\n',
  'AGENTS.md': '# Shared agent instructions\n',
  'src/app.ts': 'export const x = 1;\n',
};

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'src', 'attest', 'ai-agent-config-0.1.schema.json'), 'utf8')) as Record<string, unknown>;
const ajvValidate = new Ajv({ strict: false, allErrors: true }).compile(schema);
const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

function expectValid(data: unknown): void {
  expect(ajvValidate(data), JSON.stringify(ajvValidate.errors)).toBe(true);
  expect(validateAgentConfigData(data)).toEqual([]);
}

describe('AI agent configuration material', () => {
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  it('is the copy of Chainloop\'s published 0.1 schema', () => {
    expect(schema.$id).toBe('https://schemas.chainloop.dev/aiagentconfig/0.1/ai-agent-config.schema.json');
    expect(schema.required).toEqual(['agent', 'config_hash', 'config_files']);
    expect(ajvValidate({ agent: { name: 'claude' }, config_hash: 'x', config_files: [{ path: 'CLAUDE.md', kind: 'rules', sha256: 'x', size: 1, content: '' }] })).toBe(false);
  });

  it('one material per configured agent: valid, token redacted, MCP env and header values stripped, allow marker honoured', async () => {
    const t = pool.create({ init: false, files: FILES });
    const r = await collectAgentConfigs({ repo: t.repo });
    expect(r.commit).toBe(t.head());
    expect(r.materials.map((m) => m.data.agent.name)).toEqual(['claude-code']); // AGENTS.md alone configures no other agent
    const m = r.materials[0]!;
    expect(m.schema).toBe(schema.$id);
    expect(m['chainloop.material.evidence.id']).toBe('CHAINLOOP_AI_AGENT_CONFIG');
    const d: AgentConfigData = m.data;
    expectValid(d);

    expect(d.config_files.map((f) => [f.path, f.kind])).toEqual([
      ['.claude/agents/reviewer.md', 'agent'],
      ['.claude/settings.local.json', 'configuration'],
      ['.mcp.json', 'configuration'],
      ['CLAUDE.md', 'instruction'],
    ]);
    for (const f of d.config_files) {
      // digest and size are the committed file's (comparable with the repository); content is what may leave
      const committed = Buffer.from(FILES[f.path]!, 'utf8');
      expect(f.size).toBe(committed.length);
      expect(f.sha256).toBe((await import('node:crypto')).createHash('sha256').update(committed).digest('hex'));
    }
    const content = (p: string) => decode(d.config_files.find((f) => f.path === p)!.content);
    const json = JSON.stringify(d);
    expect(json).not.toContain(GITHUB_TOKEN);
    expect(content('.claude/settings.local.json')).toContain('"GH_TOKEN": "[REDACTED:github]"');
    expect(json).not.toContain(MCP_ENV_VALUE);
    expect(content('.mcp.json')).toContain('"GITHUB_PERSONAL_ACCESS_TOKEN": "[STRIPPED]"');
    expect(content('.mcp.json')).toContain('"Authorization": "[STRIPPED]"');
    expect(content('CLAUDE.md')).toBe(FILES['CLAUDE.md']); // the user vouched for the sample token
    expect(r.redactions).toEqual([{ agent: 'claude-code', path: '.claude/settings.local.json', rule: 'github', line: 12 }]);
    expect(r.allowed).toBe(1);

    expect(d.mcp_servers).toEqual([
      { name: 'github', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env_keys: ['GITHUB_PERSONAL_ACCESS_TOKEN'] },
      { name: 'docs', url: 'https://mcp.example.com/mcp' },
    ]);
    expect(d.permissions).toEqual({ allow: ['Bash(npm test)'], deny: ['Read(.env)'], default_mode: 'acceptEdits' });
    expect(d.subagents).toEqual([{ name: 'reviewer', path: '.claude/agents/reviewer.md', description: 'Reviews diffs', tools: ['Read', 'Grep'], model: 'haiku' }]);
    expect(d.git_context).toEqual({ branch: 'main', commit_sha: t.head() });
    expect(d.config_hash).toMatch(/^[0-9a-f]{64}$/);

    // drift: a changed instruction changes config_hash; the same files give the same hash
    expect((await collectAgentConfigs({ repo: t.repo })).materials[0]!.data.config_hash).toBe(d.config_hash);
    t.write('CLAUDE.md', '# Project rules\n\nUse npm.\n');
    t.commitAll('rules');
    expect((await collectAgentConfigs({ repo: t.repo })).materials[0]!.data.config_hash).not.toBe(d.config_hash);
  });

  it('reads the files at the commit asked for; shared AGENTS.md joins each configured agent that reads it; links resolve', async () => {
    const t = pool.create({ init: false, files: { 'AGENTS.md': '# Rules\n', '.codex/config.toml': `approval_policy = "on-request"\nsandbox_mode = "workspace-write"\n\n[mcp_servers.db]\ncommand = "db-mcp"\nargs = ["--ro"]\nenv = { DB_PASSWORD = "${MCP_ENV_VALUE}" }\n`, '.gemini/settings.json': '{\n  // comments are allowed here\n  "mcpServers": {"s": {"httpUrl": "http://127.0.0.1:9/mcp", "disabled": true}},\n  "tools": {"exclude": ["run_shell_command"]},\n}\n' } });
    fs.symlinkSync('AGENTS.md', path.join(t.repo, 'GEMINI.md'));
    t.git('add', '-A');
    t.git('commit', '-q', '-m', 'link');
    const r = await collectAgentConfigs({ repo: t.repo });
    const by = Object.fromEntries(r.materials.map((m) => [m.data.agent.name, m.data]));
    expect(Object.keys(by).sort()).toEqual(['codex', 'gemini-cli']);
    for (const d of Object.values(by)) expectValid(d);
    expect(by.codex!.config_files.map((f) => f.path)).toEqual(['.codex/config.toml', 'AGENTS.md']);
    expect(by.codex!.mcp_servers).toEqual([{ name: 'db', command: 'db-mcp', args: ['--ro'], env_keys: ['DB_PASSWORD'] }]);
    expect(by.codex!.permissions).toEqual({ default_mode: 'on-request', sandbox: 'workspace-write' });
    expect(JSON.stringify(by.codex)).not.toContain(MCP_ENV_VALUE);
    expect(decode(by.codex!.config_files[0]!.content)).toContain('DB_PASSWORD = "[STRIPPED]"');
    const gemini = by['gemini-cli']!;
    expect(gemini.config_files.map((f) => f.path)).toEqual(['.gemini/settings.json', 'AGENTS.md', 'GEMINI.md']);
    expect(decode(gemini.config_files.find((f) => f.path === 'GEMINI.md')!.content)).toBe('# Rules\n'); // the link's target
    expect(gemini.mcp_servers).toEqual([{ name: 's', url: 'http://127.0.0.1:9/mcp', disabled: true }]);
    expect(gemini.permissions).toEqual({ deny: ['run_shell_command'] });

    // an earlier commit: only what was there then
    const first = (await collectAgentConfigs({ repo: t.repo, rev: 'HEAD~1' })).materials.find((m) => m.data.agent.name === 'gemini-cli')!;
    expect(first.data.config_files.map((f) => f.path)).toEqual(['.gemini/settings.json', 'AGENTS.md']);
    expect(first.data.git_context?.commit_sha).toBe(t.git('rev-parse', 'HEAD~1').trim());
  });

  it('the allow marker on the line before keeps the next line; elsewhere the value is redacted', async () => {
    const text = `# ai-trace:allow-secret\nkey = "${GITHUB_TOKEN}"\nother = "${GITHUB_TOKEN}"\n`;
    const r = await redactText(text);
    expect(r.text).toBe(`# ai-trace:allow-secret\nkey = "${GITHUB_TOKEN}"\nother = "[REDACTED:github]"\n`);
    expect(r.allowed).toBe(1);
    expect(r.redacted).toEqual([{ rule: 'github', line: 3 }]);
  });

  it("each adapter's configFiles declaration is what the collector reads for it; the table covers agents that declare none", () => {
    const fake = { name: 'fake-agent', configFiles: [{ path: 'FAKE.md', kind: 'instructions' }, { path: '.fake/skills/', kind: 'skills', ext: ['.md'] }, { path: 'AGENTS.md', kind: 'instructions', shared: true }, { path: '.fake/mcp.json', kind: 'mcp', mcp: 'mcpServers-json' }] } as unknown as AgentAdapter;
    const sources = agentConfigSources([fake]);
    expect(sources[0]).toEqual({
      agent: 'fake-agent',
      own: [{ path: 'FAKE.md', kind: 'instruction' }, { under: '.fake/skills', kind: 'skill', ext: ['.md'] }, { path: '.fake/mcp.json', kind: 'configuration', mcp: 'mcpServers-json' }],
      shared: [{ path: 'AGENTS.md', kind: 'instruction' }],
    });
    expect(sources.slice(1)).toEqual(UNDECLARED_CONFIG_SOURCES);
    // every registered adapter that declares files is read from its declaration, not from the table
    const declaring = ADAPTERS.filter((a) => a.configFiles.length > 0).map((a) => a.name);
    expect(declaring).toContain('claude-code');
    for (const name of declaring) expect(UNDECLARED_CONFIG_SOURCES.map((u) => u.agent)).not.toContain(name);
  });

  it('an MCP file that does not parse gives no servers and a reason, its text unchanged', () => {
    expect(readMcp('mcpServers-json', '{ not json')).toMatchObject({ servers: [], text: '{ not json', error: expect.any(String) });
  });

  it('trace config show prints what a push attaches; the push attests it and trace verify passes', async () => {
    const t = pool.create({ files: FILES });
    const bare = addBareRemote(t);
    const shown = t.trace('config', 'show', '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const report = JSON.parse(shown.stdout) as { materials: { data: AgentConfigData }[] };
    expect(report.materials.map((m) => m.data.agent.name)).toEqual(['claude-code']);
    expect(shown.stdout).not.toContain(GITHUB_TOKEN);
    expect(shown.stdout).not.toContain(MCP_ENV_VALUE);
    const human = t.trace('config', 'show');
    expect(human.stdout).toMatch(/^claude-code {2}\(config_hash [0-9a-f]{16}…/);
    expect(human.stdout).toContain('mcp github: npx -y @modelcontextprotocol/server-github (env: GITHUB_PERSONAL_ACCESS_TOKEN; values stripped)');
    expect(human.stdout).toContain('redacted: .claude/settings.local.json:12 (github)');

    const a = tracedCommit(t, 'src/greet.js', 'export const greet = (n) => `hi ${n}`;\n');
    t.git('push', '-q', 'origin', 'main');
    await waitForPushes(t, allDelivered(1));
    const bundle = bundleJson(t, 'HEAD');
    expect(bundle).not.toContain(GITHUB_TOKEN);
    const { text, statement } = statementOf(bundle);
    expect(text).not.toContain(GITHUB_TOKEN);
    expect(text).not.toContain(MCP_ENV_VALUE);
    const configs = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'CHAINLOOP_AI_AGENT_CONFIG');
    expect(configs).toHaveLength(1);
    const data = configs[0]!.data as unknown as AgentConfigData;
    expectValid(data);
    expect(data.git_context).toEqual({ repository: bare, branch: 'main', commit_sha: a.sha });
    expect(data.config_files.map((f) => f.path)).toContain('.claude/settings.json');
    const v = t.trace('verify', '--commit', a.sha);
    expect(v.code, v.stderr).toBe(0);
  }, 180_000); // a whole push, end to end: init, a session, commit, push, delivery, verify
});
