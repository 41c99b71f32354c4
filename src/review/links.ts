/** Builds the link to a file at the head commit, or null when the forge is unknown. */
export type FileLinker = (path: string) => string | null;

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** The web URL of a GitHub or GitLab remote (`git@host:owner/repo.git`, `https://host/owner/repo.git`, `ssh://git@host/…`), else null. */
export function forgeWebUrl(remoteUrl: string): string | null {
  const url = remoteUrl.trim();
  let host: string | undefined;
  let repoPath: string | undefined;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  const full = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(url);
  if (full) [, host, repoPath] = full;
  else if (scp) [, host, repoPath] = scp;
  if (!host || !repoPath || !/(^|\.)(github|gitlab)\./i.test(host)) return null;
  return `https://${host}/${repoPath.replace(/\.git$/, '').replace(/\/+$/, '')}`;
}

/**
 * Links files to their blob at `head`: on GitHub `<web>/blob/<sha>/<path>`, on GitLab
 * `<web>/-/blob/<sha>/<path>`. `linkBase` (from `--link-base`) overrides the remote: a URL with
 * `{sha}` and `{path}` placeholders is filled in as is; otherwise it is a repository web URL.
 */
export function fileLinker(head: string, remoteUrl: string | null, linkBase?: string): FileLinker {
  if (linkBase && linkBase.includes('{path}')) {
    return (p) => linkBase.replaceAll('{sha}', head).replaceAll('{path}', encodePath(p));
  }
  const web = linkBase ? linkBase.replace(/\/+$/, '') : remoteUrl ? forgeWebUrl(remoteUrl) : null;
  if (!web) return () => null;
  const blob = /gitlab/i.test(web) ? '-/blob' : 'blob';
  return (p) => `${web}/${blob}/${head}/${encodePath(p)}`;
}
