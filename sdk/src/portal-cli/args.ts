/** Arguments of a portal command: node:util's strict parser, with every mistake a usage error. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
/** What each option holds once parsed: a string or a boolean, absent when not given. */
export type OptionValues<O extends Options> = { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string };

/**
 * Parses `args` with `options`; `names` are the positional arguments the command needs, in order (all
 * required). Answers the option values and the positionals by name.
 */
export function parseCommandArgs<const O extends Options, const N extends readonly string[]>(
  command: string,
  args: string[],
  options: O,
  names: N,
): { values: OptionValues<O>; named: Record<N[number], string> } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's messages mention its own API ("To specify an option argument..."); keep the first sentence.
    throw new UsageError((error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ""), true);
  }
  const { values, positionals } = parsed;
  if (positionals.length < names.length) throw new UsageError(`${command} needs ${names.slice(positionals.length).join(" ")}`, true);
  if (positionals.length > names.length) throw new UsageError(`unexpected argument "${positionals[names.length]}"`, true);
  const named = Object.fromEntries(names.map((name, index) => [name, positionals[index]!])) as Record<N[number], string>;
  return { values: values as OptionValues<O>, named };
}
