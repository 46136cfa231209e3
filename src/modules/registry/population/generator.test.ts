import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  ADULT_AGE,
  ageOn,
  daysFromIso,
  DEFAULT_AS_OF,
  DISABILITY_CATEGORIES,
  FUELS,
  generatePopulation,
  generatePopulationAll,
  KSIC_SECTIONS,
  type PopulationChunk,
} from './generator';
import { isPassengerPlate, isSyntheticBrn, isSyntheticRrn, rrnBirthDate } from './identifiers';
import { romanizeHangul } from './names';
import { districtByCode, provinceByCode, PROVINCES } from './regions';

const SEED = 20261122;
const population = generatePopulationAll({ seed: SEED, residents: 20_000 });
const asOf = daysFromIso(DEFAULT_AS_OF);
const residentById = new Map(population.residents.map((r) => [r.id, r]));
const ageOf = (birthDate: string): number => ageOn(daysFromIso(birthDate), asOf);

function digest(chunk: PopulationChunk): string {
  return createHash('sha256').update(JSON.stringify(chunk)).digest('hex');
}

describe('determinism', () => {
  it('gives identical output for the same seed and count', () => {
    const again = generatePopulationAll({ seed: SEED, residents: 20_000 });
    expect(digest(again)).toBe(digest(population));
  });

  it('gives different output for a different seed', () => {
    const other = generatePopulationAll({ seed: SEED + 1, residents: 20_000 });
    expect(digest(other)).not.toBe(digest(population));
    expect(other.residents.slice(0, 50).map((r) => r.nameKo)).not.toEqual(population.residents.slice(0, 50).map((r) => r.nameKo));
  });

  it('does not depend on the chunk size, and chunks end between households', () => {
    const small = generatePopulationAll({ seed: SEED, residents: 20_000, chunkSize: 777 });
    expect(digest(small)).toBe(digest(population));
    const chunks = [...generatePopulation({ seed: SEED, residents: 20_000, chunkSize: 1_000 })];
    const seen = new Set<number>();
    for (const [index, chunk] of chunks.entries()) {
      if (index < chunks.length - 1) expect(chunk.residents.length).toBeGreaterThanOrEqual(1_000);
      for (const r of chunk.residents) {
        expect(chunk.households.some((h) => h.id === r.householdId)).toBe(true);
        seen.add(r.id);
      }
    }
    expect(chunks.length).toBeGreaterThan(15);
    expect(seen.size).toBe(20_000);
  });

  it('gives the same vehicles for the same seed whatever the chunk size, and others for another seed', () => {
    const vehicles = (chunk: PopulationChunk) => createHash('sha256').update(JSON.stringify(chunk.vehicles)).digest('hex');
    expect(population.vehicles.length).toBeGreaterThan(1_000);
    expect(vehicles(generatePopulationAll({ seed: SEED, residents: 20_000, chunkSize: 333 }))).toBe(vehicles(population));
    expect(vehicles(generatePopulationAll({ seed: SEED + 1, residents: 20_000 }))).not.toBe(vehicles(population));
  });

  it('produces exactly the number of residents asked for', () => {
    for (const n of [0, 1, 2, 3, 7, 101]) {
      expect(generatePopulationAll({ seed: 5, residents: n }).residents).toHaveLength(n);
    }
  });
});

describe('identifiers', () => {
  it('gives every resident a unique synthetic RRN matching birth date and sex', () => {
    const rrns = new Set<string>();
    const problems: string[] = [];
    for (const r of population.residents) {
      if (!isSyntheticRrn(r.rrn) || rrnBirthDate(r.rrn) !== r.birthDate) problems.push(`${r.id} ${r.rrn}`);
      if ((Number(r.rrn[6]) % 2 === 1 ? 'M' : 'F') !== r.sex) problems.push(`${r.id} sex`);
      rrns.add(r.rrn);
    }
    expect(problems).toEqual([]);
    expect(rrns.size).toBe(population.residents.length);
  });

  it('gives every business a unique synthetic BRN', () => {
    expect(population.businesses.every((b) => isSyntheticBrn(b.brn))).toBe(true);
    expect(new Set(population.businesses.map((b) => b.brn)).size).toBe(population.businesses.length);
  });
});

