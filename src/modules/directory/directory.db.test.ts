// The directory as seeded by its migration: consistent with the registry's data-product
// catalogue, and guarded by constraints against malformed identifiers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { DATA_PRODUCTS } from '../registry/data-products';
import { DirectoryService, parseSubsystemId } from './service';

let db: TestDatabase;
let directory: DirectoryService;

beforeAll(async () => {
  db = await freshDatabase();
  directory = new DirectoryService(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

describe('the seeded directory', () => {
  it('lists the members of instance KR, government and companies', async () => {
    const members = await directory.listMembers();
    expect(members.map((m) => m.id)).toEqual(
      expect.arrayContaining(['KR/GOV/MOIS', 'KR/GOV/SCOURT', 'KR/GOV/NTS', 'KR/GOV/MOHW', 'KR/GOV/MOLIT', 'KR/GOV/MOEL', 'KR/COM/DEMOBANK']),
    );
    expect(members.find((m) => m.memberCode === 'MOIS')).toEqual({
      id: 'KR/GOV/MOIS',
      instance: 'KR',
      memberClass: 'GOV',
      memberCode: 'MOIS',
      name: { ko: '행정안전부', en: 'Ministry of the Interior and Safety' },
      className: { ko: '정부기관', en: 'Government' },
    });
    expect(members.find((m) => m.memberCode === 'DEMOBANK')?.memberClass).toBe('COM');
  });

  it('has a provider subsystem for every data product and the consumers the exchange starts with', async () => {
    const subsystems = await directory.listSubsystems();
    const byId = new Map(subsystems.map((s) => [s.id, s]));
    for (const product of DATA_PRODUCTS) {
      expect(['provider', 'both'], product.id).toContain(byId.get(product.providerSubsystem)?.role);
    }
    for (const consumer of ['KR/GOV/MOHW/welfare-benefits', 'KR/GOV/MOEL/employment-insurance', 'KR/COM/DEMOBANK/loans']) {
      expect(['consumer', 'both'], consumer).toContain(byId.get(consumer)?.role);
    }
    for (const s of subsystems) {
      expect(parseSubsystemId(s.id)).toEqual({ instance: s.instance, memberClass: s.memberClass, memberCode: s.memberCode, subsystemCode: s.subsystemCode });
      expect(s.name.ko.length > 0 && s.name.en.length > 0).toBe(true);
    }
    // A provider with nothing to provide would be a directory error.
    for (const s of subsystems.filter((x) => x.role === 'provider')) expect(directory.providedProducts(s.id).length, s.id).toBeGreaterThan(0);
  });

  it('finds a subsystem by its exact id only', async () => {
    expect(await directory.findSubsystem('KR/GOV/MOLIT/vehicle-register')).toMatchObject({ memberCode: 'MOLIT', role: 'provider' });
    expect(await directory.findSubsystem('kr/gov/molit/vehicle-register')).toBeUndefined();
    expect(await directory.findSubsystem('KR/GOV/MOLIT/nothing')).toBeUndefined();
    expect(await directory.findSubsystem('KR/GOV/MOLIT')).toBeUndefined();
    expect(await directory.findSubsystem("KR/GOV/MOLIT/x' OR '1'='1")).toBeUndefined();
  });

  it('refuses malformed or inconsistent identifiers and unknown members', async () => {
    const insert = (id: string, member: string, code: string, role = 'consumer') =>
      db.pool.query(
        `INSERT INTO directory.subsystems (id, instance, member_class, member_code, subsystem_code, name_ko, name_en, role)
         VALUES ($1, 'KR', 'GOV', $2, $3, '시험', 'Test', $4)`,
        [id, member, code, role],
      );
    await expect(insert('KR/GOV/MOIS/other', 'MOIS', 'different')).rejects.toThrow(/check/);
    await expect(insert('KR/GOV/MOIS/with space', 'MOIS', 'with space')).rejects.toThrow(/check/);
    await expect(insert('KR/GOV/NOBODY/x', 'NOBODY', 'x')).rejects.toThrow(/foreign key/);
    await expect(insert('KR/GOV/MOIS/x', 'MOIS', 'x', 'spectator')).rejects.toThrow(/check/);
    await expect(db.pool.query(`INSERT INTO directory.members VALUES ('KR', 'NGO', 'X', 'x', 'x')`)).rejects.toThrow(/foreign key/);
  });
});
