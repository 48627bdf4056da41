/**
 * The CLI's single error boundary: the only place that prints an error and sets the exit code.
 * Library code throws DaptError; users see its message, never a stack trace (unless --debug).
 */
import { parseArgs } from 'node:util';
import { commandLoaders, commandSummaries } from './commands/index.ts';
import type { Command, CommandIO } from './types.ts';
import { DaptError, InternalError, UsageError, isDaptError } from '../errors.ts';

const globalOptions = {
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function helpText(commands: Array<Pick<Command, 'name' | 'summary'>>): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: dapt <command> [options]', '', 'commands:', ...lines, '', 'Add --help after a command for its options; --debug shows stack traces.'].join('\n');
}

function commandHelp(c: Command): string {
  const opts = Object.entries(c.options).map(([name, o]) => {
    const value = o.type === 'string' ? ` <${name}>` : '';
    return `  --${name}${value}${o.short ? ` (-${o.short})` : ''}`;
  });
  return [`usage: dapt ${c.usage}`, '', c.summary, ...(opts.length ? ['', 'options:', ...opts] : [])].join('\n');
}

export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(helpText(await commandSummaries()) + '\n');
      return name === undefined ? 2 : 0;
    }
    const load = Object.hasOwn(commandLoaders, name) ? commandLoaders[name] : undefined;
    if (!load) {
      const known = Object.keys(commandLoaders).join(', ');
      throw new UsageError(`unknown command "${name}"; known commands: ${known}`);
    }
    const command = await load();
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n\n${commandHelp(command)}`);
    }
    if (parsed.values.help) {
      io.stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    return await command.run(parsed, io);
  } catch (e) {
    const error: DaptError = isDaptError(e) ? e : new InternalError(e instanceof Error ? e.message : String(e), e);
    io.stderr.write(`dapt: error [${error.code}]: ${error.message}\n`);
    if (debug) io.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    return error.exitCode;
  }
}
