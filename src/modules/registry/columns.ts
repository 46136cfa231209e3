// The living population as columns: one typed array per attribute, persons grouped by household,
// for engines that evaluate everyone at once (the eligibility rules). Loaded with COPY … TO STDOUT
// and parsed straight into typed arrays, so a million residents take a few seconds and a few
// tens of megabytes rather than a million row objects. Deceased residents are left out.
//
// Enumerated attributes are stored as small integer codes: the index into the exported lists below.
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DISABILITY_CATEGORIES } from './population/generator';
import { DISTRICTS, PROVINCES } from './population/regions';

export const SEXES = ['M', 'F'] as const;
export const HOUSEHOLD_ROLES = ['head', 'spouse', 'child', 'parent', 'other'] as const;
/** Code 0 means "not registered as disabled". */
export const DISABILITY_SEVERITIES = ['none', 'mild', 'severe'] as const;
/** Code 0 means "not registered as disabled"; code i + 1 is the i-th legal category. */
export const DISABILITY_CATEGORY_CODES = ['none', ...Object.keys(DISABILITY_CATEGORIES)] as readonly string[];
export const REGION_CODES: readonly string[] = PROVINCES.map((p) => p.code);
export const DISTRICT_CODES: readonly string[] = DISTRICTS.map((d) => d.code);

export interface PopulationColumns {
  personCount: number;
  householdCount: number;
  // Per person; the members of household h are persons memberStart[h] … memberStart[h + 1] - 1.
  residentId: Float64Array;
  household: Int32Array;
  /** Birth date as the number yyyymmdd (e.g. 20250314), which makes whole-year ages a division. */
  birthDate: Int32Array;
  sex: Uint8Array;
  role: Uint8Array;
  disabilitySeverity: Uint8Array;
  disabilityCategory: Uint8Array;
  /** KRW, of the latest tax year on record; 0 when none. */
  earnedIncome: Float64Array;
  businessIncome: Float64Array;
  /** 1 for the household's oldest child (role 'child'), 2 for the next, …; 0 for other roles. */
  childRank: Uint8Array;
  // Per household.
  householdId: Float64Array;
  memberStart: Int32Array;
  region: Uint8Array;
  district: Uint16Array;
}

/** One person as the plain-object builders take it (tests, examples, small households). */
export interface PersonInput {
  residentId: number;
  birthDate: string;
  sex: (typeof SEXES)[number];
  role: (typeof HOUSEHOLD_ROLES)[number];
  disabilitySeverity?: 'mild' | 'severe' | null;
  disabilityCategory?: string | null;
  earnedIncome?: number;
  businessIncome?: number;
}

export interface HouseholdInput {
  householdId: number;
  regionCode: string;
  districtCode?: string | null;
  members: PersonInput[];
}

function codeOf(list: readonly string[], value: string, what: string): number {
  const code = list.indexOf(value);
  if (code < 0) throw new Error(`unknown ${what}: ${value}`);
  return code;
}

function allocate(personCount: number, householdCount: number): PopulationColumns {
  return {
    personCount,
    householdCount,
    residentId: new Float64Array(personCount),
    household: new Int32Array(personCount),
    birthDate: new Int32Array(personCount),
    sex: new Uint8Array(personCount),
    role: new Uint8Array(personCount),
    disabilitySeverity: new Uint8Array(personCount),
    disabilityCategory: new Uint8Array(personCount),
    earnedIncome: new Float64Array(personCount),
    businessIncome: new Float64Array(personCount),
    childRank: new Uint8Array(personCount),
    householdId: new Float64Array(householdCount),
    memberStart: new Int32Array(householdCount + 1),
    region: new Uint8Array(householdCount),
    district: new Uint16Array(householdCount),
  };
}

/** Ranks each household's children by birth date (oldest first); needs memberStart filled in. */
function rankChildren(columns: PopulationColumns): void {
  const childRole = HOUSEHOLD_ROLES.indexOf('child');
  const { memberStart, role, birthDate, childRank } = columns;
  for (let h = 0; h < columns.householdCount; h++) {
    const from = memberStart[h]!;
    const to = memberStart[h + 1]!;
    for (let i = from; i < to; i++) {
      if (role[i] !== childRole) continue;
      let rank = 1;
      for (let j = from; j < to; j++) {
        if (j === i || role[j] !== childRole) continue;
        if (birthDate[j]! < birthDate[i]! || (birthDate[j] === birthDate[i] && j < i)) rank++;
      }
      childRank[i] = Math.min(rank, 255);
    }
  }
}

