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
