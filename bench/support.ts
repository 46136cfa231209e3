// Shared benchmark plumbing: a throwaway migrated database (embedded unless DATABASE_URL is set),
// timing, and JSON output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPool, startEmbeddedPostgres, type Pool } from '../src/core/db';
import { migrate } from '../src/core/migrate';

export interface BenchDatabase {
  pool: Pool;
  url: string;
  close(): Promise<void>;
}

export async function benchDatabase(poolSize = 20): Promise<BenchDatabase> {
  const name = `oncegov_bench_${Date.now()}`;
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'oncegov-bench-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: 54000 + Math.floor(Math.random() * 900), database: 'postgres' });
    adminUrl = embedded.connectionString;
    stopEmbedded = embedded.stop;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), poolSize);
  await migrate(pool);
  return {
    pool,
    url: url.toString(),
    close: async () => {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
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
  return { node: process.version, cpus: (globalThis as any).navigator?.hardwareConcurrency ?? undefined };
}
