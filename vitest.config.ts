import { defineConfig } from 'vitest/config';

// Four tiers, one run: unit (pure functions), api (in-process requests via inject against a real
// Postgres), db (SQL-level behaviour against real Postgres) and browser (Debian Chromium + axe).
// The database is the embedded server unless TEST_DATABASE_URL points at another one.
const shared = { globalSetup: ['./test/support/global-setup.ts'], testTimeout: 30_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['src/**/*.test.ts'], exclude: ['src/**/*.api.test.ts', 'src/**/*.db.test.ts'], globalSetup: [] } },
      { test: { ...shared, name: 'api', include: ['src/**/*.api.test.ts', 'test/api/**/*.test.ts'] } },
      { test: { ...shared, name: 'db', include: ['src/**/*.db.test.ts', 'test/db/**/*.test.ts'] } },
      { test: { ...shared, name: 'browser', include: ['test/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000 } },
    ],
  },
});
