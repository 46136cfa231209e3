import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/db';
import { AuditLog } from '../../core/audit';
import { HOUSEHOLD_ROLES, REGION_CODES, householdsFromColumns, type PopulationColumns } from './columns';
import { RegistryService } from './service';

type Database = Awaited<ReturnType<typeof freshDatabase>>;
let db: Database;
let registry: RegistryService;
let columns: PopulationColumns;

beforeAll(async () => {
  db = await freshDatabase();
  registry = new RegistryService(db.pool, new AuditLog(db.pool));
  await registry.seedSyntheticPopulation({ seed: 777, residents: 3_000 });
  // Someone who died stays in the register but is no longer evaluated for benefits.
  await db.pool.query("UPDATE registry.residents SET deceased_on = '2026-01-01' WHERE id = (SELECT min(id) FROM registry.residents)");
  // Someone moved: their id no longer sits among their new household's (members are then regrouped).
  await db.pool.query(
    `UPDATE registry.residents SET household_id = (SELECT min(id) FROM registry.households), household_role = 'other'
      WHERE id = (SELECT max(id) FROM registry.residents)`,
  );
  columns = await registry.populationColumns();
});

afterAll(async () => {
  await db?.drop();
});

describe('RegistryService.populationColumns', () => {
  it('loads every living resident, grouped by household', async () => {
    const counts = await db.pool.query(
      `SELECT (SELECT count(*) FROM registry.residents WHERE deceased_on IS NULL)::int AS living,
              (SELECT count(*) FROM registry.households)::int AS households`,
    );
    expect(columns.personCount).toBe(counts.rows[0].living);
    expect(columns.householdCount).toBe(counts.rows[0].households);
    expect(columns.memberStart[columns.householdCount]).toBe(columns.personCount);
    const moved = (await db.pool.query('SELECT max(id)::int AS id FROM registry.residents')).rows[0].id;
    const movedAt = columns.residentId.indexOf(moved);
    expect(columns.household[movedAt]).toBe(0);
    expect(HOUSEHOLD_ROLES[columns.role[movedAt]!]).toBe('other');
    for (let h = 0; h < columns.householdCount; h++) {
      for (let i = columns.memberStart[h]!; i < columns.memberStart[h + 1]!; i++) expect(columns.household[i]).toBe(h);
    }
  });

  it("carries each resident's register entry, latest income and disability", async () => {
    const rows = await db.pool.query(
      `SELECT r.id, r.household_id, to_char(r.birth_date, 'YYYYMMDD')::int AS birth, r.household_role, h.region_code,
              d.severity, (SELECT earned_income_krw FROM registry.incomes i WHERE i.resident_id = r.id ORDER BY tax_year DESC LIMIT 1) AS earned
         FROM registry.residents r JOIN registry.households h ON h.id = r.household_id
         LEFT JOIN registry.disabilities d ON d.resident_id = r.id
        WHERE r.deceased_on IS NULL AND (r.id % 97 = 0 OR d.resident_id IS NOT NULL)`,
    );
    expect(rows.rows.length).toBeGreaterThan(20);
    const index = new Map(Array.from(columns.residentId, (id, i) => [id, i]));
    for (const row of rows.rows) {
      const i = index.get(row.id)!;
      expect(i, `resident ${row.id}`).toBeDefined();
      expect(columns.birthDate[i]).toBe(row.birth);
      expect(HOUSEHOLD_ROLES[columns.role[i]!]).toBe(row.household_role);
      expect(columns.householdId[columns.household[i]!]).toBe(row.household_id);
      expect(REGION_CODES[columns.region[columns.household[i]!]!]).toBe(row.region_code);
      expect(columns.earnedIncome[i]).toBe(row.earned ?? 0);
      expect(columns.disabilitySeverity[i]! > 0).toBe(row.severity !== null);
    }
  });

  it('loads only the households asked for, by household or by resident', async () => {
    const some = await db.pool.query('SELECT id, household_id FROM registry.residents WHERE deceased_on IS NULL ORDER BY id DESC LIMIT 2');
    const householdIds = [...new Set(some.rows.map((r) => Number(r.household_id)))].sort((a, b) => a - b);
    const byHousehold = await registry.populationColumns({ householdIds });
    expect(Array.from(byHousehold.householdId)).toEqual(householdIds);
    const members = await db.pool.query('SELECT count(*)::int AS n FROM registry.residents WHERE deceased_on IS NULL AND household_id = ANY($1)', [householdIds]);
    expect(byHousehold.personCount).toBe(members.rows[0].n);

    const byResident = await registry.populationColumns({ residentIds: [some.rows[0].id] });
    expect(Array.from(byResident.householdId)).toEqual([Number(some.rows[0].household_id)]);
    const full = householdsFromColumns(columns).find((h) => h.householdId === Number(some.rows[0].household_id))!;
    expect(householdsFromColumns(byResident)[0]).toEqual(full);
  });
});