describe('households', () => {
  it('numbers residents 1..N and puts each in exactly one existing household with one head', () => {
    expect(population.residents.map((r) => r.id)).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
    const heads = new Map<number, number>();
    const householdIds = new Set(population.households.map((h) => h.id));
    for (const r of population.residents) {
      expect(householdIds.has(r.householdId)).toBe(true);
      if (r.householdRole === 'head') heads.set(r.householdId, (heads.get(r.householdId) ?? 0) + 1);
    }
    for (const h of population.households) expect(heads.get(h.id)).toBe(1);
  });

  it('has a realistic mix of household sizes', () => {
    const sizes = new Map<number, number>();
    for (const r of population.residents) sizes.set(r.householdId, (sizes.get(r.householdId) ?? 0) + 1);
    const single = [...sizes.values()].filter((s) => s === 1).length / sizes.size;
    expect(single).toBeGreaterThan(0.3);
    expect(single).toBeLessThan(0.4);
    expect([...sizes.values()].some((s) => s >= 5)).toBe(true);
    expect(population.residents.some((r) => r.householdRole === 'parent')).toBe(true);
    expect(population.residents.some((r) => r.householdRole === 'other')).toBe(true);
  });

  it('has consistent region codes, addresses and postal codes', () => {
    for (const h of population.households) {
      const district = districtByCode(h.districtCode);
      expect(district?.provinceCode).toBe(h.regionCode);
      const province = provinceByCode(h.regionCode)!;
      expect(h.addressKo.startsWith(province.nameKo)).toBe(true);
      expect(h.addressEn).toContain(province.nameEn);
      expect(h.postalCode).toMatch(/^\d{5}$/);
    }
    expect(new Set(population.households.map((h) => h.regionCode)).size).toBe(PROVINCES.length);
  });

  it('registers people after their birth and not after the reference day', () => {
    for (const r of population.residents) {
      expect(r.registeredOn >= r.birthDate).toBe(true);
      expect(r.registeredOn <= DEFAULT_AS_OF).toBe(true);
      expect(r.deceasedOn).toBeNull();
    }
  });
});

describe('family relations', () => {
  it('are stored in both directions', () => {
    const key = (a: number, b: number) => `${a}:${b}`;
    const relations = new Map(population.relations.map((f) => [key(f.residentId, f.relativeId), f.relation]));
    expect(relations.size).toBe(population.relations.length);
    const inverse = { spouse: 'spouse', parent: 'child', child: 'parent' } as const;
    for (const f of population.relations) {
      expect(relations.get(key(f.relativeId, f.residentId))).toBe(inverse[f.relation]);
    }
  });

  it('link people of the same household; children are 20–45 years younger than parents', () => {
    const problems: string[] = [];
    for (const f of population.relations) {
      const resident = residentById.get(f.residentId)!;
      const relative = residentById.get(f.relativeId)!;
      if (resident.householdId !== relative.householdId) problems.push(`${f.residentId}-${f.relativeId} household`);
      if (f.relation === 'child') {
        // The relative is the resident's child.
        const gap = ageOn(daysFromIso(resident.birthDate), daysFromIso(relative.birthDate));
        if (gap < 20 || gap > 45) problems.push(`${f.residentId}-${f.relativeId} gap ${gap}`);
      }
      if (f.relation === 'spouse' && Math.abs(ageOf(resident.birthDate) - ageOf(relative.birthDate)) > 15) {
        problems.push(`${f.residentId}-${f.relativeId} spouse age`);
      }
    }
    expect(problems).toEqual([]);
    expect(population.relations.some((f) => f.relation === 'spouse')).toBe(true);
    expect(population.relations.some((f) => f.relation === 'child')).toBe(true);
  });

  it('give every child role a parent in the household', () => {
    const hasParent = new Set(population.relations.filter((f) => f.relation === 'parent').map((f) => f.residentId));
    for (const r of population.residents) if (r.householdRole === 'child') expect(hasParent.has(r.id)).toBe(true);
  });
});

describe('age structure', () => {
  const ages = population.residents.map((r) => ageOf(r.birthDate));

  it('spans 0 to 100 with a plausible pyramid', () => {
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(100);
    const share = (from: number, to: number) => ages.filter((a) => a >= from && a <= to).length / ages.length;
    expect(share(40, 59)).toBeGreaterThan(0.25);
    expect(share(65, 100)).toBeGreaterThan(0.12);
    expect(share(0, 9)).toBeLessThan(0.12);
  });

  it('includes plenty of babies living with their parents', () => {
    const babies = population.residents.filter((r) => ageOf(r.birthDate) === 0);
    expect(babies.length).toBeGreaterThan(100); // ~1% of residents
    const parents = new Set(population.relations.filter((f) => f.relation === 'parent').map((f) => f.residentId));
    expect(babies.filter((b) => parents.has(b.id)).length).toBe(babies.length);
  });
});

describe('names', () => {
  it('are Hangul with a romanized form of the given name', () => {
    for (const r of population.residents.slice(0, 2_000)) {
      expect(r.nameKo).toMatch(/^[가-힣]{2,3}$/);
      const [, given] = r.nameRomanized.split(' ');
      expect(given?.toLowerCase()).toBe(romanizeHangul(r.nameKo.slice(1)));
    }
  });
});

