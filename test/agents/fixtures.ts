/** The recorded real-client fixtures, laid beside the repository as ../shared (as CI does). */
import fs from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../helpers/shared.js';

export const FIXTURES = path.join(sharedDir(), 'fixtures');

/** The harness's usage convention (input INCLUDES cached and cache writes; output INCLUDES reasoning). */
export interface HarnessUsage {
  id: string;
  model: string;
  input: number;
  cached: number;
  cache_write: number;
  output: number;
  reasoning: number;
}

export interface FixtureMeta {
  session_id: string;
  repo: string;
  home: string;
  version: string;
  usage_records: HarnessUsage[];
}

export function fixtureDir(agent: string, version: string, scenario = 'write-edit-bash'): string {
  const dir = path.join(FIXTURES, agent, version, scenario);
  if (!fs.existsSync(dir)) throw new Error(`no fixture at ${dir}: the shared fixtures are incomplete`);
  return dir;
}

export function readMeta(dir: string): FixtureMeta {
  return JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as FixtureMeta;
}

export function readJsonl<T>(file: string): T[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

/** A harness usage record in Claude Code's semantics, as ai-trace reports it. */
export function claudeSemantics(r: HarnessUsage): { model: string; input: number; output: number; cacheRead: number; cacheWrite: number } {
  return { model: r.model, input: r.input - r.cached - r.cache_write, output: r.output, cacheRead: r.cached, cacheWrite: r.cache_write };
}
