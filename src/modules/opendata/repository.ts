// SQL over the `opendata` schema. Only this module's code touches these tables.
import { createHash } from 'node:crypto';
import { withTransaction, type Pool } from '../../core/db';
import type { Publisher } from './model';
import type { DatasetSpec } from './seed';

export interface CatalogueSeed {
  publishers: readonly Publisher[];
  datasets: readonly DatasetSpec[];
}

const SEED_LOCK = 7_240_070;

/**
 * Makes the tables hold exactly the seed (upserts, and removes entries the seed no longer has);
 * skipped when the stored checksum says this very seed is loaded. Returns whether it wrote.
 */
export async function loadSeed(pool: Pool, seed: CatalogueSeed): Promise<boolean> {
  const checksum = createHash('sha256').update(JSON.stringify(seed)).digest('hex');
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const state = await tx.query<{ checksum: string }>('SELECT checksum FROM opendata.seed_state');
    if (state.rows[0]?.checksum === checksum) return false;
    await tx.query(
      `INSERT INTO opendata.publishers (code, name_ko, name_en, homepage)
       SELECT p.code, p.name_ko, p.name_en, p.homepage FROM jsonb_to_recordset($1::jsonb) AS p(code text, name_ko text, name_en text, homepage text)
       ON CONFLICT (code) DO UPDATE SET name_ko = EXCLUDED.name_ko, name_en = EXCLUDED.name_en, homepage = EXCLUDED.homepage`,
      [JSON.stringify(seed.publishers.map((p) => ({ code: p.code, name_ko: p.name.ko, name_en: p.name.en, homepage: p.homepage })))],
    );
    const rows = seed.datasets.map((spec, position) => ({ id: spec.id, position, publisher: spec.publisher, access_level: spec.accessLevel, metadata: spec }));
    await tx.query(
      `INSERT INTO opendata.datasets (id, position, publisher, access_level, metadata)
       SELECT d.id, d.position, d.publisher, d.access_level, d.metadata
       FROM jsonb_to_recordset($1::jsonb) AS d(id text, position integer, publisher text, access_level text, metadata jsonb)
       ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, publisher = EXCLUDED.publisher, access_level = EXCLUDED.access_level,
         metadata = EXCLUDED.metadata, updated_at = now()
       WHERE opendata.datasets.metadata IS DISTINCT FROM EXCLUDED.metadata OR opendata.datasets.position IS DISTINCT FROM EXCLUDED.position`,
      [JSON.stringify(rows)],
    );
    await tx.query('DELETE FROM opendata.datasets WHERE NOT (id = ANY($1::text[]))', [seed.datasets.map((spec) => spec.id)]);
    await tx.query(
      `INSERT INTO opendata.seed_state (only_row, checksum) VALUES (true, $1) ON CONFLICT (only_row) DO UPDATE SET checksum = EXCLUDED.checksum`,
      [checksum],
    );
    return true;
  });
}

export async function readCatalogue(pool: Pool): Promise<CatalogueSeed> {
  const [publishers, datasets] = await Promise.all([
    pool.query<{ code: string; name_ko: string; name_en: string; homepage: string }>('SELECT code, name_ko, name_en, homepage FROM opendata.publishers ORDER BY code'),
    pool.query<{ metadata: DatasetSpec }>('SELECT metadata FROM opendata.datasets ORDER BY position'),
  ]);
  return {
    publishers: publishers.rows.map((p) => ({ code: p.code, name: { ko: p.name_ko, en: p.name_en }, homepage: p.homepage })),
    datasets: datasets.rows.map((row) => row.metadata),
  };
}

/** A datastore resource as the catalogue lists it among its dataset's distributions. */
export interface ResourceSummary {
  id: string;
  datasetId: string;
  title: { ko: string; en: string };
}

/** Every imported datastore resource (migrations/0110_datastore.sql), oldest first. */
export async function readResourceSummaries(pool: Pool): Promise<ResourceSummary[]> {
  const { rows } = await pool.query<{ id: string; dataset_id: string; title_ko: string; title_en: string }>(
    'SELECT id, dataset_id, title_ko, title_en FROM datastore.resources ORDER BY created_at, id',
  );
  return rows.map((row) => ({ id: row.id, datasetId: row.dataset_id, title: { ko: row.title_ko, en: row.title_en } }));
}
