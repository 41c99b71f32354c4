import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TraceError } from '../errors.js';

/** in-toto Statement v1 `_type`. */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Predicate type of the attestations ai-trace produces (Chainloop attestation). */
export const PREDICATE_TYPE = 'https://chainloop.dev/attestation/v0.2';
/** DSSE payloadType of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** `schema` of a Chainloop AI coding session material. */
export const SESSION_SCHEMA_URI = 'https://schemas.chainloop.dev/aicodingsession/0.1/ai-coding-session.schema.json';
/** `chainloop.material.evidence.id` of a Chainloop AI coding session material. */
export const SESSION_EVIDENCE_ID = 'CHAINLOOP_AI_CODING_SESSION';
/** `predicate.metadata.name` of every attestation ai-trace writes. */
export const TOOL_NAME = 'ai-trace';

/** A commit to attest: its full object id, the repository it belongs to (remote URL or repo name), what git says about it. */
export interface CommitRef {
  sha: string;
  name: string;
  annotations?: CommitAnnotations;
}

/**
 * What git records about a subject commit, signed with it so a dashboard or server needs no clone:
 * the author's email (the developer's identity on the dashboard) and the committer date (its period).
 */
export interface CommitAnnotations {
  author_email: string;
  committed_at: string;
}

/** An in-toto subject naming one git commit (in-toto v1 ResourceDescriptor: name, digest, annotations). */
export interface CommitSubject {
  name: string;
  digest: { gitCommit: string };
  annotations?: CommitAnnotations;
}

/** One AI coding session as a Chainloop evidence material; `data` follows the ai-coding-session 0.1 schema. */
export interface SessionMaterial {
  schema: typeof SESSION_SCHEMA_URI;
  'chainloop.material.evidence.id': typeof SESSION_EVIDENCE_ID;
  data: Record<string, unknown>;
}

/** Any evidence material of an attestation: a session's, or another kind ai-trace attaches (session signals). */
export interface EvidenceMaterial {
  schema: string;
  'chainloop.material.evidence.id': string;
  data: unknown;
}

/** The project an attestation belongs to. */
export interface ProjectInfo {
  projectName: string;
  organization?: string;
  projectVersion?: string;
}

/** Who and what produced an attestation, and when. */
export interface AttestationMetadata {
  name: typeof TOOL_NAME;
  version: string;
  projectName: string;
  organization?: string;
  projectVersion?: string;
  createdAt: string;
  signer: { keyFingerprint: string };
}

/** The predicate: metadata plus one material per contributing session (and its signals material). */
export interface AttestationPredicate {
  metadata: AttestationMetadata;
  materials: EvidenceMaterial[];
  /** Policy results recorded at push (review/gates.ts), when the repository configures policies. */
  policyEvaluations?: unknown[];
}

/** An in-toto Statement v1 whose subjects are git commits. */
export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: CommitSubject[];
  predicateType: typeof PREDICATE_TYPE;
  predicate: AttestationPredicate;
}

/** What buildStatement needs; toolVersion defaults to the installed ai-trace version. */
export interface BuildStatementInput {
  commits: CommitRef[];
  materials: EvidenceMaterial[];
  project: ProjectInfo;
  publicKeyFingerprint: string;
  createdAt: Date | string;
  toolVersion?: string;
  /** Policy results recorded at push (review/gates.ts). */
  policyEvaluations?: unknown[];
}

const GIT_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** True for a full SHA-1 or SHA-256 git object id in lowercase hex. */
export function isGitCommitDigest(value: unknown): value is string {
  return typeof value === 'string' && GIT_OID.test(value);
}

/** Wraps session data in the Chainloop material envelope. */
export function sessionMaterial(data: Record<string, unknown>): SessionMaterial {
  return { schema: SESSION_SCHEMA_URI, 'chainloop.material.evidence.id': SESSION_EVIDENCE_ID, data };
}

/** The statement's CHAINLOOP_AI_CODING_SESSION materials (other kinds, such as session signals, left out). */
export function sessionMaterials(statement: Statement): EvidenceMaterial[] {
  return statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === SESSION_EVIDENCE_ID);
}

/** Subject name of a commit: `git:<repository>@<sha>`, with any credentials removed from a URL. */
export function commitSubjectName(repository: string, sha: string): string {
  const repo = stripCredentials(repository.trim());
  return repo ? `git:${repo}@${sha}` : `git:${sha}`;
}

/** Builds the statement; keys are inserted in a fixed order so its JSON is deterministic. */
export function buildStatement(input: BuildStatementInput): Statement {
  if (input.commits.length === 0) {
    throw new TraceError('INTERNAL', 'cannot attest an empty set of commits; pass at least one commit');
  }
  const seen = new Set<string>();
  const subject: CommitSubject[] = [];
  for (const commit of input.commits) {
    const sha = commit.sha.trim().toLowerCase();
    if (!GIT_OID.test(sha)) {
      throw new TraceError('INTERNAL', `commit id "${commit.sha}" is not a full 40 or 64 hex digit git object id; pass the full commit id`);
    }
    if (seen.has(sha)) continue;
    seen.add(sha);
    subject.push({
      name: commitSubjectName(commit.name, sha),
      digest: { gitCommit: sha },
      ...(commit.annotations ? { annotations: { author_email: commit.annotations.author_email, committed_at: commit.annotations.committed_at } } : {}),
    });
  }
  if (!input.project.projectName) {
    throw new TraceError('INTERNAL', 'project name is empty; set a project name for the attestation');
  }
  if (!input.publicKeyFingerprint) {
    throw new TraceError('INTERNAL', 'signer key fingerprint is empty; load the signing key before building the statement');
  }
  const metadata: AttestationMetadata = {
    name: TOOL_NAME,
    version: input.toolVersion ?? toolVersion(),
    projectName: input.project.projectName,
    ...(input.project.organization !== undefined ? { organization: input.project.organization } : {}),
    ...(input.project.projectVersion !== undefined ? { projectVersion: input.project.projectVersion } : {}),
    createdAt: isoTime(input.createdAt),
    signer: { keyFingerprint: input.publicKeyFingerprint },
  };
  return {
    _type: STATEMENT_TYPE,
    subject,
    predicateType: PREDICATE_TYPE,
    predicate: {
      metadata,
      materials: input.materials.map((m) => ({
        schema: m.schema,
        'chainloop.material.evidence.id': m['chainloop.material.evidence.id'],
        data: m.data,
      })),
      ...(input.policyEvaluations !== undefined ? { policyEvaluations: input.policyEvaluations } : {}),
    },
  };
}

/** The exact bytes that get signed: UTF-8 of JSON.stringify in construction order. */
export function serializeStatement(statement: Statement): Buffer {
  return Buffer.from(JSON.stringify(statement), 'utf8');
}

function isoTime(value: Date | string): string {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new TraceError('INTERNAL', `createdAt "${String(value)}" is not a valid time; pass a Date or an ISO 8601 string`);
  }
  return value instanceof Date ? value.toISOString() : value;
}

function stripCredentials(repository: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@(.*)$/i.exec(repository);
  return match ? `${match[1]}${match[2]}` : repository;
}

let cachedVersion: string | undefined;

/** The version in ai-trace's package.json, found by walking up from this module (works from src and dist). */
export function toolVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === TOOL_NAME && typeof pkg.version === 'string') return (cachedVersion = pkg.version);
    } catch {
      // no readable package.json here; keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return (cachedVersion = '0.0.0-unknown');
    dir = parent;
  }
}
