/** What every `iseg` subcommand provides, and the error for a bad command line (exit code 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliOutput {
  /** One line (or block) of normal output. */
  out(text: string): void;
  /** One line of diagnostics. */
  err(text: string): void;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly usage: string;
  /** Throws UsageError or ServiceError on failure. */
  run(args: readonly string[], output: CliOutput): Promise<void>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown by a command that has already reported its failure: exit with `code`, print nothing. */
export class ExitStatus extends Error {
  override name = 'ExitStatus';
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with its errors turned into one-line UsageErrors: its own messages run to
 * several sentences of advice about '--'.
 */
export function parseCommandLine<O extends Options>(command: string, args: readonly string[], options: O) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const first = message.split(/\.\s/)[0]?.replace(/\.$/, '') ?? message;
    throw new UsageError(`iseg ${command}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`);
  }
}

/** The text of a string option that must parse as an integer. */
export function integerOption(
  command: string,
  name: string,
  text: string | undefined,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`iseg ${command}: --${name} must be an integer, not "${text}"`);
  }
  return value;
}

/**
 * For commands that report their own errors (`run(args)` → exit code): `--help` prints the usage
 * (exit 0), a bad command line prints why and the usage (exit 2), else the parsed options.
 */
export function parseOrReport<T>(
  args: readonly string[],
  usage: string,
  parse: (args: string[]) => T,
): { options: T } | { exit: number } {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    return { exit: 0 };
  }
  try {
    return { options: parse([...args]) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return { exit: 2 };
  }
}
