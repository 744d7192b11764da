/**
 * Parses a command's arguments with Node's `util.parseArgs` (strict), and turns its errors into
 * usage errors that name the flag and, for an unknown one, the nearest known flag. A message never
 * repeats a flag's value: it may be a secret.
 *
 * @module
 */

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { findUnknownKey } from '../util/unknown-keys.js';
import { UsageError } from './errors.js';

/** The `options` of a `parseArgs` configuration. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseFlags} returns for the flags `T`: typed `values` and `positionals`. */
export type ParsedFlags<T extends FlagSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>
>;

/** The flag as the user would write it: `--scope`, or `-H` for a short one. */
function flagName(name: string, spec: FlagSpec): string {
  return `--${name}${spec[name]?.short === undefined ? '' : ` (-${spec[name]?.short})`}`;
}

/** The tokens of a lenient parse, to find again what a strict one refused. */
function lenientTokens(args: readonly string[], spec: FlagSpec) {
  return parseArgs({
    args: [...args],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  }).tokens;
}

/**
 * A usage error for what strict parsing refused, found again in the tokens of a lenient parse so
 * that the message is ours: the flag, never its value.
 */
function explain(error: unknown, args: readonly string[], spec: FlagSpec): UsageError {
  const tokens = lenientTokens(args, spec);
  const known = new Set(Object.keys(spec).map((name) => `--${name}`));
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = spec[token.name];
    if (option === undefined) {
      const raw = token.rawName.startsWith('--') ? token.rawName : `-${token.name}`;
      const suggestion = findUnknownKey({ [raw]: true }, known)?.suggestion;
      return new UsageError(
        `unknown option ${raw}${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
      );
    }
    const name = flagName(token.name, spec);
    if (option.type === 'boolean' && token.value !== undefined) {
      return new UsageError(`${name} takes no value`);
    }
    if (option.type === 'string' && token.value === undefined) {
      return new UsageError(`${name} needs a value`);
    }
    if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return new UsageError(
        `${name} is followed by something that looks like an option; for a value that starts with "-", write --${token.name}=VALUE`,
      );
    }
  }
  return new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
}

/**
 * Parses `args` strictly against `spec`.
 *
 * @param args - The command's arguments.
 * @param spec - Its flags, as `parseArgs` takes them.
 * @param positionals - How many positional arguments it takes at most, and what they are called
 *   (for the message when there are more).
 * @returns The flag values and the positional arguments.
 * @throws UsageError naming an unknown flag (with the nearest known one), a missing value, or an
 *   extra argument.
 */
export function parseFlags<const T extends FlagSpec>(
  args: readonly string[],
  spec: T,
  positionals: { max: number; usage: string } = { max: 0, usage: 'no arguments' },
): ParsedFlags<T> {
  let parsed: ParsedFlags<T>;
  try {
    parsed = parseArgs({ args: [...args], options: spec, strict: true, allowPositionals: true });
  } catch (error) {
    throw explain(error, args, spec);
  }
  if (parsed.positionals.length > positionals.max) {
    throw unexpected(args, spec, positionals.max, positionals.usage);
  }
  return parsed;
}

/**
 * The first positional argument too many. After a `--…-stdin` flag it is most likely the secret
 * the flag was meant to read: the message then names the flag, not the value.
 */
function unexpected(args: readonly string[], spec: FlagSpec, max: number, usage: string) {
  const tokens = lenientTokens(args, spec);
  const at = tokens.findIndex(
    (token, i) =>
      token.kind === 'positional' &&
      tokens.slice(0, i).filter((t) => t.kind === 'positional').length === max,
  );
  const before = tokens[at - 1];
  if (before?.kind === 'option' && before.name.endsWith('-stdin')) {
    return new UsageError(
      `--${before.name} takes no value: it reads from standard input (e.g. printf %s "$SECRET" | confidential-client …)`,
    );
  }
  const token = tokens[at];
  const extra = token?.kind === 'positional' ? token.value : '';
  return new UsageError(
    `unexpected argument ${JSON.stringify(extra.length > 40 ? `${extra.slice(0, 40)}…` : extra)} (it takes ${usage})`,
  );
}
