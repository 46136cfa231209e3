// A new, fully migrated database per test file, on the server the global setup provides.
import { inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../src/core/db';
import { migrate } from '../../src/core/migrate';

export type TestDatabase = ScratchDatabase;

export async function freshDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const database = await createScratchDatabase(inject('adminDatabaseUrl'), 'oncegov_test');
  if (options.migrated !== false) await migrate(database.pool);
  return database;
}
