// Configuration from the environment, validated once at start-up. Every bad value is reported
// together, each with the variable's name, what was expected and what was found, so an operator
// fixes a deployment in one pass. Defaults exist only where they are safe for a local demo.
import { resolve } from 'node:path';

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** External Postgres; when absent an embedded server runs under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Residents the demo generates on first start (0 disables the demo data). */
  demoResidents: number;
  demoSeed: number;
  /** Secure cookies need HTTPS, except on localhost where browsers allow them over HTTP. */
  cookieSecure: boolean;
  sessionTtlMinutes: number;
  bodyLimitBytes: number;
  publicBaseUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  const port = read.integer('PORT', 3000, 1, 65535);
  const databaseUrl = read.postgresUrl('DATABASE_URL');
  if (production && !databaseUrl) {
    problems.push('DATABASE_URL is required when NODE_ENV=production (the embedded database is for local use)');
  }
  const cookieSecure = read.boolean('COOKIE_SECURE', true);
  if (production && !cookieSecure) problems.push('COOKIE_SECURE must not be false when NODE_ENV=production');

  const config: Config = {
    env: nodeEnv,
    host: read.string('HOST', 'localhost'),
    port,
    databaseUrl,
    dataDir: resolve(read.string('DATA_DIR', './data')),
    embeddedPostgresPort: read.integer('EMBEDDED_POSTGRES_PORT', 54320, 1024, 65535),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    demoResidents: read.integer('DEMO_RESIDENTS', production ? 0 : 10_000, 0, 10_000_000),
    demoSeed: read.integer('DEMO_SEED', 20261122, 0, 2 ** 31 - 1),
    cookieSecure,
    sessionTtlMinutes: read.integer('SESSION_TTL_MINUTES', 30, 1, 24 * 60),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    publicBaseUrl: read.url('PUBLIC_BASE_URL', `http://localhost:${port}`),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      this.problems.push(`${name} must be an http(s) URL (got "${value}")`);
      return fallback;
    }
    return value.replace(/\/$/, '');
  }

  postgresUrl(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!URL.canParse(value) || !/^postgres(ql)?:$/.test(new URL(value).protocol)) {
      // The value may hold a password, so it is not echoed back.
      this.problems.push(`${name} must be a postgres:// or postgresql:// connection URL`);
      return undefined;
    }
    return value;
  }
}

/** For entry points: the configuration, or every problem on stderr and exit code 1. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
