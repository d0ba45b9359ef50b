import { Option } from 'commander';

/**
 * A flag with its environment variable (12-factor: every setting can come from either; the flag
 * wins). The help text shows both.
 */
export function envOption<T>(
  flags: string,
  env: string,
  description: string,
  parse?: (value: string) => T,
  defaultValue?: T,
  defaultDescription?: string,
): Option {
  const option = new Option(flags, description).env(env);
  if (parse !== undefined) option.argParser((value: string) => parse(value));
  if (defaultValue !== undefined) option.default(defaultValue, defaultDescription);
  return option;
}
