/** A CLI command: a name, a one-line summary, its options (node:util parseArgs) and a handler. */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Returns the process exit code. Throws DaptError for anything the user should read. */
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CommandIO): Promise<number>;
}
