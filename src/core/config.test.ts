import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('has safe local defaults: embedded database, port 3000, 10,000 demo residents', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, demoResidents: 10_000, cookieSecure: true, env: 'development' });
  });

  it('reports every malformed value at once, each naming the variable and what it got', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', COOKIE_SECURE: 'maybe' });
      expect.unreachable('loadConfig should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/PORT must be a whole number from 1 to 65535 \(got "eighty"\)/);
      expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of .* \(got "loud"\)/);
      expect(problems.join('\n')).toMatch(/DATABASE_URL must be a postgres/);
      expect(problems.join('\n')).toMatch(/COOKIE_SECURE must be true or false/);
    }
  });

  it('never echoes a database URL back, since it may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'http://user:s3cret@db/x' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'http://user:s3cret@db/x' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it('refuses production without an external database or with insecure cookies', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' })).toThrow(/DATABASE_URL is required[\s\S]*COOKIE_SECURE must not be false/);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/oncegov' });
    expect(config.demoResidents).toBe(0);
  });

  it('rejects out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ DEMO_RESIDENTS: '-5' })).toThrow(/DEMO_RESIDENTS/);
  });
});
