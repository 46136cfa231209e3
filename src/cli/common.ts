// Shared start-up for command-line tools: validated config and the configured database.
import { loadConfigOrExit, type Config } from '../core/config';
import { openDatabase, type Database } from '../core/db';

export async function withDatabase(work: (database: Database, config: Config) => Promise<number | void>): Promise<void> {
  const config = loadConfigOrExit();
  const database = await openDatabase(config);
  let exitCode = 0;
  try {
    exitCode = (await work(database, config)) ?? 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    exitCode = 1;
  } finally {
    await database.close();
  }
  process.exit(exitCode);
}

/** `--name value` or `--name=value` from argv. */
export function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

export function integerArgument(name: string, fallback: number, min: number, max: number): number {
  const value = argument(name);
  if (value === undefined) return fallback;
  const parsed = Number(value.replaceAll('_', '').replaceAll(',', ''));
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    process.stderr.write(`--${name} must be a whole number from ${min} to ${max} (got "${value}")\n`);
    process.exit(2);
  }
  return parsed;
}
