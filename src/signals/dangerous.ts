import path from 'node:path';
import { DANGEROUS_RULES, type DangerousRule } from '../attest/session-signals.js';
import { commandWords, simpleCommands } from './shell.js';

/** Where a command ran: its working directory and the repository's top level (both absolute). */
export interface CommandPlace {
  cwd?: string;
  top?: string;
  home?: string;
}

/** Credential files and folders (home-relative unless absolute); reading or copying one is `read-credentials`. */
export const CREDENTIAL_PATHS = [
  '.ssh/',
  '.aws/credentials',
  '.aws/config',
  '.netrc',
  '.git-credentials',
  '.docker/config.json',
  '.kube/config',
  '.npmrc',
  '.pypirc',
  '.gnupg/',
  '.config/gh/hosts.yml',
  '.config/gcloud/',
  '.azure/',
  '/etc/shadow',
];

const CREDENTIAL_RE = new RegExp(
  '(?:^|[\\s=:\'"(/])(?:~|\\$HOME|\\$\\{HOME\\}|/home/[^/\\s]+|/root|/Users/[^/\\s]+)/(?:' +
    CREDENTIAL_PATHS.filter((p) => !p.startsWith('/')).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|') +
    ')|/etc/shadow\\b',
);

const SHELLS = /^(?:(?:ba|z|da|k|fi|c|tc)?sh|python[0-9.]*|perl|ruby|node|php|pwsh|powershell|iex)$/;
const DOWNLOADERS = /^(?:curl|wget|fetch|iwr|invoke-webrequest|irm|invoke-restmethod)$/i;

/** The dangerous classes a shell command line falls in (each at most once), in DANGEROUS_RULES order. */
export function classifyCommand(line: string, place: CommandPlace = {}): DangerousRule[] {
  const found = new Set<DangerousRule>();
  if (downloadPipedToShell(line)) found.add('download-piped-to-shell');
  if (CREDENTIAL_RE.test(line)) found.add('read-credentials');
  for (const cmd of simpleCommands(line)) {
    const w = commandWords(cmd);
    const prog = path.basename(w[0] ?? '');
    const args = w.slice(1);
    if (prog === 'rm' && recursiveDeleteOutside(args, place)) found.add('recursive-delete-outside-worktree');
    if (prog === 'chmod' && chmod777Recursive(args)) found.add('chmod-recursive-777');
    if (prog === 'git') gitRules(args, found);
    if (disablesHooks(cmd, w)) found.add('disable-hooks-or-signing');
    if (prog.startsWith('mkfs') || (prog === 'dd' && args.some((a) => /^of=\/dev\/(?!null$|zero$|stdout$|stderr$)/.test(a))) || (prog === 'shred' && args.some((a) => a.startsWith('/dev/')))) {
      found.add('disk-overwrite');
    }
  }
  return RULE_ORDER.filter((r) => found.has(r));
}

/** A file path an agent's read tool opened: `read-credentials` when it is a credential file. */
export function classifyReadPath(file: string, place: CommandPlace = {}): DangerousRule[] {
  const home = place.home;
  let p = file;
  if (home && (p === home || p.startsWith(home + '/'))) p = '~' + p.slice(home.length);
  return CREDENTIAL_RE.test(' ' + p) ? ['read-credentials'] : [];
}

const RULE_ORDER: readonly DangerousRule[] = DANGEROUS_RULES;

