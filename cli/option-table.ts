/**
 * Option tables: each setting is stated once — flag, environment variable, parser, default, help
 * and the library setting it feeds — and the commander options, the TypeScript type of the parsed
 * values, README's tables (scripts/config-table.ts reads the commands) and the flag named in a
 * library's error all derive from that one row.
 */
import { Option, type Command } from 'commander';

export interface OptionRow<T> {
  /** Flag with its argument, as commander takes it: `--index-shards <n>`. */
  readonly flag: string;
  readonly env: string;
  readonly help: string;
  readonly parse?: (value: string) => T;
  readonly default?: T;
  /** How --help and README show the default, where the value reads badly or a library applies it. */
  readonly shownDefault?: string;
  /** The library setting this flag feeds, as that library's errors name it (`logs.rolloverAge`). */
  readonly target?: string;
}

/** A row whose value is always set (from the flag, the variable or the default). */
export type DefaultedRow<T> = OptionRow<T> & { readonly default: T };
/** A row whose value is undefined unless given. */
export type OptionalRow<T> = OptionRow<T> & { readonly default?: undefined };

export type OptionTable = Readonly<Record<string, OptionRow<unknown>>>;

/** The parsed values of a table's options, keyed like the table (commander's attribute names); unset optional ones are absent. */
export type OptionValues<Table> = {
  -readonly [K in keyof Table as Table[K] extends DefaultedRow<unknown> ? K : never]: Table[K] extends DefaultedRow<infer T> ? T : never;
} & {
  -readonly [K in keyof Table as Table[K] extends DefaultedRow<unknown> ? never : K]?: Table[K] extends OptionRow<infer T> ? T : never;
};

/** What every row states but its parser and default (so those two alone decide the value's type). */
export type RowBase = Omit<OptionRow<unknown>, 'default' | 'parse'>;

/** A setting with a default, parsed by `parse` (or the string given, without one). */
export function withDefault<T>(row: RowBase & { readonly parse: (value: string) => T; readonly default: NoInfer<T> }): DefaultedRow<T>;
export function withDefault(row: RowBase & { readonly default: string }): DefaultedRow<string>;
export function withDefault<T>(row: DefaultedRow<T>): DefaultedRow<T> {
  return row;
}

/** A setting that stays undefined unless given, parsed by `parse` (or the string given, without one). */
export function optional<T = string>(row: RowBase & { readonly parse?: (value: string) => T }): OptionalRow<T> {
  return row as OptionalRow<T>;
}

/**
 * A flag with its environment variable (12-factor: every setting can come from either; the flag
 * wins). The help text shows both, and the default even where the value stays unset (a library's
 * own default, a path under another setting).
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
  if (defaultValue !== undefined || defaultDescription !== undefined) option.default(defaultValue, defaultDescription);
  return option;
}

/** The commander option of one row. */
export function optionOf(row: OptionRow<unknown>): Option {
  return envOption<unknown>(row.flag, row.env, row.help, row.parse, row.default, row.shownDefault);
}

/** Adds every row of `table` to `command`; a key that is not the flag's attribute name throws. */
export function addOptionTable(command: Command, table: OptionTable): Command {
  for (const [key, row] of Object.entries(table)) {
    const option = optionOf(row);
    if (option.attributeName() !== key) throw new Error(`option table: ${row.flag} is read as ${option.attributeName()}, not ${key}`);
    command.addOption(option);
  }
  return command;
}

/** Library setting → flag, for turning a library's error into one that names the flag. */
export function flagsByTarget(...tables: OptionTable[]): ReadonlyMap<string, string> {
  const flags = new Map<string, string>();
  for (const table of tables) {
    for (const row of Object.values(table)) if (row.target !== undefined) flags.set(row.target, longFlag(row.flag));
  }
  return flags;
}

/** `--index-shards <n>` → `--index-shards`. */
export function longFlag(flag: string): string {
  return flag.split(/[ ,]/)[0]!;
}

/**
 * The settings object the targets describe (`logs.retentionDays` → `{ logs: { retentionDays } }`),
 * from the values that are set; unset ones are left out so the library applies its defaults.
 */
export function settingsOf(table: OptionTable, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const [key, row] of Object.entries(table)) {
    const value = values[key];
    if (row.target === undefined || value === undefined) continue;
    const path = row.target.split('.');
    let node = settings;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = value;
  }
  return settings;
}

/** The value at a dotted path of a defaults object, for showing a library's default in --help. */
export function defaultAt(defaults: object, target: string): string {
  let node: unknown = defaults;
  for (const part of target.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  if (node === undefined) throw new Error(`option table: no default at ${target}`);
  return String(node);
}
