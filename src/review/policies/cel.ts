import { celEnv, isCelError, isCelList, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { TraceError } from '../../errors.js';
import type { CustomPolicy } from './files.js';

/** A compiled CEL policy: call it with the policy input, get the violation messages. */
export type CelProgram = (input: unknown) => string[];

const env = celEnv({ funcs: strings });

/**
 * JSON → CEL values: objects become maps, integers CEL `int` (so `string(x)` prints `600000`, and a
 * ratio needs `double(a) / double(b)`), other numbers `double`.
 */
export function toCel(value: unknown): CelInput {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)])) as CelInput;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  return value as CelInput;
}

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * Compiles a policy's `cel:` expression. It must evaluate, with `input` bound to the material, to a
 * list of strings: the violation messages (empty when the session complies). A syntax error is a
 * CONFIG_INVALID error naming the file, and so is a result of any other type at evaluation.
 */
export function compileCel(policy: CustomPolicy): CelProgram {
  let program: ReturnType<typeof plan>;
  try {
    program = plan(env, parse(policy.source));
  } catch (err) {
    throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the CEL expression does not compile: ${oneLine(err)}`);
  }
  return (input) => {
    let result: unknown;
    try {
      result = program({ input: toCel(input) });
    } catch (err) {
      throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the CEL expression failed: ${oneLine(err)} (guard optional fields with has())`);
    }
    if (isCelError(result) || result instanceof Error) {
      throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the CEL expression failed: ${oneLine(result)} (guard optional fields with has())`);
    }
    if (!isCelList(result)) {
      throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the CEL expression must yield a list of strings (the violation messages), not ${describe(result)}`);
    }
    const messages: string[] = [];
    for (const item of result as Iterable<unknown>) {
      if (typeof item !== 'string') {
        throw new TraceError('CONFIG_INVALID', `${policy.file}: policy ${policy.name}: the CEL expression must yield a list of strings, but an element is ${describe(item)}`);
      }
      messages.push(item);
    }
    return messages;
  };
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `the int ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'boolean' || typeof v === 'number') return `the ${typeof v === 'boolean' ? 'bool' : 'double'} ${String(v)}`;
  if (v === null) return 'null';
  return 'a value of another type';
}
