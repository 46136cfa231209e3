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
  notifications: NotificationsConfig;
}

/** How notifications leave the platform (src/modules/notifications). */
export interface NotificationsConfig {
  /** folder: each email written into `outboxDir` (development); smtp: sent through `smtp`. */
  emailAdapter: 'folder' | 'smtp';
  /** SMS has only the development adapter so far: each message written into `outboxDir`. */
  smsAdapter: 'folder';
  outboxDir: string;
  emailFrom: string;
  smtp: { host: string; port: number; secure: boolean; user: string | undefined; password: string | undefined } | null;
  retryBaseMs: number;
  retryCapMs: number;
  /** Attempts after which a temporary failure is final (technical failures are always retried). */
  maxAttempts: number;
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

  const dataDir = resolve(read.string('DATA_DIR', './data'));
  const emailAdapter = read.oneOf('NOTIFY_EMAIL_ADAPTER', ['folder', 'smtp'] as const, 'folder');
  const smtpHost = read.string('SMTP_HOST', '');
  if (emailAdapter === 'smtp' && !smtpHost) problems.push('SMTP_HOST is required when NOTIFY_EMAIL_ADAPTER=smtp');
  const smtpSecure = read.boolean('SMTP_SECURE', false);
  const notifications: NotificationsConfig = {
    emailAdapter,
    smsAdapter: read.oneOf('NOTIFY_SMS_ADAPTER', ['folder'] as const, 'folder'),
    outboxDir: resolve(read.string('NOTIFY_OUTBOX_DIR', resolve(dataDir, 'outbox'))),
    emailFrom: read.string('NOTIFY_EMAIL_FROM', 'OnceGov <no-reply@oncegov.example>'),
    smtp: smtpHost
      ? {
          host: smtpHost,
          port: read.integer('SMTP_PORT', smtpSecure ? 465 : 587, 1, 65535),
          secure: smtpSecure,
          user: read.string('SMTP_USER', '') || undefined,
          password: read.string('SMTP_PASSWORD', '') || undefined,
        }
      : null,
    retryBaseMs: read.integer('NOTIFY_RETRY_BASE_SECONDS', 30, 1, 86_400) * 1000,
    retryCapMs: read.integer('NOTIFY_RETRY_CAP_SECONDS', 3600, 1, 7 * 86_400) * 1000,
    maxAttempts: read.integer('NOTIFY_MAX_ATTEMPTS', 10, 1, 1000),
  };
  if (notifications.retryCapMs < notifications.retryBaseMs) problems.push('NOTIFY_RETRY_CAP_SECONDS must not be less than NOTIFY_RETRY_BASE_SECONDS');

  const config: Config = {
    env: nodeEnv,
    host: read.string('HOST', 'localhost'),
    port,
    databaseUrl,
    dataDir,
    embeddedPostgresPort: read.integer('EMBEDDED_POSTGRES_PORT', 54320, 1024, 65535),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    demoResidents: read.integer('DEMO_RESIDENTS', production ? 0 : 10_000, 0, 10_000_000),
    demoSeed: read.integer('DEMO_SEED', 20261122, 0, 2 ** 31 - 1),
    cookieSecure,
    sessionTtlMinutes: read.integer('SESSION_TTL_MINUTES', 30, 1, 24 * 60),
    bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    publicBaseUrl: read.url('PUBLIC_BASE_URL', `http://localhost:${port}`),
    notifications,
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
