import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TraceError } from '../errors.js';
import { traceHome } from '../paths.js';
import type { Command, CliContext } from './context.js';
import { usage } from './usage.js';

const FORM = `trace server [--listen HOST:PORT] [--database URL] [--github-webhook-secret-env NAME]
       trace server token create --name N | token list | token revoke NAME   [--database URL]
       trace server key list | key revoke FINGERPRINT | key rotate --token NAME [--key PEM]   [--database URL]`;

/** The database: --database, else TRACE_DATABASE_URL, else a SQLite file under TRACE_HOME. */
function databaseLocation(given: string | undefined, ctx: CliContext): string {
  const loc = given ?? ctx.env.TRACE_DATABASE_URL;
  if (loc) return /^postgres(ql)?:\/\//i.test(loc) || loc === ':memory:' ? loc : path.resolve(ctx.cwd, loc);
  return path.join(traceHome(ctx.env), 'server', 'server.db');
}

/** `HOST:PORT` (IPv6 in brackets); default 127.0.0.1:8080. */
export function parseListen(raw: string | undefined): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(raw ?? '127.0.0.1:8080');
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new TraceError('USAGE', `--listen '${raw}' must be HOST:PORT, e.g. 0.0.0.0:8080 (port 0 picks a free one)`);
  return { host: (m[1] ?? m[2])!, port };
}

/** `trace server`: the team service, and its token and key administration. */
export const server: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      listen: { type: 'string' },
      database: { type: 'string' },
      'github-webhook-secret-env': { type: 'string' },
      name: { type: 'string' },
      token: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const location = databaseLocation(values.database, ctx);
  const [group, action, arg, ...rest] = positionals;
  if (rest.length) throw usage(FORM);
  if (group === undefined) return serve(ctx, location, values.listen, values['github-webhook-secret-env']);
  const { openTeamDb } = await import('../team/db/open.js');
  const db = await openTeamDb(location, { poolSize: 2 });
  try {
    if (group === 'token') return await tokenCommand(db.db, action, arg, values, ctx);
    if (group === 'key') return await keyCommand(db.db, action, arg, values, ctx);
    throw usage(FORM);
  } finally {
    await db.close();
  }
};

type Values = { name?: string; token?: string; key?: string; json?: boolean };
type Db = import('../team/db/open.js').TeamDb['db'];

async function tokenCommand(db: Db, action: string | undefined, arg: string | undefined, v: Values, ctx: CliContext): Promise<number> {
  const tokens = await import('../team/tokens.js');
  if (action === 'create' && v.name && !arg) {
    const { token } = await tokens.createToken(db, v.name);
    ctx.stdout(`${token}\n`);
    ctx.stderr(`token '${v.name}' created; it is shown only this once. Its first delivery binds the developer's key to it.\n`);
    return 0;
  }
  if (action === 'list' && !arg) {
    const list = await tokens.listTokens(db);
    if (v.json) ctx.stdout(`${JSON.stringify(list, null, 2)}\n`);
    else {
      ctx.stdout(`${'name'.padEnd(24)} ${'created'.padEnd(20)} ${'state'.padEnd(8)} key\n`);
      for (const t of list) {
        ctx.stdout(`${t.name.padEnd(24)} ${t.created_at.slice(0, 19).padEnd(20)} ${(t.revoked_at ? 'revoked' : 'active').padEnd(8)} ${t.key_fingerprint ?? '(none bound)'}\n`);
      }
    }
    return 0;
  }
  if (action === 'revoke' && arg) {
    await tokens.revokeToken(db, arg);
    ctx.stdout(`token '${arg}' revoked\n`);
    return 0;
  }
  throw usage(FORM);
}

async function keyCommand(db: Db, action: string | undefined, arg: string | undefined, v: Values, ctx: CliContext): Promise<number> {
  const keys = await import('../team/keys.js');
  if (action === 'list' && !arg) {
    const list = await keys.listKeys(db);
    if (v.json) ctx.stdout(`${JSON.stringify(list, null, 2)}\n`);
    else {
      ctx.stdout(`${'fingerprint'.padEnd(52)} ${'token'.padEnd(20)} ${'state'.padEnd(8)} bound\n`);
      for (const k of list) ctx.stdout(`${k.fingerprint.padEnd(52)} ${k.token_name.padEnd(20)} ${k.state.padEnd(8)} ${k.bound_at.slice(0, 19)}\n`);
    }
    return 0;
  }
  if (action === 'revoke' && arg) {
    const n = await keys.revokeKey(db, arg);
    ctx.stdout(`key ${arg} revoked (${n} token(s)); run trace server key rotate --token NAME to let a token bind a new key\n`);
    return 0;
  }
  if (action === 'rotate' && v.token && !arg) {
    const pem = v.key ? fs.readFileSync(path.resolve(ctx.cwd, v.key), 'utf8') : undefined;
    const fp = await keys.rotateKey(db, v.token, pem);
    ctx.stdout(fp ? `token '${v.token}' now takes key ${fp}\n` : `token '${v.token}' will bind the next key its client presents\n`);
    return 0;
  }
  throw usage(FORM);
}

async function serve(ctx: CliContext, location: string, listen: string | undefined, secretEnv: string | undefined): Promise<number> {
  const { host, port } = parseListen(listen);
  let githubSecret: string | undefined;
  if (secretEnv !== undefined) {
    githubSecret = ctx.env[secretEnv];
    if (!githubSecret) throw new TraceError('CONFIG_INVALID', `environment variable ${secretEnv} (--github-webhook-secret-env) is empty or not set; export the webhook secret in it`);
  }
  const [{ openTeamDb }, { buildTeamServer }, { default: pino }] = await Promise.all([
    import('../team/db/open.js'),
    import('../team/server.js'),
    import('pino'),
  ]);
  const log = pino({ level: ctx.env.TRACE_LOG_LEVEL ?? 'info', base: { pid: process.pid, service: 'trace-server' } });
  const db = await openTeamDb(location);
  const app = buildTeamServer({ db, log, githubSecret });
  let address: string;
  try {
    address = await app.listen({ host, port });
  } catch (err) {
    await db.close();
    throw new TraceError('CONFIG_INVALID', `cannot listen on ${host}:${port}: ${(err as Error).message}`, { cause: err });
  }
  ctx.stderr(`trace server listening on ${address} (database: ${db.engine} ${db.label})\n`);
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      log.info({ signal: sig }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await app.close();
  await db.close();
  return 0;
}
