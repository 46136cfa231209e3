// Every data product's reader against a seeded synthetic population: it returns exactly the
// fields the catalogue declares, each of the declared type, for subjects that have the data and
// subjects that do not, and null for subjects that do not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { AuditLog } from '../../core/audit';
import { AppError } from '../../core/errors';
import { DATA_PRODUCTS, findDataProduct, type DataProductField } from './data-products';
import { seedPopulation } from './population/loader';
import { RegistryService } from './service';

let db: TestDatabase;
let registry: RegistryService;

beforeAll(async () => {
  db = await freshDatabase();
  registry = new RegistryService(db.pool, new AuditLog(db.pool));
  await seedPopulation(db.pool, { seed: 20261122, residents: 2_000 });
});
afterAll(async () => {
  await db?.drop();
});

async function one<T>(sql: string): Promise<T> {
  const result = await db.pool.query(sql);
  if (!result.rows[0]) throw new Error(`no row for: ${sql}`);
  return Object.values(result.rows[0])[0] as T;
}

/** Problems with a record against declared fields; records every field seen non-null in `seen`. */
function conformance(fields: readonly DataProductField[], record: Record<string, unknown>, path: string, seen: Set<string>): string[] {
  const problems: string[] = [];
  const declared = fields.map((f) => f.name).sort();
  const actual = Object.keys(record).sort();
  if (JSON.stringify(declared) !== JSON.stringify(actual)) problems.push(`${path}: fields ${actual.join(',')} ≠ declared ${declared.join(',')}`);
  for (const field of fields) {
    const value = record[field.name];
    const where = `${path}.${field.name}`;
    if (value === null) {
      if (!field.nullable) problems.push(`${where}: null but not nullable`);
      continue;
    }
    seen.add(where.replace(/\[\d+\]/g, '[]'));
    const ok = {
      string: typeof value === 'string' && value.length > 0,
      integer: Number.isSafeInteger(value),
      date: typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
      boolean: typeof value === 'boolean',
      array: Array.isArray(value),
    }[field.type];
    if (!ok) problems.push(`${where}: ${JSON.stringify(value)} is not ${field.type}`);
    if (field.enum && !field.enum.includes(value as string)) problems.push(`${where}: ${JSON.stringify(value)} not in ${field.enum.join('|')}`);
    if (field.items && Array.isArray(value)) {
      value.forEach((item, i) => problems.push(...conformance(field.items!, item as Record<string, unknown>, `${where}[${i}]`, seen)));
    }
  }
  return problems;
}

