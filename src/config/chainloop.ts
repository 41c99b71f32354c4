import fs from 'node:fs';
import path from 'node:path';
import { readRegular } from '../guard/regular-file.js';
import YAML, { isMap, isPair, isScalar, type Document } from 'yaml';
import { checkDestinations, type DestinationConfig } from '../deliver/schema.js';
import { TraceError } from '../errors.js';

/** The two names the repository config may have; the first wins when both exist. */
export const CONFIG_FILE_NAMES = ['.chainloop.yml', '.chainloop.yaml'] as const;

/** Where attestations go: one schema for the repository config, the user config and delivery (deliver/schema.ts). */
export type Destination = DestinationConfig;

/** The validated content of a repository's `.chainloop.yml`. */
export interface RepoConfig {
  projectName: string;
  organization?: string;
  requireTrace: boolean;
  projectVersion?: string;
  destinations?: Destination[];
  /** Policy settings, validated by the policy engine, not here. */
  policies?: unknown;
  /** Session signals: `includeCommands: true` opts in to raw shell commands in the signals material. */
  signals?: { includeCommands: boolean };
}

/** The keys `trace init` may set; undefined leaves a key as it is. */
export interface ChainloopYmlUpdates {
  projectName?: string;
  organization?: string;
  requireTrace?: boolean;
  projectVersion?: string;
}

/** The config file that applies in repoRoot (`.yml` before `.yaml`), or null when there is none. */
export function findRepoConfigFile(repoRoot: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(repoRoot, name);
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** Reads and validates the repository config; null when the repository has no config file. */
export function loadRepoConfig(repoRoot: string): RepoConfig | null {
  const file = findRepoConfigFile(repoRoot);
  if (!file) return null;
  // never blocking: a named pipe or a device in the repository's place is refused, not read
  const r = readRegular(file, { maxBytes: 1024 * 1024 });
  if (r.kind !== 'ok') throw invalid(file, r.kind === 'skip' ? `cannot be read (${r.reason})` : 'cannot be read (gone)');
  return parseRepoConfig(r.bytes.toString('utf8'), path.basename(file));
}

/** Validates config text; `name` is the file name used in error messages. */
export function parseRepoConfig(text: string, name: string): RepoConfig {
  const doc = YAML.parseDocument(text);
  const first = doc.errors[0];
  if (first) throw invalid(name, `invalid YAML: ${oneLine(first.message)}`);
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) throw invalid(name, 'projectName is required');
  if (!isRecord(data)) throw invalid(name, 'expected a mapping of keys (projectName: ...)');

  const config: RepoConfig = {
    projectName: requiredString(data, 'projectName', name),
    requireTrace: false,
  };
  const organization = optionalString(data, 'organization', name);
  if (organization !== undefined) config.organization = organization;
  const projectVersion = optionalString(data, 'projectVersion', name);
  if (projectVersion !== undefined) config.projectVersion = projectVersion;
  if (data.requireTrace !== undefined && data.requireTrace !== null) {
    if (typeof data.requireTrace !== 'boolean') throw invalid(name, 'requireTrace must be true or false');
    config.requireTrace = data.requireTrace;
  }
  if (data.destinations !== undefined && data.destinations !== null) {
    const checked = checkDestinations(data.destinations);
    if (!checked.ok) throw invalid(name, checked.problem);
    config.destinations = checked.destinations;
  }
  if (data.policies !== undefined) config.policies = data.policies;
  if (data.signals !== undefined && data.signals !== null) {
    if (!isRecord(data.signals)) throw invalid(name, 'signals must be a mapping (signals: { includeCommands: true })');
    const include = data.signals.includeCommands;
    if (include !== undefined && typeof include !== 'boolean') throw invalid(name, 'signals.includeCommands must be true or false');
    config.signals = { includeCommands: include === true };
  }
  return config;
}

/** The projectName a config text already sets, if it is a non-empty string (no validation otherwise). */
export function peekProjectName(text: string): string | undefined {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const value = doc.get('projectName');
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Returns the config text with `updates` applied. Keys not updated, comments and layout are kept:
 * an unchanged file comes back byte for byte, and a changed one differs only in the updated keys
 * (falling back to re-rendering through yaml's Document when the file's shape needs it).
 */
export function renderChainloopYml(
  existingText: string | null,
  updates: ChainloopYmlUpdates,
  fileName = '.chainloop.yml',
): string {
  const entries = Object.entries(updates).filter(([, v]) => v !== undefined) as [string, string | boolean][];
  if (existingText === null || existingText.trim() === '') {
    const doc = new YAML.Document({});
    doc.commentBefore = ' Chainloop project settings for ai-trace (see trace init)';
    for (const [key, value] of entries) doc.set(key, value);
    return doc.toString();
  }
  const doc = YAML.parseDocument(existingText);
  if (doc.errors[0]) throw invalid(fileName, `invalid YAML: ${oneLine(doc.errors[0].message)}`);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw invalid(fileName, 'expected a mapping of keys (projectName: ...)');
  }
  const changed = entries.filter(([key, value]) => doc.get(key) !== value);
  if (changed.length === 0) return existingText;

  for (const [key, value] of changed) doc.set(key, value);
  const expected: unknown = doc.toJS();
  const minimal = minimalEdit(existingText, YAML.parseDocument(existingText), changed);
  if (minimal !== null && sameData(YAML.parse(minimal), expected)) return minimal;
  return doc.toString();
}

/** Edits only the changed top-level scalars and appends new keys; null when the file's shape is unusual. */
function minimalEdit(text: string, doc: Document, changed: [string, string | boolean][]): string | null {
  const map = doc.contents;
  if (!isMap(map) || map.flow || YAML.parseAllDocuments(text).length !== 1) return null;
  const replacements: { start: number; end: number; text: string }[] = [];
  const appended: string[] = [];
  for (const [key, value] of changed) {
    const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    if (!pair) {
      appended.push(`${key}: ${scalarText(value)}\n`);
      continue;
    }
    const node = pair.value;
    if (!isScalar(node) || !node.range || !['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'].includes(String(node.type))) {
      return null;
    }
    replacements.push({ start: node.range[0], end: node.range[1], text: scalarText(value) });
  }
  let out = text;
  for (const r of replacements.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, r.start) + r.text + out.slice(r.end);
  }
  if (appended.length > 0) {
    if (!out.endsWith('\n')) out += '\n';
    out += appended.join('');
  }
  return out;
}

function scalarText(value: string | boolean): string {
  return new YAML.Document(value).toString().trim();
}

function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function requiredString(data: Record<string, unknown>, key: string, name: string, where?: string): string {
  const value = optionalString(data, key, name, where);
  if (value === undefined || value === '') throw invalid(name, `${where ? `${where}.` : ''}${key} is required`);
  return value;
}

function optionalString(data: Record<string, unknown>, key: string, name: string, where?: string): string | undefined {
  const value = data[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const label = where ? `${where}.${key}` : key;
  const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: "${String(value)}")` : '';
  throw invalid(name, `${label} must be a string${hint}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function invalid(file: string, what: string): TraceError {
  return new TraceError('CONFIG_INVALID', `${path.basename(file)}: ${what}; fix it or run trace init again`);
}
