// Plain .sql migrations from ./migrations, applied in file-name order, each in its own
// transaction, identical on the embedded and an external Postgres. An applied migration whose
// file later changes is refused: schema history is append-only like the audit log.
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from './db';
import { withTransaction } from './db';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));
const MIGRATION_LOCK = 7_240_000;

interface MigrationFile {
  version: string;
  sql: string;
  checksum: string;
}

function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(resolve(dir, name), 'utf8');
      return { version: name.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

async function appliedVersions(pool: Pool): Promise<Map<string, string>> {
  const table = await pool.query(`SELECT to_regclass('public.schema_migrations') AS name`);
  if (!table.rows[0].name) return new Map();
  const rows = await pool.query<{ version: string; checksum: string }>('SELECT version, checksum FROM public.schema_migrations');
  return new Map(rows.rows.map((row) => [row.version, row.checksum]));
}

export async function pendingMigrations(pool: Pool, dir?: string): Promise<string[]> {
  const applied = await appliedVersions(pool);
  return migrationFiles(dir)
    .filter((file) => !applied.has(file.version))
    .map((file) => file.version);
}

/** Applies every pending migration; returns the versions applied. */
export async function migrate(pool: Pool, dir?: string): Promise<string[]> {
  const files = migrationFiles(dir);
  const client = await pool.connect();
  try {
    // Two processes starting together must not both apply the same migration.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS public.schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = await appliedVersions(pool);
    const done: string[] = [];
    for (const file of files) {
      const checksum = applied.get(file.version);
      if (checksum !== undefined) {
        if (checksum !== file.checksum) {
          throw new Error(`Migration ${file.version} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await withTransaction(pool, async (tx) => {
        await tx.query(file.sql);
        await tx.query('INSERT INTO public.schema_migrations (version, checksum) VALUES ($1, $2)', [file.version, file.checksum]);
      });
      done.push(file.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
