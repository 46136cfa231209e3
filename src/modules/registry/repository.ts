// SQL over the registry schema. Only this module's code touches these tables.
import type { Queryable } from '../../core/db';

export interface ResidentRow {
  id: number;
  rrn: string;
  name_ko: string;
  name_romanized: string;
  birth_date: string;
  sex: 'M' | 'F';
  household_id: number;
  household_role: string;
  registered_on: string;
  deceased_on: string | null;
  region_code: string;
  district_code: string;
  address_ko: string;
  address_en: string;
  postal_code: string;
}

export interface HouseholdMemberRow {
  id: number;
  name_ko: string;
  name_romanized: string;
  birth_date: string;
  sex: 'M' | 'F';
  household_role: string;
  relation: string | null;
}

export async function findResident(db: Queryable, residentId: number): Promise<ResidentRow | undefined> {
  const result = await db.query<ResidentRow>(
    `SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, r.sex, r.household_id, r.household_role,
            r.registered_on, r.deceased_on, h.region_code, h.district_code, h.address_ko, h.address_en, h.postal_code
       FROM registry.residents r JOIN registry.households h ON h.id = r.household_id
      WHERE r.id = $1`,
    [residentId],
  );
  return result.rows[0];
}

/** The residents among `residentIds` that exist, in no particular order; one query for many. */
export async function findResidents(db: Queryable, residentIds: number[]): Promise<ResidentRow[]> {
  const result = await db.query<ResidentRow>(
    `SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, r.sex, r.household_id, r.household_role,
            r.registered_on, r.deceased_on, h.region_code, h.district_code, h.address_ko, h.address_en, h.postal_code
       FROM registry.residents r JOIN registry.households h ON h.id = r.household_id
      WHERE r.id = ANY($1::bigint[])`,
    [residentIds],
  );
  return result.rows;
}

export async function findResidentIdByRrn(db: Queryable, rrn: string): Promise<number | undefined> {
  const result = await db.query<{ id: number }>('SELECT id FROM registry.residents WHERE rrn = $1', [rrn]);
  return result.rows[0]?.id;
}

export async function householdMembers(db: Queryable, residentId: number, householdId: number): Promise<HouseholdMemberRow[]> {
  const result = await db.query<HouseholdMemberRow>(
    `SELECT m.id, m.name_ko, m.name_romanized, m.birth_date, m.sex, m.household_role, f.relation
       FROM registry.residents m
       LEFT JOIN registry.family_relations f ON f.resident_id = $1 AND f.relative_id = m.id
      WHERE m.household_id = $2 AND m.id <> $1
      ORDER BY m.birth_date`,
    [residentId, householdId],
  );
  return result.rows;
}

/** A handful of varied residents for the demo sign-in (simulated authenticators only). */
export async function demoResidents(db: Queryable): Promise<Array<{ id: number; rrn: string; name_ko: string; name_romanized: string; birth_date: string; note: string }>> {
  const result = await db.query(
    `(SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, 'parent-of-newborn' AS note
        FROM registry.residents r
       WHERE r.household_role IN ('head', 'spouse')
         AND EXISTS (SELECT 1 FROM registry.residents c WHERE c.household_id = r.household_id
                        AND c.household_role = 'child' AND c.birth_date > current_date - 365)
       ORDER BY r.id LIMIT 2)
     UNION ALL
     (SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, 'disability'
        FROM registry.residents r JOIN registry.disabilities d ON d.resident_id = r.id ORDER BY r.id LIMIT 1)
     UNION ALL
     (SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, 'business-owner'
        FROM registry.residents r JOIN registry.businesses b ON b.owner_resident_id = r.id ORDER BY r.id LIMIT 1)
     UNION ALL
     (SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, 'older-person'
        FROM registry.residents r WHERE r.birth_date < current_date - interval '70 years' ORDER BY r.id LIMIT 1)
     UNION ALL
     (SELECT r.id, r.rrn, r.name_ko, r.name_romanized, r.birth_date, 'adult'
        FROM registry.residents r WHERE r.birth_date < current_date - interval '19 years' ORDER BY r.id LIMIT 3)`,
  );
  const seen = new Set<number>();
  return result.rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
}

// ---------------------------------------------------------------------------------------------
// Reads behind the data products (data-products.ts).

