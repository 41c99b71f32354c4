import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { SESSION_EVIDENCE_ID } from '../../attest/statement.js';
import { TraceError } from '../../errors.js';

/** One evaluable policy: a Chainloop Policy's entry for CHAINLOOP_AI_CODING_SESSION, in Rego or CEL. */
export interface CustomPolicy {
  /** `metadata.name` of the Policy. */
  name: string;
  /** The file it came from (named in every error). */
  file: string;
  engine: 'rego' | 'cel';
  /** The Rego module text, or the CEL expression. */
  source: string;
  /** Arguments a contract gives the policy (`with:`), passed as `input.args`. */
  args?: Record<string, unknown>;
}

/** Policies loaded from files, and references that could not be evaluated (each makes the verdict neutral). */
export interface LoadedPolicies {
  policies: CustomPolicy[];
  unevaluated: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const invalid = (file: string, what: string) => new TraceError('CONFIG_INVALID', `${file}: ${what}`);

function readYaml(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TraceError('NOT_FOUND', `policy file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors[0]) throw invalid(file, `invalid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  return doc.toJS();
}

/**
 * Loads a policy file: a Chainloop `kind: Policy` (its `spec.policies[]` entries of kind
 * CHAINLOOP_AI_CODING_SESSION, each with `embedded` Rego, `path` to a .rego file next to it, or
 * ai-trace's `cel:`), or a `kind: Contract` (its material policies, see loadContract).
 */
export function loadPolicyFile(file: string, args?: Obj): LoadedPolicies {
  const doc = readYaml(file);
  if (isObj(doc) && (doc.kind === 'Contract' || (doc.kind === undefined && 'schemaVersion' in doc))) return contractPolicies(file, doc);
  return { policies: policyDocument(file, doc, args), unevaluated: [] };
}

/** The evaluable entries of one Policy document (parsed YAML), from `file`. */
export function policyDocument(file: string, doc: unknown, args?: Obj): CustomPolicy[] {
  if (!isObj(doc) || doc.kind !== 'Policy') throw invalid(file, 'not a Chainloop policy (expected kind: Policy or kind: Contract)');
  const name = isObj(doc.metadata) && typeof doc.metadata.name === 'string' ? doc.metadata.name : path.basename(file).replace(/\.ya?ml$/, '');
  const spec = isObj(doc.spec) ? doc.spec : {};
  // the older single-policy form: spec.type + spec.embedded/path
  const entries = Array.isArray(spec.policies) ? spec.policies : 'embedded' in spec || 'path' in spec || 'cel' in spec ? [{ kind: spec.type, ...spec }] : null;
  if (!entries) throw invalid(file, 'spec.policies is missing (a list of { kind, embedded | path | cel })');
  const out: CustomPolicy[] = [];
  for (const [i, e] of entries.entries()) {
    if (!isObj(e)) throw invalid(file, `spec.policies[${i}] must be a mapping`);
    if (e.kind !== undefined && e.kind !== SESSION_EVIDENCE_ID) continue; // a policy for another material kind
    const base = { name, file, ...(args ? { args } : {}) };
    if (typeof e.cel === 'string') out.push({ ...base, engine: 'cel', source: e.cel });
    else if (typeof e.embedded === 'string') out.push({ ...base, engine: 'rego', source: e.embedded });
    else if (typeof e.path === 'string') {
      const rego = path.resolve(path.dirname(file), e.path);
      if (!fs.existsSync(rego)) throw invalid(file, `spec.policies[${i}].path ${e.path} does not exist (paths are relative to the policy file)`);
      out.push({ ...base, engine: 'rego', source: fs.readFileSync(rego, 'utf8'), file: `${file} (${e.path})` });
    } else throw invalid(file, `spec.policies[${i}] has none of embedded, path or cel`);
  }
  return out;
}

/**
 * A Chainloop Contract (`kind: Contract`, or the older `schemaVersion: v1` form): the policies of
 * `spec.policies.materials[]`, each a `ref: file://…` (relative to the contract) or an `embedded`
 * Policy, with its `with:` arguments. Other references (Chainloop's hosted policies) and attestation
 * policies cannot be evaluated here: they are reported, which makes the verdict neutral.
 */
export function loadContract(file: string): LoadedPolicies {
  const doc = readYaml(file);
  if (!isObj(doc) || !(doc.kind === 'Contract' || (doc.kind === undefined && 'schemaVersion' in doc))) {
    throw invalid(file, 'not a Chainloop contract (expected kind: Contract)');
  }
  return contractPolicies(file, doc);
}

function contractPolicies(file: string, doc: Obj): LoadedPolicies {
  const spec = doc.kind === 'Contract' ? (isObj(doc.spec) ? doc.spec : {}) : doc;
  const pol = isObj(spec.policies) ? spec.policies : {};
  const out: LoadedPolicies = { policies: [], unevaluated: [] };
  const materials = Array.isArray(pol.materials) ? pol.materials : [];
  for (const [i, m] of materials.entries()) {
    if (!isObj(m)) throw invalid(file, `spec.policies.materials[${i}] must be a mapping`);
    const args = isObj(m.with) ? m.with : undefined;
    if (typeof m.ref === 'string') {
      const ref = m.ref;
      if (!ref.startsWith('file://')) {
        out.unevaluated.push(`${file}: policy ${ref} is not a file:// reference; ai-trace evaluates policy files only`);
        continue;
      }
      const target = path.resolve(path.dirname(file), decodeURI(ref.slice('file://'.length)));
      const loaded = loadPolicyFile(target, args);
      out.policies.push(...loaded.policies);
      out.unevaluated.push(...loaded.unevaluated);
    } else if (isObj(m.embedded)) {
      out.policies.push(...policyDocument(`${file} (materials[${i}])`, m.embedded, args));
    } else throw invalid(file, `spec.policies.materials[${i}] has neither ref nor embedded`);
  }
  const attestation = Array.isArray(pol.attestation) ? pol.attestation : [];
  if (attestation.length) out.unevaluated.push(`${file}: ${attestation.length} attestation-level polic${attestation.length === 1 ? 'y is' : 'ies are'} not evaluated by ai-trace (material policies are)`);
  return out;
}
