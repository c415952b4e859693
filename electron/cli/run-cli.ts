/**
 * The `iseg` command line: picks the subcommand, prints help, and turns every failure into one
 * line on stderr with an exit code (2: bad command line, 1: the command failed). No stack traces
 * unless ISEG_DEBUG is set.
 */
import { ServiceError } from '../common/errors';
import { ExitStatus, UsageError, type CliOutput, type Command } from './command';
import * as bench from './commands/bench';
import { benchIoCommand } from './commands/bench-io';
import { benchPropagationCommand } from './commands/bench-propagation';
import { convertCommand } from './commands/convert';
import * as evalClicks from './commands/eval-clicks';
import { evalPropagationCommand } from './commands/eval-propagation';
import { evalInteractiveCommand } from './commands/eval-interactive';
import { evalSuspectsCommand } from './commands/eval-suspects';
import { infoCommand } from './commands/info';
import { propagateCommand } from './commands/propagate';
import { simulateKneeCommand } from './commands/simulate-knee';

/** A command module that parses its own arguments and prints its own errors: `summary` and `run(args)` → exit code. */
interface SelfReportingModule {
  readonly summary: string;
  readonly usage?: string;
  run(args: string[]): Promise<number>;
}

function selfReporting(name: string, module: SelfReportingModule): Command {
  return {
    name,
    summary: module.summary,
    usage: module.usage ?? `Run "iseg ${name}" without arguments to see its options.`,
    async run(args) {
      const code = await module.run([...args]);
      if (code !== 0) throw new ExitStatus(code);
    },
  };
}

const COMMANDS: readonly Command[] = [
  infoCommand,
  convertCommand,
  simulateKneeCommand,
  benchIoCommand,
  selfReporting('bench', bench),
  benchPropagationCommand,
  propagateCommand,
  selfReporting('eval-clicks', evalClicks),
  evalPropagationCommand,
  evalInteractiveCommand,
  evalSuspectsCommand,
];

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

function overallUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: iseg <command> [arguments]   (iseg <command> --help for details)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

export async function runCli(argv: readonly string[], output: CliOutput): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    output.err(overallUsage());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = COMMANDS.find((c) => c.name === args[0]);
    output.out(topic ? topic.usage : overallUsage());
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  try {
    if (!command)
      throw new UsageError(
        `iseg: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`,
      );
    await command.run(args, output);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof ExitStatus) return error.code;
    if (error instanceof UsageError) {
      output.err(error.message);
      return EXIT_USAGE;
    }
    if (error instanceof ServiceError) {
      output.err(`iseg ${name}: ${error.message}`);
      return EXIT_FAILED;
    }
    const detail = process.env.ISEG_DEBUG && error instanceof Error ? `\n${error.stack ?? ''}` : '';
    output.err(
      `iseg ${name}: internal error: ${error instanceof Error ? error.message : String(error)}${detail}`,
    );
    return EXIT_FAILED;
  }
}
