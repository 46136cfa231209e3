// Loading the seed into the `services` tables: complete, idempotent, and following the seed when
// it changes (a service dropped from the seed disappears, a changed one is updated).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { loadSeed, readCatalogue } from './repository';
import { SEED_AGENCIES, SEED_BUNDLES, SEED_SERVICES } from './seed';
import { ServiceCatalogue } from './service';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const seed = { agencies: SEED_AGENCIES, services: SEED_SERVICES, bundles: SEED_BUNDLES };

describe('loading the catalogue seed', () => {
  it('stores every service, document and bundle exactly as seeded, and skips an unchanged seed', async () => {
    expect(await loadSeed(db.pool, seed)).toBe(true);
    const stored = await readCatalogue(db.pool);
    expect(stored.services).toEqual(SEED_SERVICES.map((s) => ({ ...s, keywords: s.keywords ?? { ko: '', en: '' } })));
    expect(stored.bundles.find((b) => b.id === 'happy-childbirth')).toEqual(SEED_BUNDLES.find((b) => b.id === 'happy-childbirth'));
    expect(await loadSeed(db.pool, seed)).toBe(false);
    const counts = await db.pool.query('SELECT (SELECT count(*) FROM services.services) AS services, (SELECT count(*) FROM services.required_documents) AS documents');
    expect(counts.rows[0]).toEqual({ services: SEED_SERVICES.length, documents: SEED_SERVICES.reduce((n, s) => n + s.documents.length, 0) });
  });

  it('follows a changed seed: updated names, removed services gone, and the catalogue reads the tables', async () => {
    const changed = {
      ...seed,
      services: SEED_SERVICES.filter((s) => s.id !== 'senior-jobs').map((s) => (s.id === 'basic-pension' ? { ...s, feeKrw: 0, name: { ko: '기초연금(개정)', en: 'Basic pension (revised)' } } : s)),
    };
    expect(await loadSeed(db.pool, changed)).toBe(true);
    const catalogue = await ServiceCatalogue.open(db.pool, changed);
    expect(catalogue.findService('senior-jobs')).toBeUndefined();
    expect(catalogue.findService('basic-pension')?.name.en).toBe('Basic pension (revised)');
    await loadSeed(db.pool, seed);
    await catalogue.reload();
    expect(catalogue.findService('senior-jobs')?.name.ko).toBe('노인일자리 및 사회활동 지원');
  });

  it('refuses a document that is neither a data product nor a named upload', async () => {
    await expect(
      db.pool.query(`INSERT INTO services.required_documents (service_id, position, kind, data_product_id, name_ko, name_en) VALUES ('basic-pension', 99, 'upload', NULL, NULL, NULL)`),
    ).rejects.toThrow(/check constraint/);
    await expect(db.pool.query(`UPDATE services.services SET life_events = '{holidays}' WHERE id = 'basic-pension'`)).rejects.toThrow(/check constraint/);
  });
});
