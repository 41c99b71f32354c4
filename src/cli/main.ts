import { asTraceError } from '../errors.js';
import type { CliContext, Command } from './context.js';
import { daemon } from './daemon.js';
import { demo } from './demo.js';
import { hook } from './hook.js';
import { init } from './init.js';
import { key } from './key.js';
import { log } from './log.js';
import { session } from './session.js';
import { show } from './show.js';
import { status } from './status.js';
import { uninstall } from './uninstall.js';
import { VERSION } from '../version.js';
import { attestation } from './attestation.js';
import { fetch } from './fetch.js';
import { push } from './push.js';
import { verify } from './verify.js';

const COMMANDS: Record<string, Command> = { init, uninstall, status, show, session, log, daemon, demo, hook, key, push, verify, attestation, fetch };

const HELP = `ai-trace ${VERSION}: make AI coding agents' work visible and verifiable

usage: trace <command> [options]

  init [--project P] [--org O] [--claude] [--require-trace] [--dry-run]   set up this repository
  uninstall [--yes]                       restore every file init touched
  status [--json]                         daemon, sessions and pushes
  show [<commit>] [--json]                which lines of a commit an agent wrote
  session show <id> [--json]              one session as Chainloop evidence
  log [-f] [--hooks]                      the daemon log (or this repository's hook log)
  daemon start|stop|status|run|install    the per-user background daemon
  push --retry [ID]                       retry queued or dead-lettered deliveries now
  verify [BUNDLE | --commit C | --range A..B]   check attestations offline
  attestation show ID|COMMIT [--json]     the signed attestation of a push or commit
  fetch [remote]                          get the remote's attestations (refs/chainloop-trace/*)
  key show                                the public key attestations are signed with
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
  const cmd = COMMANDS[name];
  if (!cmd) {
    ctx.stderr(`trace: unknown command '${name}'; run trace --help\n`);
    return 2;
  }
  try {
    return await cmd(args, ctx);
  } catch (err) {
    const e = asTraceError(err);
    const parseError = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    ctx.stderr(`trace ${name}: ${e.message.split('\n')[0]}\n`);
    return e.code === 'USAGE' || parseError ? 2 : 1;
  }
}
