import { asTraceError, exitCodeFor } from '../errors.js';
import { VERSION } from '../version.js';
import type { CliContext, Command } from './context.js';

/** Each command loads only its own modules, so a hook's `trace hook …` starts fast. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./init.js')).init,
  uninstall: async () => (await import('./uninstall.js')).uninstall,
  status: async () => (await import('./status.js')).status,
  doctor: async () => (await import('./doctor.js')).doctor,
  show: async () => (await import('./show.js')).show,
  session: async () => (await import('./session.js')).session,
  log: async () => (await import('./log.js')).log,
  daemon: async () => (await import('./daemon.js')).daemon,
  demo: async () => (await import('./demo.js')).demo,
  hook: async () => (await import('./hook.js')).hook,
  key: async () => (await import('./key.js')).key,
  push: async () => (await import('./push.js')).push,
  verify: async () => (await import('./verify.js')).verify,
  attestation: async () => (await import('./attestation.js')).attestation,
  fetch: async () => (await import('./fetch.js')).fetch,
  blame: async () => (await import('./blame.js')).blame,
  export: async () => (await import('./export.js')).exportCommand,
  pr: async () => (await import('./pr.js')).pr,
  dashboard: async () => (await import('./dashboard.js')).dashboard,
  server: async () => (await import('./server.js')).server,
  config: async () => (await import('./config.js')).config,
  run: async () => (await import('./run.js')).run,
};

const HELP = `ai-trace ${VERSION}: make AI coding agents' work visible and verifiable

usage: trace <command> [options]

  init [--project P] [--org O] [--claude|--cursor|--gemini|--codex|--copilot|--opencode…] [--require-trace] [--dry-run]
                                          set up this repository for the agents named (default --claude)
  uninstall [--yes]                       restore every file init touched
  status [--json]                         daemon, sessions and pushes
  doctor [--json]                         every check, with what to do (disk, database, hooks, unattested pushes)
  show [<commit>] [--json]                which lines of a commit an agent wrote
  session show <id> [--json]              one session as Chainloop evidence
  blame <file> [--rev R] [--json]         git blame with each line's AI or human origin
  export --format agent-trace <commit|range>   Agent Trace records
  log [-f] [--hooks]                      the daemon log (or this repository's hook log)
  daemon start|stop|status|run|install    the per-user background daemon
  push --retry [ID]                       retry queued or dead-lettered deliveries now
  verify [BUNDLE | --commit C | --range A..B]   check attestations offline
  attestation show ID|COMMIT [--json]     the signed attestation of a push or commit
  fetch [remote]                          get the remote's attestations (refs/chainloop-trace/*)
  pr [<base>..<head>] [--json] [--policy F]… [--label L]…   PR summary and verdict from the attestations
  key show                                the public key attestations are signed with
  dashboard [--period 7d] [--json] [--html FILE] [--repo PATH]… [--server URL]   org metrics, six cards
  server [--listen H:P] [--database URL] | server token|key …   the team service (ingest, dashboard)
  config show [--rev R] [--json]          the AI agent configuration a push attaches
  run [--agent NAME] -- <command> [args…]   one traced session around any command
  demo                                    a scripted session in a temporary repository
`;

/** Runs one command line; the only place errors become messages and exit codes. */
export async function main(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    ctx.stdout(HELP);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === 'version') {
    ctx.stdout(VERSION + '\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    ctx.stderr(`trace: unknown command '${name}'; run trace --help\n`);
    return 2;
  }
  try {
    const cmd = await load();
    return await cmd(args, ctx);
  } catch (err) {
    return reportError(name, err, ctx);
  }
}

/**
 * The error boundary: a thrown error becomes `trace <command>: <message>` on stderr and an exit status
 * from its code (USAGE 2, else 1). One line, but a usage error also shows the form under its reason.
 */
export function reportError(name: string, err: unknown, ctx: CliContext): number {
  const e = asTraceError(err);
  const usage = e.code === 'USAGE' || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true;
  const [first, ...rest] = e.message.split('\n');
  ctx.stderr(`trace ${name}: ${first}\n${usage ? rest.map((l) => `${l}\n`).join('') : ''}`);
  return usage ? 2 : exitCodeFor(e.code);
}