describe('incomes, disabilities and businesses', () => {
  it('gives working-age adults two tax years of non-negative income, many of them zero', () => {
    const years = new Set(population.incomes.map((i) => i.taxYear));
    expect([...years].sort()).toEqual([2024, 2025]);
    const problems = population.incomes.filter((i) => {
      const age = ageOf(residentById.get(i.residentId)!.birthDate);
      return i.earnedIncomeKrw < 0 || i.businessIncomeKrw < 0 || age < 19 || age > 74;
    });
    expect(problems).toEqual([]);
    const zero = population.incomes.filter((i) => i.earnedIncomeKrw === 0).length / population.incomes.length;
    expect(zero).toBeGreaterThan(0.2);
    expect(zero).toBeLessThan(0.6);
  });

  it('registers disabilities for about 5% in the 15 legal categories', () => {
    const share = population.disabilities.length / population.residents.length;
    expect(share).toBeGreaterThan(0.035);
    expect(share).toBeLessThan(0.065);
    for (const d of population.disabilities) {
      expect(Object.keys(DISABILITY_CATEGORIES)).toContain(d.category);
      expect(d.registeredOn > residentById.get(d.residentId)!.birthDate).toBe(true);
    }
    expect(new Set(population.disabilities.map((d) => d.severity))).toEqual(new Set(['severe', 'mild']));
  });

  it('gives about 8% of adults a business opened when they were adults', () => {
    const adults = population.residents.filter((r) => ageOf(r.birthDate) >= 20).length;
    const share = population.businesses.length / adults;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.1);
    for (const b of population.businesses) {
      const owner = residentById.get(b.ownerResidentId)!;
      expect(ageOn(daysFromIso(owner.birthDate), daysFromIso(b.openedOn))).toBeGreaterThanOrEqual(20);
      expect(Object.keys(KSIC_SECTIONS)).toContain(b.industryCode);
      expect(districtByCode(b.districtCode)?.provinceCode).toBe(b.regionCode);
      if (b.closedOn) expect(b.closedOn >= b.openedOn).toBe(true);
      expect(b.openedOn <= DEFAULT_AS_OF).toBe(true);
    }
  });
});

describe('vehicles', () => {
  it('belong to about 40% of adults, numbered 1..N, with unique plates in the right format', () => {
    const adults = population.residents.filter((r) => ageOf(r.birthDate) >= ADULT_AGE).length;
    const owners = new Set(population.vehicles.map((v) => v.ownerResidentId));
    expect(owners.size / adults).toBeGreaterThan(0.35);
    expect(owners.size / adults).toBeLessThan(0.45);
    expect(population.vehicles.length).toBeGreaterThan(owners.size); // some own two
    expect(population.vehicles.map((v) => v.id)).toEqual(Array.from({ length: population.vehicles.length }, (_, i) => i + 1));
    expect(new Set(population.vehicles.map((v) => v.plateNumber)).size).toBe(population.vehicles.length);
    const problems: string[] = [];
    for (const v of population.vehicles) {
      const owner = residentById.get(v.ownerResidentId);
      if (!owner || ageOf(owner.birthDate) < ADULT_AGE) problems.push(`${v.id} owner`);
      if (!isPassengerPlate(v.plateNumber)) problems.push(`${v.id} plate ${v.plateNumber}`);
      // Three-digit type numbers are issued since 1 September 2019.
      if ((v.firstRegisteredOn >= '2019-09-01') !== /^\d{3}/.test(v.plateNumber)) problems.push(`${v.id} plate format`);
      if (v.firstRegisteredOn > DEFAULT_AS_OF || v.firstRegisteredOn < '2001-01-01') problems.push(`${v.id} date`);
      if (!provinceByCode(v.regionCode)) problems.push(`${v.id} region`);
      if (!(FUELS as readonly string[]).includes(v.fuel)) problems.push(`${v.id} fuel`);
      if ((v.fuel === 'electric' || v.fuel === 'hydrogen') && v.firstRegisteredOn < '2018-01-01') problems.push(`${v.id} too early for ${v.fuel}`);
      if (!/^[A-Z][a-z]+ [\w. ]+$/.test(v.model)) problems.push(`${v.id} model ${v.model}`);
    }
    expect(problems).toEqual([]);
    expect(new Set(population.vehicles.map((v) => v.fuel))).toEqual(new Set(FUELS));
  });

  it('are mostly registered in the owner\'s home province', () => {
    const householdById = new Map(population.households.map((h) => [h.id, h]));
    const home = population.vehicles.filter((v) => householdById.get(residentById.get(v.ownerResidentId)!.householdId)!.regionCode === v.regionCode);
    expect(home.length / population.vehicles.length).toBeGreaterThan(0.9);
  });
});
