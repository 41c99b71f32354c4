import path from 'node:path';
import { commandWords, simpleCommands } from './shell.js';

/** A test or build command recognised in a shell command line. */
export interface RecognisedRun {
  runner: string;
  kind: 'test' | 'build';
}

/** Package managers whose scripts run a project's tests or build. */
const PACKAGE_MANAGERS = new Set(['npm', 'yarn', 'pnpm', 'bun']);
/** Script names that test (`test`, `test:unit`, …) or build/check the project. */
const TEST_SCRIPT = /^(?:test|tests|t|spec|e2e|check)(?::.*)?$/;
const BUILD_SCRIPT = /^(?:build|compile|typecheck|type-check|tsc|lint|verify)(?::.*)?$/;

/** Runners that are tests whatever follows them (first word, after `npx`/`bunx`/`uv run`/… are dropped). */
const TEST_PROGRAMS: Record<string, string> = {
  vitest: 'vitest', jest: 'jest', mocha: 'mocha', ava: 'ava', tap: 'tap', karma: 'karma', jasmine: 'jasmine',
  pytest: 'pytest', 'py.test': 'pytest', tox: 'tox', nox: 'nox', rspec: 'rspec', phpunit: 'phpunit',
  ctest: 'ctest', busted: 'busted', bats: 'bats', nextest: 'cargo-nextest',
};
/** Runners that build or type-check. */
const BUILD_PROGRAMS: Record<string, string> = { tsc: 'tsc', 'vue-tsc': 'tsc', mypy: 'mypy', pyright: 'pyright', javac: 'javac', make: 'make', ninja: 'ninja', bazel: 'bazel' };
/** `<tool> <sub>` pairs: the subcommand decides test or build. */
const SUBCOMMANDS: Record<string, Record<string, 'test' | 'build'>> = {
  go: { test: 'test', build: 'build', vet: 'build' },
  cargo: { test: 'test', nextest: 'test', build: 'build', check: 'build', clippy: 'build' },
  dotnet: { test: 'test', build: 'build' },
  swift: { test: 'test', build: 'build' },
  deno: { test: 'test', check: 'build' },
  mix: { test: 'test', compile: 'build' },
  sbt: { test: 'test', compile: 'build' },
  stack: { test: 'test', build: 'build' },
  cabal: { test: 'test', build: 'build' },
  dune: { test: 'test', build: 'build' },
  zig: { test: 'test', build: 'build' },
  flutter: { test: 'test', build: 'build' },
  dart: { test: 'test' },
  rake: { test: 'test', spec: 'test' },
  rails: { test: 'test' },
  composer: { test: 'test' },
  playwright: { test: 'test' },
  cypress: { run: 'test' },
  bazel: { test: 'test', build: 'build' },
  cmake: { '--build': 'build' },
};
const MAVEN_TEST = new Set(['test', 'verify', 'install', 'integration-test']);
const MAVEN_BUILD = new Set(['compile', 'package', 'test-compile']);
const GRADLE_TEST = new Set(['test', 'check', 'connectedCheck', 'integrationTest']);
const GRADLE_BUILD = new Set(['build', 'assemble', 'compileJava', 'compileKotlin']);
const MAKE_TEST = new Set(['test', 'check', 'tests']);

/** Prefixes that run the next word as the program: `npx vitest`, `uv run pytest`, `bundle exec rspec`, `python -m pytest`. */
function unwrap(w: string[]): string[] {
  const prog = path.basename(w[0] ?? '');
  if (prog === 'npx' || prog === 'bunx' || prog === 'pnpx') return unwrap(w.slice(1).filter((a, i, all) => !(a.startsWith('-') && i < all.findIndex((x) => !x.startsWith('-')))));
  if ((prog === 'pnpm' || prog === 'yarn') && (w[1] === 'exec' || w[1] === 'dlx')) return unwrap(w.slice(2));
  if ((prog === 'uv' || prog === 'poetry' || prog === 'pipenv' || prog === 'pdm' || prog === 'hatch') && w[1] === 'run') return unwrap(w.slice(2));
  if (prog === 'bundle' && w[1] === 'exec') return unwrap(w.slice(2));
  if (/^python[0-9.]*$/.test(prog) && w[1] === '-m' && w[2]) return unwrap([w[2], ...w.slice(3)]);
  if (prog === 'node' && w.includes('--test')) return ['node-test'];
  if (prog === 'bin/rails' || w[0] === 'bin/rails') return ['rails', ...w.slice(1)];
  return w;
}

/** The test and build runs in a shell command line (in order; `npm run build && npm test` gives two). */
export function recogniseRuns(line: string): RecognisedRun[] {
  const out: RecognisedRun[] = [];
  for (const cmd of simpleCommands(line)) {
    const r = recogniseOne(unwrap(commandWords(cmd)));
    if (r) out.push(r);
  }
  return out;
}

function recogniseOne(w: string[]): RecognisedRun | undefined {
  const prog = path.basename(w[0] ?? '');
  const args = w.slice(1).filter((a) => !a.startsWith('-'));
  if (!prog) return undefined;
  if (prog === 'node-test') return { runner: 'node-test', kind: 'test' };
  if (prog === 'unittest') return { runner: 'unittest', kind: 'test' };
  if (PACKAGE_MANAGERS.has(prog)) {
    const script = args[0] === 'run' || args[0] === 'run-script' ? args[1] : args[0];
    if (prog === 'bun' && args[0] === 'test') return { runner: 'bun-test', kind: 'test' };
    if (script && TEST_SCRIPT.test(script)) return { runner: `${prog}-test`, kind: 'test' };
    if (script && BUILD_SCRIPT.test(script)) return { runner: `${prog}-${script.split(':')[0]}`, kind: 'build' };
    return undefined;
  }
  if (TEST_PROGRAMS[prog]) return { runner: TEST_PROGRAMS[prog]!, kind: 'test' };
  if (prog === 'mvn' || prog === 'mvnw' || prog === './mvnw') {
    if (args.some((a) => MAVEN_TEST.has(a))) return { runner: 'maven', kind: 'test' };
    if (args.some((a) => MAVEN_BUILD.has(a))) return { runner: 'maven', kind: 'build' };
    return undefined;
  }
  if (prog === 'gradle' || prog === 'gradlew') {
    const tasks = args.map((a) => a.split(':').pop()!);
    if (tasks.some((t) => GRADLE_TEST.has(t))) return { runner: 'gradle', kind: 'test' };
    if (tasks.some((t) => GRADLE_BUILD.has(t))) return { runner: 'gradle', kind: 'build' };
    return undefined;
  }
  if (prog === 'make' || prog === 'gmake') {
    if (args.some((a) => MAKE_TEST.has(a))) return { runner: 'make-test', kind: 'test' };
    return args.every((a) => a.includes('=')) || args.some((a) => /^(?:all|build)$/.test(a)) ? { runner: 'make', kind: 'build' } : undefined;
  }
  const subs = SUBCOMMANDS[prog];
  if (subs) {
    const sub = prog === 'cmake' ? w.slice(1).find((a) => a === '--build') : args[0];
    const kind = sub ? subs[sub] : undefined;
    return kind ? { runner: `${prog}-${sub!.replace(/^--/, '')}`, kind } : undefined;
  }
  if (BUILD_PROGRAMS[prog]) return { runner: BUILD_PROGRAMS[prog]!, kind: 'build' };
  return undefined;
}