describe('readDataProduct', () => {
  it('returns exactly the declared fields, well-typed, for subjects with and without the data', async () => {
    const withChildren = await one<number>(`SELECT resident_id FROM registry.family_relations WHERE relation = 'child' GROUP BY resident_id ORDER BY count(*) DESC, resident_id LIMIT 1`);
    const withSpouse = await one<number>(`SELECT resident_id FROM registry.family_relations WHERE relation = 'spouse' ORDER BY resident_id LIMIT 1`);
    const alone = await one<number>(`SELECT r.id FROM registry.residents r WHERE NOT EXISTS (SELECT 1 FROM registry.family_relations f WHERE f.resident_id = r.id) ORDER BY r.id LIMIT 1`);
    const disabled = await one<number>('SELECT resident_id FROM registry.disabilities ORDER BY resident_id LIMIT 1');
    const earner = await one<number>('SELECT resident_id FROM registry.incomes WHERE earned_income_krw > 0 ORDER BY resident_id LIMIT 1');
    const baby = await one<number>(`SELECT id FROM registry.residents WHERE birth_date > DATE '2026-01-01' ORDER BY id LIMIT 1`);
    const twoCars = await one<number>('SELECT owner_resident_id FROM registry.vehicles GROUP BY owner_resident_id HAVING count(*) > 1 ORDER BY 1 LIMIT 1');
    const openBusiness = await one<string>('SELECT brn FROM registry.businesses WHERE closed_on IS NULL ORDER BY id LIMIT 1');
    const closedBusiness = await one<string>('SELECT brn FROM registry.businesses WHERE closed_on IS NOT NULL ORDER BY id LIMIT 1');
    const residents = [withChildren, withSpouse, alone, disabled, earner, baby, twoCars];

    const seen = new Set<string>();
    const problems: string[] = [];
    for (const product of DATA_PRODUCTS) {
      const subjects = product.subject === 'business' ? [openBusiness, closedBusiness] : residents;
      for (const subject of subjects) {
        const record = await registry.readDataProduct(db.pool, product.id, subject);
        expect(record, `${product.id} ${subject}`).not.toBeNull();
        problems.push(...conformance(product.fields, record!, `${product.id}(${subject})`, seen));
      }
    }
    expect(problems).toEqual([]);
    // Every declared field, nested ones and nullable ones included, was exercised with a value.
    const declared = DATA_PRODUCTS.flatMap((p) =>
      p.fields.flatMap((f) => [`${p.id}.${f.name}`, ...(f.items ?? []).map((i) => `${p.id}.${f.name}[].${i.name}`)]),
    );
    const exercised = new Set([...seen].map((s) => s.replace(/\([^)]*\)/, '')));
    expect(declared.filter((d) => !exercised.has(d))).toEqual([]);
  });

  it('gives the values the registry holds', async () => {
    const owner = await one<number>('SELECT owner_resident_id FROM registry.vehicles GROUP BY owner_resident_id HAVING count(*) > 1 ORDER BY 1 LIMIT 1');
    const vehicles = await registry.readDataProduct(db.pool, 'vehicle.registration', owner);
    const plates = await db.pool.query<{ plate_number: string }>('SELECT plate_number FROM registry.vehicles WHERE owner_resident_id = $1 ORDER BY first_registered_on, id', [owner]);
    expect(vehicles).toMatchObject({ vehicleCount: plates.rows.length, vehicles: plates.rows.map((r) => expect.objectContaining({ plateNumber: r.plate_number })) });

    const basic = await registry.readDataProduct(db.pool, 'resident.basic', String(owner));
    expect({ ko: basic?.nameKo, en: basic?.nameRomanized }).toEqual(await registry.residentName(owner));

    const household = (await registry.readDataProduct(db.pool, 'resident.household', owner)) as { householdSize: number; members: Array<{ residentId: number; relation: string | null }> };
    expect(household.members.filter((m) => m.relation === 'self').map((m) => m.residentId)).toEqual([owner]);
    expect(household.householdSize).toBe(household.members.length);

    const parent = await one<number>(`SELECT resident_id FROM registry.family_relations WHERE relation = 'child' ORDER BY resident_id LIMIT 1`);
    const children = (await registry.readDataProduct(db.pool, 'family.children', parent)) as { childCount: number; children: Array<{ residentId: number }> };
    const expected = await db.pool.query<{ relative_id: number }>(`SELECT relative_id FROM registry.family_relations WHERE resident_id = $1 AND relation = 'child'`, [parent]);
    expect(children.children.map((c) => c.residentId).sort()).toEqual(expected.rows.map((r) => r.relative_id).sort());
    expect(children.childCount).toBe(expected.rows.length);

    const baby = await one<number>(`SELECT id FROM registry.residents WHERE birth_date > DATE '2026-01-01' ORDER BY id LIMIT 1`);
    expect(await registry.readDataProduct(db.pool, 'tax.income-certificate', baby)).toEqual({ taxYear: 2025, earnedIncomeKrw: 0, businessIncomeKrw: 0 });
    expect(await registry.readDataProduct(db.pool, 'disability.status', baby)).toEqual({ registered: false, category: null, severity: null, registeredOn: null });

    const brn = await one<string>('SELECT brn FROM registry.businesses WHERE closed_on IS NOT NULL ORDER BY id LIMIT 1');
    const hyphenated = `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}`;
    expect(await registry.readDataProduct(db.pool, 'business.registration', hyphenated)).toMatchObject({ brn, status: 'closed' });
  });

  it('returns null for subjects that do not exist or cannot exist', async () => {
    for (const product of DATA_PRODUCTS) {
      const missing = product.subject === 'business' ? ['0000000000', '12345', 42] : [999_999, '999999', 0, -3, 'abc', '1; DROP TABLE x', 2 ** 60];
      for (const subject of missing) {
        expect(await registry.readDataProduct(db.pool, product.id, subject), `${product.id} ${subject}`).toBeNull();
      }
    }
  });

  it('refuses an unknown product with UNKNOWN_SERVICE', async () => {
    const error = await registry.readDataProduct(db.pool, 'resident.everything', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNKNOWN_SERVICE');
    expect(findDataProduct('resident.everything')).toBeUndefined();
  });

  it('reads inside the caller\'s transaction', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE registry.residents SET name_ko = '임시이름' WHERE id = 1`);
      expect((await registry.readDataProduct(client, 'resident.basic', 1))?.nameKo).toBe('임시이름');
      expect((await registry.readDataProduct(db.pool, 'resident.basic', 1))?.nameKo).not.toBe('임시이름');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
