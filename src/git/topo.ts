import { git } from './run.js';

/**
 * `shas` ordered oldest first by ancestry (a parent always before its child), never by commit dates:
 * two commits made within one second have equal dates, and their order must still be right. Walks only
 * from the commits down to their common base.
 */
export async function orderByAncestry(repo: string, shas: readonly string[]): Promise<string[]> {
  const unique = [...new Set(shas)];
  if (unique.length < 2) return unique;
  const base = (await git(repo, ['merge-base', '--octopus', ...unique], { allowFailure: true }).catch(() => '')).trim();
  const args = ['rev-list', '--topo-order', '--reverse', ...unique];
  if (base) args.push('--not', `${base}^@`);
  const out = await git(repo, args, { allowFailure: true }).catch(() => '');
  const set = new Set(unique);
  const ordered = out.split('\n').filter((s) => set.has(s));
  return ordered.length === unique.length ? ordered : unique;
}
