import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../../test/support/db';
import { generatePopulationAll } from './generator';
import { isSyntheticRrn } from './identifiers';
import { seedPopulation } from './loader';

type Database = Awaited<ReturnType<typeof freshDatabase>>;
let db: Database;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.drop();
});

async function tableCounts(): Promise<Record<string, number>> {
  const result = await db.pool.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM registry.households)::int AS households,
            (SELECT count(*) FROM registry.residents)::int AS residents,
            (SELECT count(*) FROM registry.family_relations)::int AS relations,
            (SELECT count(*) FROM registry.incomes)::int AS incomes,
            (SELECT count(*) FROM registry.disabilities)::int AS disabilities,
            (SELECT count(*) FROM registry.businesses)::int AS businesses,
            (SELECT count(*) FROM registry.vehicles)::int AS vehicles`,
  );
  return result.rows[0]!;
}

function expectedCounts(seed: number, residents: number): Record<string, number> {
  const population = generatePopulationAll({ seed, residents });
  return Object.fromEntries(Object.entries(population).map(([table, rows]) => [table, (rows as unknown[]).length]));
}

describe('seedPopulation', () => {
  it('loads the generated population, reporting progress in residents', async () => {
    const progress: number[] = [];
    const result = await seedPopulation(db.pool, {
      seed: 20261122,
      residents: 2_000,
      onProgress: (done, total) => {
        expect(total).toBe(2_000);
        progress.push(done);
      },
    });
    const expected = expectedCounts(20261122, 2_000);
    expect(await tableCounts()).toEqual(expected);
    expect(result).toMatchObject({ residents: 2_000, households: expected.households, businesses: expected.businesses, vehicles: expected.vehicles });
    expect(expected.vehicles).toBeGreaterThan(0);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(2_000);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const sample = await db.pool.query<{ rrn: string; birth_date: string }>('SELECT rrn, birth_date FROM registry.residents ORDER BY id LIMIT 50');
    for (const row of sample.rows) expect(isSyntheticRrn(row.rrn)).toBe(true);

    // Vehicles arrive exactly as generated (the plate's Hangul survives COPY and the CHECK).
    const generated = generatePopulationAll({ seed: 20261122, residents: 2_000 }).vehicles.slice(0, 20);
    const loaded = await db.pool.query(
      `SELECT id, plate_number AS "plateNumber", owner_resident_id AS "ownerResidentId", model, fuel,
              first_registered_on AS "firstRegisteredOn", region_code AS "regionCode"
         FROM registry.vehicles ORDER BY id LIMIT 20`,
    );
    expect(loaded.rows).toEqual(generated);
  });

  it('replaces the previous population instead of adding to it, keeping the foreign keys', async () => {
    await seedPopulation(db.pool, { seed: 1, residents: 2_000 });
    await seedPopulation(db.pool, { seed: 2, residents: 1_500 });
    expect(await tableCounts()).toEqual(expectedCounts(2, 1_500));

    const fks = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = 'registry'::regnamespace AND convalidated`,
    );
    expect(fks.rows[0]!.n).toBeGreaterThanOrEqual(7);
    await expect(
      db.pool.query(`INSERT INTO registry.incomes (resident_id, tax_year, earned_income_krw) VALUES (999999999, 2025, 0)`),
    ).rejects.toThrow(/foreign key/);
  });

  it('leaves the old population in place when the load fails', async () => {
    await seedPopulation(db.pool, { seed: 3, residents: 500 });
    await expect(seedPopulation(db.pool, { seed: 3, residents: 500, asOf: 'not-a-date' })).rejects.toThrow();
    expect((await tableCounts()).residents).toBe(500);
  });
});