function downloadPipedToShell(line: string): boolean {
  // curl … | sh, wget -O- … | sudo bash
  const segments = line.split(/\|(?!\|)/);
  for (let i = 0; i + 1 < segments.length; i++) {
    const left = commandWords(lastCommand(segments[i]!));
    const right = commandWords(firstCommand(segments[i + 1]!));
    if (left[0] && DOWNLOADERS.test(path.basename(left[0])) && right[0] && SHELLS.test(path.basename(right[0]))) return true;
  }
  // sh -c "$(curl …)", bash <(curl …), iex (iwr …)
  return /\b(?:(?:ba|z|da|k)?sh|python[0-9.]*|iex)\b[^\n]*(?:\$\(|<\(|\()\s*(?:curl|wget|iwr|irm|invoke-webrequest)\b/i.test(line);
}

const lastCommand = (s: string): string => s.split(/&&|\|\||;|\n/).pop() ?? '';
const firstCommand = (s: string): string => s.split(/&&|\|\||;|\n/)[0] ?? '';

function recursiveDeleteOutside(args: string[], place: CommandPlace): boolean {
  let recursive = false;
  const targets: string[] = [];
  let opts = true;
  for (const a of args) {
    if (opts && a === '--') opts = false;
    else if (opts && a.startsWith('--')) recursive ||= a === '--recursive';
    else if (opts && a.startsWith('-') && a.length > 1) recursive ||= /[rR]/.test(a);
    else targets.push(a);
  }
  return recursive && targets.some((t) => outsideWorkTree(t, place));
}

/**
 * True when a path argument names something outside the work tree: the home folder, the root, a parent,
 * an absolute path elsewhere. Things inside the system temp folders (/tmp/x, /var/tmp/x) are not counted.
 */
export function outsideWorkTree(target: string, place: CommandPlace): boolean {
  if (/^(?:~|\$HOME\b|\$\{HOME\})/.test(target)) return true;
  if (target.startsWith('$')) return false; // a variable we cannot resolve: not judged
  const base = place.cwd ?? place.top;
  if (!base) return path.isAbsolute(target) ? !inTemp(path.resolve(target)) : target === '..' || target.startsWith('../');
  const full = path.resolve(base, target);
  if (inTemp(full)) return false;
  const top = place.top ?? base;
  return full !== top && !full.startsWith(top.endsWith('/') ? top : top + '/');
}

const inTemp = (p: string): boolean => /^\/(?:tmp|var\/tmp|private\/tmp)\/[^/]/.test(p);

function chmod777Recursive(args: string[]): boolean {
  const recursive = args.some((a) => a === '--recursive' || /^-[a-zA-Z]*R/.test(a));
  return recursive && args.some((a) => /^0?777$/.test(a) || /^(?:a|ugo)?\+rwx$/.test(a));
}

function gitRules(args: string[], found: Set<DangerousRule>): void {
  // skip git's global options (-C dir, -c key=value, --git-dir=…)
  let i = 0;
  while (args[i]?.startsWith('-')) i += args[i] === '-C' || args[i] === '-c' ? 2 : 1;
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === 'push' && rest.some((a) => a === '--force' || a.startsWith('--force-with-lease') || a === '--force-if-includes' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a) || /^\+[^\s]/.test(a))) {
    found.add('force-push');
  }
  if (sub === 'reset' && rest.includes('--hard')) found.add('discard-work');
  if (sub === 'clean' && rest.some((a) => /^-[a-zA-Z]*f/.test(a) || a === '--force')) found.add('discard-work');
  if ((sub === 'checkout' || sub === 'restore') && rest.some((a) => a === '.' || a === ':/') ) found.add('discard-work');
}

function disablesHooks(cmd: string, w: string[]): boolean {
  if (/(?:^|\s)(?:HUSKY=0|TRACE=0|SKIP_HOOKS=1|LEFTHOOK=0)(?:\s|$)/.test(cmd)) return true;
  if (w.includes('--no-verify') || w.includes('--no-gpg-sign')) return true;
  if (path.basename(w[0] ?? '') === 'git' && w[1] === 'commit' && w.slice(2).some((a) => /^-[a-zA-Z]*n[a-zA-Z]*$/.test(a))) return true;
  // git -c core.hooksPath=…, git config core.hooksPath …, commit.gpgsign / tag.gpgsign false
  if (/core\.hookspath/i.test(cmd) && !/--get|--list|\s-l\b/.test(cmd)) return true;
  if (/(?:commit|tag|push)\.gpgsign(?:=|\s+)(?:false|0|no|off)\b/i.test(cmd)) return true;
  return false;
}