export async function residentExists(db: Queryable, residentId: number): Promise<boolean> {
  const result = await db.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM registry.residents WHERE id = $1) AS present', [residentId]);
  return result.rows[0]?.present ?? false;
}

/** Everyone in the resident's household, the resident included (relation 'self'); empty if no such resident. */
export async function householdOf(db: Queryable, residentId: number): Promise<HouseholdMemberRow[]> {
  const result = await db.query<HouseholdMemberRow>(
    `SELECT m.id, m.name_ko, m.name_romanized, m.birth_date, m.sex, m.household_role,
            CASE WHEN m.id = $1 THEN 'self' ELSE f.relation END AS relation
       FROM registry.residents r
       JOIN registry.residents m ON m.household_id = r.household_id
       LEFT JOIN registry.family_relations f ON f.resident_id = $1 AND f.relative_id = m.id
      WHERE r.id = $1
      ORDER BY m.birth_date, m.id`,
    [residentId],
  );
  return result.rows;
}

export interface RelativeRow {
  id: number;
  relation: 'spouse' | 'parent' | 'child';
  name_ko: string;
  name_romanized: string;
  birth_date: string;
}

/** The resident's registered relatives (all, or of one relation), oldest first. */
export async function relativesOf(db: Queryable, residentId: number, relation?: RelativeRow['relation']): Promise<RelativeRow[]> {
  const result = await db.query<RelativeRow>(
    `SELECT r.id, f.relation, r.name_ko, r.name_romanized, r.birth_date
       FROM registry.family_relations f JOIN registry.residents r ON r.id = f.relative_id
      WHERE f.resident_id = $1 AND ($2::text IS NULL OR f.relation = $2)
      ORDER BY r.birth_date, r.id`,
    [residentId, relation ?? null],
  );
  return result.rows;
}

/** The resident's income of the most recent tax year on record. */
export async function latestIncome(
  db: Queryable,
  residentId: number,
): Promise<{ tax_year: number; earned_income_krw: number; business_income_krw: number } | undefined> {
  const result = await db.query(
    `SELECT tax_year, earned_income_krw, business_income_krw FROM registry.incomes
      WHERE resident_id = $1 ORDER BY tax_year DESC LIMIT 1`,
    [residentId],
  );
  return result.rows[0];
}

export async function disabilityOf(
  db: Queryable,
  residentId: number,
): Promise<{ category: string; severity: 'severe' | 'mild'; registered_on: string } | undefined> {
  const result = await db.query('SELECT category, severity, registered_on FROM registry.disabilities WHERE resident_id = $1', [residentId]);
  return result.rows[0];
}

export interface BusinessRow {
  id: number;
  brn: string;
  name_ko: string;
  name_en: string;
  owner_resident_id: number;
  industry_code: string;
  region_code: string;
  district_code: string;
  opened_on: string;
  closed_on: string | null;
}

export async function businessByBrn(db: Queryable, brn: string): Promise<BusinessRow | undefined> {
  const result = await db.query<BusinessRow>(
    `SELECT id, brn, name_ko, name_en, owner_resident_id, industry_code, region_code, district_code, opened_on, closed_on
       FROM registry.businesses WHERE brn = $1`,
    [brn],
  );
  return result.rows[0];
}

export interface VehicleRow {
  id: number;
  plate_number: string;
  model: string;
  fuel: string;
  first_registered_on: string;
  region_code: string;
}

/** The vehicles registered to the resident as owner, oldest registration first. */
export async function vehiclesOf(db: Queryable, ownerResidentId: number): Promise<VehicleRow[]> {
  const result = await db.query<VehicleRow>(
    `SELECT id, plate_number, model, fuel, first_registered_on, region_code
       FROM registry.vehicles WHERE owner_resident_id = $1 ORDER BY first_registered_on, id`,
    [ownerResidentId],
  );
  return result.rows;
}

/** A household member as the registry's services hand it out. */
export function toHouseholdMember(m: HouseholdMemberRow) {
  return {
    residentId: m.id,
    nameKo: m.name_ko,
    nameRomanized: m.name_romanized,
    birthDate: m.birth_date,
    sex: m.sex,
    householdRole: m.household_role,
    relation: m.relation,
  };
}