function birthDateNumber(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`expected YYYY-MM-DD, got ${iso}`);
  return Number(match[1]) * 10000 + Number(match[2]) * 100 + Number(match[3]);
}

/** Columns from plain households (their order is kept): for tests, rule examples and small sets. */
export function columnsFromHouseholds(households: readonly HouseholdInput[]): PopulationColumns {
  const personCount = households.reduce((sum, h) => sum + h.members.length, 0);
  const columns = allocate(personCount, households.length);
  let p = 0;
  households.forEach((household, h) => {
    columns.householdId[h] = household.householdId;
    columns.region[h] = codeOf(REGION_CODES, household.regionCode, 'region code');
    const districtCode = household.districtCode ?? DISTRICTS.find((d) => d.provinceCode === household.regionCode)?.code;
    columns.district[h] = districtCode ? codeOf(DISTRICT_CODES, districtCode, 'district code') : 0;
    columns.memberStart[h] = p;
    for (const member of household.members) {
      columns.residentId[p] = member.residentId;
      columns.household[p] = h;
      columns.birthDate[p] = birthDateNumber(member.birthDate);
      columns.sex[p] = codeOf(SEXES, member.sex, 'sex');
      columns.role[p] = codeOf(HOUSEHOLD_ROLES, member.role, 'household role');
      columns.disabilitySeverity[p] = member.disabilitySeverity ? codeOf(DISABILITY_SEVERITIES, member.disabilitySeverity, 'severity') : 0;
      columns.disabilityCategory[p] = member.disabilityCategory ? codeOf(DISABILITY_CATEGORY_CODES, member.disabilityCategory, 'disability category') : 0;
      columns.earnedIncome[p] = member.earnedIncome ?? 0;
      columns.businessIncome[p] = member.businessIncome ?? 0;
      p++;
    }
  });
  columns.memberStart[households.length] = p;
  rankChildren(columns);
  return columns;
}

/** The plain households back from columns (explanations, the naive interpreter, tests). */
export function householdsFromColumns(columns: PopulationColumns, from = 0, to = columns.householdCount): HouseholdInput[] {
  const households: HouseholdInput[] = [];
  for (let h = from; h < to; h++) {
    const members: PersonInput[] = [];
    for (let i = columns.memberStart[h]!; i < columns.memberStart[h + 1]!; i++) {
      const b = columns.birthDate[i]!;
      const severity = DISABILITY_SEVERITIES[columns.disabilitySeverity[i]!]!;
      members.push({
        residentId: columns.residentId[i]!,
        birthDate: `${Math.floor(b / 10000)}-${String(Math.floor(b / 100) % 100).padStart(2, '0')}-${String(b % 100).padStart(2, '0')}`,
        sex: SEXES[columns.sex[i]!]!,
        role: HOUSEHOLD_ROLES[columns.role[i]!]!,
        disabilitySeverity: severity === 'none' ? null : severity,
        disabilityCategory: columns.disabilityCategory[i] ? DISABILITY_CATEGORY_CODES[columns.disabilityCategory[i]!]! : null,
        earnedIncome: columns.earnedIncome[i]!,
        businessIncome: columns.businessIncome[i]!,
      });
    }
    households.push({
      householdId: columns.householdId[h]!,
      regionCode: REGION_CODES[columns.region[h]!]!,
      districtCode: DISTRICT_CODES[columns.district[h]!]!,
      members,
    });
  }
  return households;
}

// ---------------------------------------------------------------------------------------------
// Loading from the registry tables.

/** Streams COPY text output and hands each line's fields to `onRow`; every field is ASCII. */
function copyRows(client: pg.PoolClient, sql: string, onRow: (fields: string[]) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyTo(sql));
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('latin1');
      let start = 0;
      for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
        onRow(text.slice(start, end).split('\t'));
        start = end + 1;
      }
      rest = text.slice(start);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve());
  });
}

export interface ColumnsSelection {
  /** Only these households. */
  householdIds?: readonly number[];
  /** Only the households these residents live in (whole households: rules look at every member). */
  residentIds?: readonly number[];
}

