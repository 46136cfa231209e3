// Loading the catalogue seed into the `opendata` tables: complete, idempotent, following a changed
// seed (an entry dropped from the seed disappears, a changed one is updated), and the tables'
// checks refuse what the catalogue could not serve.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { OpenDataCatalogue } from './catalogue';
import { loadSeed, readCatalogue } from './repository';
import { PUBLISHERS, seedDatasets } from './seed';

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const seed = { publishers: PUBLISHERS, datasets: seedDatasets() };

describe('loading the data catalogue seed', () => {
  it('stores every entry exactly as seeded, in order, and skips an unchanged seed', async () => {
    expect(await loadSeed(db.pool, seed)).toBe(true);
    const stored = await readCatalogue(db.pool);
    expect(stored.datasets).toEqual(seed.datasets);
    expect(stored.publishers.map((p) => p.code).sort()).toEqual(PUBLISHERS.map((p) => p.code).sort());
    expect(await loadSeed(db.pool, seed)).toBe(false);
  });

  it('follows a changed seed, and the catalogue reads the tables', async () => {
    const changed = {
      ...seed,
      datasets: seed.datasets.filter((d) => d.id !== 'moel-minimum-wage').map((d) => (d.id === 'kma-earthquakes' ? { ...d, title: { ko: '지진 목록(개정)', en: 'Earthquakes (revised)' } } : d)),
    };
    const catalogue = await OpenDataCatalogue.open(db.pool, { baseUrl: 'https://data.example/', seed: changed });
    expect(catalogue.find('moel-minimum-wage', { role: null })).toBeUndefined();
    expect(catalogue.find('kma-earthquakes', { role: null })?.title.en).toBe('Earthquakes (revised)');
    expect(catalogue.find('kma-earthquakes', { role: null })?.distributions[0]?.accessUrl).toBe('https://data.example/datasets/kma-earthquakes');
    expect(await loadSeed(db.pool, seed)).toBe(true);
    await catalogue.reload();
    expect(catalogue.find('moel-minimum-wage', { role: null })).toBeDefined();
  });

  it('refuses an unknown access level or a malformed id', async () => {
    await expect(db.pool.query(`INSERT INTO opendata.datasets (id, position, publisher, access_level, metadata) VALUES ('x-1', 999, 'MOIS', 'secret', '{}')`)).rejects.toThrow(/check/);
    await expect(db.pool.query(`INSERT INTO opendata.datasets (id, position, publisher, access_level, metadata) VALUES ('Bad Id', 999, 'MOIS', 'public', '{}')`)).rejects.toThrow(/check/);
  });
});
