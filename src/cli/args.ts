// Tiny argument helpers shared by the CLI commands.
import { ConfigError } from '../config/load.js';

/** Takes `--name value` out of args; returns the value or undefined. */
export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

/** Takes a boolean `--flag` out of args. */
export function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}
