import path from 'node:path';
import type { SensitiveCategory } from '../attest/session-signals.js';

/** Dependency manifests and lockfiles, by file name. */
export const DEPENDENCY_FILES = new Set([
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'bun.lockb', 'bun.lock', '.npmrc', '.yarnrc.yml',
  'go.mod', 'go.sum', 'Cargo.toml', 'Cargo.lock',
  'requirements.txt', 'requirements-dev.txt', 'constraints.txt', 'pyproject.toml', 'poetry.lock', 'Pipfile', 'Pipfile.lock', 'uv.lock', 'setup.py', 'setup.cfg',
  'Gemfile', 'Gemfile.lock', 'composer.json', 'composer.lock', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle.lockfile',
  'packages.config', 'Directory.Packages.props', 'packages.lock.json', 'mix.exs', 'mix.lock', 'Package.swift', 'Package.resolved', 'Podfile', 'Podfile.lock',
  'pubspec.yaml', 'pubspec.lock', 'deno.json', 'deno.lock', 'flake.lock', 'vcpkg.json', 'conanfile.txt',
]);

/** The agents' and git hooks' own configuration (ai-trace's included): changing it can switch tracing off. */
const HOOKS_CONFIG = [
  /^\.chainloop\.ya?ml$/, /^\.claude\/settings(?:\.local)?\.json$/, /^\.cursor\/hooks\.json$/, /^\.gemini\/settings\.json$/,
  /^\.codex\/(?:config\.toml|hooks\.json)$/, /^\.github\/hooks\//, /^\.opencode\//, /^opencode\.jsonc?$/, /^\.husky\//,
  /^\.githooks\//, /^\.pre-commit-config\.ya?ml$/, /^\.?lefthook(?:-local)?\.ya?ml$/, /^\.allowed[_-]signers$/, /(?:^|\/)allowed_signers$/,
];
/** CI configuration and the files that decide who reviews what. */
const CI_CONFIG = [
  /^\.github\/workflows\//, /^\.github\/actions\//, /^action\.ya?ml$/, /^\.gitlab-ci\.ya?ml$/, /^\.gitlab\/ci\//, /^\.circleci\//, /(?:^|\/)Jenkinsfile$/,
  /^azure-pipelines\.ya?ml$/, /^\.buildkite\//, /^\.travis\.ya?ml$/, /^bitbucket-pipelines\.ya?ml$/, /^\.drone\.ya?ml$/, /^\.woodpecker/, /^\.ci\//,
  /(?:^|\/)CODEOWNERS$/, /^\.github\/dependabot\.ya?ml$/, /^renovate\.json5?$/,
];
const MIGRATIONS = /(?:^|\/)(?:migrations?|migrate|alembic|flyway|liquibase|db\/schema)(?:\/|$)|(?:^|[/_.-])migration[^/]*$/i;
const AUTH_CRYPTO_WORDS = new Set([
  'auth', 'authn', 'authz', 'authentication', 'authorization', 'oauth', 'oauth2', 'oidc', 'saml', 'sso', 'login', 'logout', 'signin', 'signup',
  'session', 'sessions', 'jwt', 'jwks', 'token', 'tokens', 'password', 'passwords', 'passwd', 'credential', 'credentials', 'secret', 'secrets',
  'crypto', 'cryptography', 'cipher', 'encrypt', 'encryption', 'decrypt', 'signing', 'signature', 'signatures', 'keystore', 'keychain', 'keys', 'key',
  'tls', 'ssl', 'cert', 'certs', 'certificate', 'certificates', 'permission', 'permissions', 'rbac', 'acl', 'acls', 'mfa', 'totp', 'hmac', 'kms', 'vault',
]);
const KEY_EXTENSIONS = new Set(['.pem', '.key', '.p12', '.pfx', '.crt', '.cer', '.jks', '.keystore', '.gpg', '.asc']);

/**
 * The sensitive category of a repository-relative path, or undefined. Checked in this order: the hooks'
 * own config, CI config, dependency manifests and lockfiles, migrations, auth and crypto code (a path
 * word such as `auth`, `token`, `crypto`, `password`, `permissions`, or a key/certificate file).
 */
export function sensitiveCategory(rel: string): SensitiveCategory | undefined {
  const p = rel.replace(/\\/g, '/').replace(/^\.\//, '');
  if (HOOKS_CONFIG.some((r) => r.test(p))) return 'hooks-config';
  if (CI_CONFIG.some((r) => r.test(p))) return 'ci-config';
  const base = path.posix.basename(p);
  if (DEPENDENCY_FILES.has(base) || /^requirements[\w.-]*\.txt$/.test(base) || /\.csproj$|\.fsproj$|\.gemspec$|\.cabal$|\.nimble$/.test(base)) return 'dependencies';
  if (MIGRATIONS.test(p)) return 'migrations';
  if (KEY_EXTENSIONS.has(path.posix.extname(base).toLowerCase())) return 'auth-crypto';
  const segments = p.replace(/\.[A-Za-z0-9]+$/, '').split(/[/._-]+/).flatMap((w) => w.split(/(?<=[a-z])(?=[A-Z])/)).map((w) => w.toLowerCase());
  if (segments.some((s) => AUTH_CRYPTO_WORDS.has(s))) return 'auth-crypto';
  return undefined;
}
