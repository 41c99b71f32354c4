import fs from 'node:fs';
import path from 'node:path';
import { PUBLIC_KEY_FILE } from '../attest/key.js';
import { TraceError } from '../errors.js';
import { safeRemoteUrl } from '../evidence/session-data.js';
import { git, repoTop } from '../git/run.js';
import { readAllowedSigners } from '../review/allowed-signers.js';
import { loadAttestations } from '../review/attestations.js';
import { openTeamDb, type TeamDb } from '../team/db/open.js';
import { storeFacts, storePr } from '../team/records.js';
import { factsFromStatement } from './facts.js';
import { prsFromHistory } from './git-prs.js';

/** What loading a set of repositories found, for the user to see. */
export interface GitLoadReport {
  repos: string[];
  attestations: number;
  /** One line per bundle that failed verification (not counted). */
  rejected: string[];
  /** Remotes that could not be fetched (their last fetched copy was used). */
  fetchFailures: string[];
}

/** Options for loading repositories: fetch first (default), extra trusted keys, the user's own key dir. */
export interface GitLoadOptions {
  fetch?: boolean;
  remote?: string;
  keyFiles?: string[];
  keyDir?: string;
}

/**
 * Loads the dashboard facts of `repos` from git alone into an in-memory database with the server's
 * schema, so the same queries answer. Bundles come from each repository's attestation ref through the
 * review layer's loader (verified with the keys delivered with them, the user's own and `keyFiles`;
 * only the repository's allowed signers when it commits that list); PRs from merge and squash commits.
 */
export async function loadFromGit(repoPaths: string[], opts: GitLoadOptions = {}): Promise<{ db: TeamDb; report: GitLoadReport }> {
  const report: GitLoadReport = { repos: [], attestations: 0, rejected: [], fetchFailures: [] };
  const db = await openTeamDb(':memory:');
  try {
    const seen = new Set<string>();
    const extraKeys = (opts.keyFiles ?? []).map((f) => fs.readFileSync(f, 'utf8'));
    if (opts.keyDir) {
      const own = path.join(opts.keyDir, PUBLIC_KEY_FILE);
      if (fs.existsSync(own)) extraKeys.push(fs.readFileSync(own, 'utf8'));
    }
    for (const given of repoPaths) {
      const repo = await repoTop(given);
      if (!repo) throw new TraceError('NOT_A_REPO', `${given} is not a git repository: pass --repo with a clone's path`);
      report.repos.push(repo);
      const remote = opts.remote ?? 'origin';
      const remoteUrl = (await git(repo, ['remote', 'get-url', remote], { allowFailure: true }).catch(() => '')).trim();
      const allowedSigners = await readAllowedSigners(repo, 'HEAD');
      const load = (fetch: boolean) => loadAttestations({ repo, from: { kind: 'git', remote, fetch }, keys: extraKeys, allowedSigners });
      let loaded;
      try {
        loaded = await load(opts.fetch !== false && remoteUrl !== '');
      } catch (err) {
        report.fetchFailures.push(`${repo} (${remote}): ${(err as Error).message}`);
        loaded = await load(false);
      }
      for (const r of loaded.rejected) report.rejected.push(`${path.basename(repo)}: attestation ${r.digest?.slice(0, 12) ?? '?'}: ${r.reason}`);
      for (const v of loaded.verified) {
        if (seen.has(v.digest)) continue;
        seen.add(v.digest);
        await storeFacts(db.db, factsFromStatement(v.statement, v.digest, v.keyFingerprint));
        report.attestations++;
      }
      const repoName = remoteUrl ? safeRemoteUrl(remoteUrl).replace(/\.git$/, '') : repo;
      for (const pr of await prsFromHistory(repo, repoName)) await storePr(db.db, pr, pr.at);
    }
    return { db, report };
  } catch (err) {
    await db.close();
    throw err;
  }
}

