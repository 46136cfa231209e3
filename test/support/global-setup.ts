// Gives every test tier a Postgres to create throwaway databases in: TEST_DATABASE_URL when set
// (CI also runs against Debian's postgresql server), otherwise an embedded server in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/core/db';
import { freePort } from './ports';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('adminDatabaseUrl', external);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'oncegov-test-'));
  const database = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
  project.provide('adminDatabaseUrl', database.connectionString);
  return async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
