import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TraceError } from '../../errors.js';
import { loadExeca } from '../../git/run.js';
import type { CustomPolicy } from './files.js';

/** The `opa` executable on `PATH` (from `env`), or null when there is none. */
export function findOpa(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'opa');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** The module's package (`package main` → `main`). */
export function regoPackage(policy: CustomPolicy): string {
  const m = /^\s*package\s+([A-Za-z_][\w.]*)/m.exec(policy.source);
  if (!m) throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the Rego module has no package line`);
  return m[1]!;
}

/** A Rego policy ready to evaluate with `opa eval`: call it with the input, get the violation messages. */
export type RegoProgram = (input: unknown) => Promise<string[]>;

/**
 * Prepares a Rego policy for `opa eval`, queried as Chainloop queries it: `data.<package>`, whose
 * `result` (`{violations, skipped}`) or, in older policies, `violations` set holds the messages.
 * Modules written for OPA 0.x (no `import rego.v1`) are retried with `--v0-compatible`.
 */
export async function prepareRego(policy: CustomPolicy, opa: string): Promise<{ run: RegoProgram; close: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-trace-rego-'));
  const module = path.join(dir, 'policy.rego');
  fs.writeFileSync(module, policy.source);
  const pkg = regoPackage(policy);
  const { execa } = await loadExeca();
  let v0 = false;
  const evalOnce = (input: unknown, compat: boolean) =>
    execa(opa, ['eval', '--format', 'json', '--stdin-input', '--data', module, ...(compat ? ['--v0-compatible'] : []), `data.${pkg}`], {
      input: JSON.stringify(input),
      reject: false,
      timeout: 60_000,
    });
  const run: RegoProgram = async (input) => {
    let r = await evalOnce(input, v0);
    if (r.exitCode !== 0 && !v0 && /rego_parse_error/.test(String(r.stdout) + String(r.stderr))) {
      const retry = await evalOnce(input, true);
      if (retry.exitCode === 0) {
        v0 = true;
        r = retry;
      }
    }
    if (r.exitCode !== 0) {
      const msg = firstError(String(r.stdout)) ?? (String(r.stderr).trim().split('\n')[0] || `exit ${r.exitCode}`);
      throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: opa eval failed: ${msg}`);
    }
    return violationsOf(policy, String(r.stdout));
  };
  return { run, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function firstError(stdout: string): string | null {
  try {
    const j = JSON.parse(stdout) as { errors?: { message?: string; location?: { row?: number } }[] };
    const e = j.errors?.[0];
    return e ? `${e.message ?? 'error'}${e.location?.row ? ` (line ${e.location.row})` : ''}` : null;
  } catch {
    return null;
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `opa eval --format json` output: `result[0].expressions[0].value` is the package's document. */
export function violationsOf(policy: CustomPolicy, stdout: string): string[] {
  let value: unknown;
  try {
    const j = JSON.parse(stdout) as { result?: { expressions?: { value?: unknown }[] }[] };
    value = j.result?.[0]?.expressions?.[0]?.value;
  } catch {
    throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: opa eval printed something that is not its JSON output`);
  }
  if (value === undefined) return []; // the package defines nothing for this input
  if (!isObj(value)) throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: data.${regoPackage(policy)} is not an object`);
  const result = isObj(value.result) ? value.result : null;
  if (result?.skipped === true) return [];
  const list = result ? result.violations : value.violations;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: violations must be a set or list of messages`);
  return list.map((m) => (typeof m === 'string' ? m : isObj(m) && typeof m.msg === 'string' ? m.msg : JSON.stringify(m)));
}
