#!/usr/bin/env node
// Fails on an import cycle between the folders of src/ (and daemon/): `capture` importing `query` while
// `query` imports `capture`, however long the loop. Imports are resolved by dependency-cruiser;
// type-only imports count too (a type shared both ways is a seam in the wrong place).
// Usage: node scripts/lint/folder-cycles.mjs [root]   (root defaults to the package)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
process.chdir(root);

/** The folder a module belongs to: `src/<folder>` (files directly in src/ are `src`), or `daemon`. */
/**
 * Cycles that exist and have an owner untangling them; each is matched exactly, so a new folder joining
 * one, or any other cycle, still fails.
 */
const KNOWN = [
  { folders: ['src/dashboard', 'src/team'], why: 'the dashboard reads the team store and the team server renders the dashboard (issue 9)' },
];

const folderOf = (file) => {
  const parts = file.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : 'src';
  return parts[0];
};

const result = await cruise(['src', 'daemon'], {
  tsPreCompilationDeps: false,
  tsConfig: { fileName: 'tsconfig.json' },
  doNotFollow: { path: 'node_modules' },
  exclude: { path: 'node_modules' },
});
const edges = new Map(); // folder → Map(folder → example "a.ts → b.ts")
for (const m of result.output.modules) {
  if (m.coreModule || m.couldNotResolve || m.source.includes('node_modules')) continue;
  const from = folderOf(m.source);
  for (const d of m.dependencies) {
    if (d.coreModule || d.couldNotResolve || d.resolved.includes('node_modules')) continue;
    const to = folderOf(d.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${m.source} → ${d.resolved}`);
  }
}

// strongly connected components (Tarjan): any with more than one folder is a cycle
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set(), cycles = [];
const visit = (v) => {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) cycles.push(scc.sort());
  }
};
for (const v of edges.keys()) if (!idx.has(v)) visit(v);

const known = (scc) => KNOWN.find((k) => k.folders.length === scc.length && k.folders.every((f) => scc.includes(f)));
for (const scc of cycles.filter(known)) console.log(`folder-cycles: known cycle between ${scc.join(', ')}: ${known(scc).why}`);
cycles.splice(0, cycles.length, ...cycles.filter((c) => !known(c)));
if (cycles.length === 0) {
  console.log(`folder-cycles: no import cycle between ${new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]).size} folders`);
  process.exit(0);
}
for (const scc of cycles) {
  console.error(`folder-cycles: import cycle between ${scc.join(', ')}:`);
  for (const a of scc) for (const [b, why] of edges.get(a) ?? []) if (scc.includes(b)) console.error(`  ${a} → ${b}  (${why})`);
}
process.exit(1);
