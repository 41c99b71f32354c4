/** What a command needs from the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A command: parses its own arguments, returns the exit code (0 ok, 1 failure, 2 usage). */
export type Command = (args: string[], ctx: CliContext) => Promise<number>;

export function processContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}
