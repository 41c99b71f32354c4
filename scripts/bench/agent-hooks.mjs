// Benchmark (issue 10): every registered agent's hook cost against the floor `sh -c 'cat >/dev/null'`. For each
// adapter in the registry that installs hooks, `trace init --<flag>` writes its hook files; every hook command
// found in them (`… set -- <shim> <Event> [edit|other|start] [keys]; . hook.sh`) is run through `sh -c` with a
// payload of that agent's shape (an edit event names a real file under the adapter's path key, so the shim
// snapshots it), interleaved with the floor fed the same bytes. A new agent is picked up without touching this file.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeRepo, PACKAGE_ROOT, row, shuffled, skippedRow, sourceFile, stats, stopDaemon, timeHook, trace } from './lib.mjs';

export const name = 'agent-hooks';
export const title = "each registered agent's hook per event vs the floor of spawning a shell";

const TARGET = { max: 2, on: 'ratio', text: '≤ 2× floor (like Claude Code)' };

/** Every string under a `command` or `bash` key of a hook file that runs our shim. */
function hookCommands(value, out = []) {
  if (Array.isArray(value)) for (const v of value) hookCommands(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'command' || k === 'bash') && typeof v === 'string' && /hook\.sh|trace-hook/.test(v)) out.push(v);
      else hookCommands(v, out);
    }
  }
  return out;
}

/** `set -- <shim> <Event> [flavor] [keys…]` of a hook command. */
function shimArgs(command) {
  const m = /set -- ([^;]*);/.exec(command);
  const [shim, event, flavor, ...keys] = (m?.[1] ?? '').trim().split(/\s+/);
  return { shim, event, flavor: flavor ?? '', keys };
}

/** A payload of about the size a real hook gets; an edit names `file` under the adapter's first path key. */
function payloadFor(adapter, args, repo, file) {
  const base = { session_id: 'bench-0000-4000-8000-000000000002', cwd: repo, hook_event_name: args.event, timestamp: new Date(0).toISOString() };
  if (args.flavor !== 'edit') return { ...base, tool_name: 'shell', tool_input: { command: 'npm test -- --run', description: 'x'.repeat(200) } };
  const key = args.keys[0] ?? adapter.shim.pathKeys[0] ?? 'file_path';
  const input = { [key]: file, old_string: 'default-1-41', new_string: 'edited-1-41' };
  return { ...base, tool_name: 'edit', tool_input: input, ...input };
}

export async function run(ctx) {
  const registry = await import(pathToFileURL(path.join(PACKAGE_ROOT, 'dist', 'src', 'agents', 'registry.js')).href);
  const adapters = registry.ADAPTERS.filter((a) => a.hookFiles.length > 0);
  const rows = [];
  const rounds = ctx.n(150, 10);
  for (const adapter of adapters) {
    const { env } = ctx.traceHome(`hooks-${adapter.shim.name}`);
    const repo = makeRepo(ctx.dir(`hooks-${adapter.shim.name}-repo`), { 'src/app.ts': sourceFile(200, 1), 'README.md': '# bench\n' }, env);
    const init = trace(['init', '--project', 'bench', `--${adapter.flag}`], { cwd: repo, env, check: false });
    if (init.status !== 0) {
      rows.push(skippedRow(name, `${adapter.name}: trace init --${adapter.flag} failed`, (init.stderr || init.stdout).trim().split('\n')[0]));
      continue;
    }
    stopDaemon(env);
    const commands = [];
    for (const hf of adapter.hookFiles) {
      const file = path.join(repo, hf.path);
      if (!fs.existsSync(file)) continue;
      try {
        commands.push(...hookCommands(JSON.parse(fs.readFileSync(file, 'utf8'))));
      } catch {
        /* not JSON (a plugin file): its hooks run in the agent's own process, not through sh */
      }
    }
    const unique = [...new Set(commands)];
    if (unique.length === 0) {
      rows.push(skippedRow(name, `${adapter.name}: no shell hook command`, 'its hooks run inside the agent (a plugin), not through sh'));
      continue;
    }
    const henv = { ...env, CLAUDE_PROJECT_DIR: repo };
    const target = path.join(repo, 'src/app.ts');
    const cases = unique.map((c) => {
      const args = shimArgs(c);
      return { command: c, label: `${args.event}${args.flavor ? ` ${args.flavor}` : ''}`, flavor: args.flavor, text: JSON.stringify(payloadFor(adapter, args, repo, target)) };
    });
    for (const c of cases) {
      timeHook(c.command, repo, henv, c.text);
      timeHook('cat >/dev/null', repo, henv, c.text);
    }
    const hook = cases.map(() => []);
    const floor = cases.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const i of shuffled(cases.map((_, j) => j), r + 7)) {
        const c = cases[i];
        if (r % 2) {
          hook[i].push(timeHook(c.command, repo, henv, c.text));
          floor[i].push(timeHook('cat >/dev/null', repo, henv, c.text));
        } else {
          floor[i].push(timeHook('cat >/dev/null', repo, henv, c.text));
          hook[i].push(timeHook(c.command, repo, henv, c.text));
        }
      }
    }
    for (const flavor of ['edit', 'other']) {
      const idx = cases.map((c, i) => (flavor === 'edit' ? c.flavor === 'edit' : c.flavor !== 'edit') ? i : -1).filter((i) => i >= 0);
      if (!idx.length) continue;
      const s = stats(idx.flatMap((i) => hook[i]));
      const f = stats(idx.flatMap((i) => floor[i]));
      rows.push(row({
        bench: name, figure: `${adapter.name}: ${flavor === 'edit' ? 'edit events (snapshot)' : 'other events'} (${idx.length} hook${idx.length > 1 ? 's' : ''})`,
        value: s.median, p95: s.p95, baseline: { name: 'floor', value: f.median, p95: f.p95 }, target: TARGET,
        detail: { hooks: idx.map((i) => cases[i].label), hook: s, floor: f },
      }));
    }
    const sa = stats(hook.flat());
    const fa = stats(floor.flat());
    rows.push(row({ bench: name, figure: `${adapter.name}: all hooks`, value: sa.median, p95: sa.p95, baseline: { name: 'floor', value: fa.median, p95: fa.p95 }, target: TARGET, detail: { hook: sa, floor: fa } }));
    ctx.log(`  ${adapter.name}: ${cases.length} hook commands × ${rounds} rounds`);
  }
  return rows;
}
