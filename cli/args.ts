/**
 * The command lines of the CLIs, read by node:util `parseArgs` and checked the same way everywhere: a
 * command line that does not fit gets the one-line usage on stderr and exit code 2, before anything runs.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** The exit code of a command line that does not fit the usage (the shells' convention for misuse). */
export const USAGE_EXIT = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What a CLI accepts: its options in `parseArgs` form, how many positionals, and its usage line. */
interface CommandLineSpec<O extends Options> {
  usage: string;
  options?: O;
  /** Fewest and most positionals (both 0 by default). */
  positionals?: { min?: number; max?: number };
}

/** A command line that fits: the option values and the positionals. */
type CommandLine<O extends Options> = Pick<
  ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>,
  "values" | "positionals"
>;

/** Prints `usage` on stderr and gives the exit code that goes with it. */
export function usageError(usage: string): typeof USAGE_EXIT {
  console.error(usage);
  return USAGE_EXIT;
}

/**
 * Reads `args` strictly (unknown options, a missing or unwanted option value and a wrong number of
 * positionals are refused); on a refusal prints the usage line and returns undefined.
 */
export function parseCommandLine<const O extends Options = Record<never, never>>(
  args: string[],
  spec: CommandLineSpec<O>,
): CommandLine<O> | undefined {
  const { min = 0, max = 0 } = spec.positionals ?? {};
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: spec.options ?? ({} as O),
      strict: true,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS_")) throw error;
    usageError(spec.usage);
    return undefined;
  }
  const { values, positionals, tokens } = parsed;
  // `parseArgs` takes "-" (standard input) and anything after "--" as a positional; no CLI here reads
  // standard input or a file named like an option, so those stay refused, as before parseArgs.
  const fits = positionals.length >= min && positionals.length <= max &&
    !positionals.some((p) => p.startsWith("-")) && !tokens.some((t) => t.kind === "option-terminator");
  if (!fits) {
    usageError(spec.usage);
    return undefined;
  }
  return { values, positionals } as CommandLine<O>;
}
