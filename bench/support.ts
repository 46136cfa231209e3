// Shared benchmark plumbing: a throwaway migrated database (embedded unless DATABASE_URL is set),
// the whole platform on it, timing, and JSON output.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, startEmbeddedPostgres, type Pool } from '../src/core/db';
import { migrate } from '../src/core/migrate';
import { freePort } from './lib/processes';
import { buildPlatform, type Platform } from '../src/app';
import { loadConfig } from '../src/core/config';
import { createLogger } from '../src/core/logger';

export interface BenchDatabase {
  pool: Pool;
  url: string;
  close(): Promise<void>;
}

/** A migrated scratch database on DATABASE_URL's server, or on an embedded one made for the run. */
export async function benchDatabase(poolSize = 20): Promise<BenchDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'oncegov-bench-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    adminUrl = embedded.connectionString;
    stopEmbedded = embedded.stop;
  }
  const database = await createScratchDatabase(adminUrl, 'oncegov_bench', poolSize);
  await migrate(database.pool);
  return {
    pool: database.pool,
    url: database.url,
    close: async () => {
      await database.drop();
      await stopEmbedded?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

export function printResult(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

export function machine() {
  return { node: process.version, cpus: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

/**
 * The whole platform on the bench database (test configuration, silent logs). With `residents`,
 * its audit sealer runs and the registries hold that many synthetic residents (a fixed seed).
 */
export async function benchPlatform(db: BenchDatabase, options: { residents?: number } = {}): Promise<Platform> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const platform = await buildPlatform({ config, pool: db.pool, logger: createLogger('silent') });
  if (options.residents !== undefined) {
    platform.audit.startSealer();
    await platform.registry.seedSyntheticPopulation({ seed: 20261122, residents: options.residents });
  }
  return platform;
}