function idList(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not an id: ${id}`);
  return `'{${ids.join(',')}}'::bigint[]`;
}

/** A filter on a household id column; ids are checked to be integers, so they can be written into COPY SQL. */
function householdFilter(column: string, selection: ColumnsSelection): string {
  const filters: string[] = [];
  if (selection.householdIds) filters.push(`${column} = ANY (${idList(selection.householdIds)})`);
  if (selection.residentIds) filters.push(`${column} IN (SELECT household_id FROM registry.residents WHERE id = ANY (${idList(selection.residentIds)}))`);
  return filters.length ? filters.join(' AND ') : 'true';
}

/**
 * Loads the living residents of every household (or of the selected households only, for
 * re-evaluating a few after a registry change) into columns. One repeatable-read snapshot, so
 * the households, residents, incomes and disabilities agree with one another.
 */
export async function loadPopulationColumns(pool: pg.Pool, selection: ColumnsSelection = {}): Promise<PopulationColumns> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const hFilter = householdFilter('h.id', selection);
    const rFilter = householdFilter('r.household_id', selection);
    const counts = await client.query<{ households: number; residents: number }>(
      `SELECT (SELECT count(*) FROM registry.households h WHERE ${hFilter})::int AS households,
              (SELECT count(*) FROM registry.residents r WHERE r.deceased_on IS NULL AND ${rFilter})::int AS residents`,
    );
    const { households: householdCount, residents: personCount } = counts.rows[0]!;
    const columns = allocate(personCount, householdCount);
    const regionCode = new Map(REGION_CODES.map((code, i) => [code, i]));
    const districtCode = new Map(DISTRICT_CODES.map((code, i) => [code, i]));

    let h = 0;
    await copyRows(client, `COPY (SELECT h.id, h.region_code, h.district_code FROM registry.households h WHERE ${hFilter} ORDER BY h.id) TO STDOUT`, (f) => {
      if (h >= householdCount) return;
      columns.householdId[h] = Number(f[0]);
      columns.region[h] = regionCode.get(f[1]!) ?? 0;
      columns.district[h] = districtCode.get(f[2]!) ?? 0;
      h++;
    });

    // Residents in household order; each household's members are then contiguous.
    const sexCode = new Map<string, number>(SEXES.map((s, i) => [s, i]));
    const roleCode = new Map<string, number>(HOUSEHOLD_ROLES.map((r, i) => [r, i]));
    const severityCode = new Map<string, number>(DISABILITY_SEVERITIES.map((s, i) => [s, i]));
    const categoryCode = new Map<string, number>(DISABILITY_CATEGORY_CODES.map((c, i) => [c, i]));
    let p = 0;
    let hp = 0;
    await copyRows(
      client,
      `COPY (SELECT r.id, r.household_id, to_char(r.birth_date, 'YYYYMMDD'), r.sex, r.household_role,
                    coalesce(d.severity, 'none'), coalesce(d.category, 'none'),
                    coalesce(i.earned_income_krw, 0), coalesce(i.business_income_krw, 0)
               FROM registry.residents r
               LEFT JOIN registry.disabilities d ON d.resident_id = r.id
               LEFT JOIN (SELECT DISTINCT ON (resident_id) resident_id, earned_income_krw, business_income_krw
                            FROM registry.incomes ORDER BY resident_id, tax_year DESC) i ON i.resident_id = r.id
              WHERE r.deceased_on IS NULL AND ${rFilter}
              ORDER BY r.household_id, r.id) TO STDOUT`,
      (f) => {
        if (p >= personCount) return;
        const householdId = Number(f[1]);
        while (hp < householdCount && columns.householdId[hp]! < householdId) columns.memberStart[++hp] = p;
        columns.residentId[p] = Number(f[0]);
        columns.household[p] = hp;
        columns.birthDate[p] = Number(f[2]);
        columns.sex[p] = sexCode.get(f[3]!) ?? 0;
        columns.role[p] = roleCode.get(f[4]!) ?? 0;
        columns.disabilitySeverity[p] = severityCode.get(f[5]!) ?? 0;
        columns.disabilityCategory[p] = categoryCode.get(f[6]!) ?? 0;
        columns.earnedIncome[p] = Number(f[7]);
        columns.businessIncome[p] = Number(f[8]);
        p++;
      },
    );
    while (hp < householdCount) columns.memberStart[++hp] = p;
    await client.query('COMMIT');
    rankChildren(columns);
    return columns;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
