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

/** Collects the whole COPY text output of one query. */
function copyOut(client: pg.PoolClient, sql: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stream = client.query(copyTo(sql));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Reads COPY text rows field by field straight from the bytes (every value we read is ASCII),
 * without building a string or an array per row.
 */
class CopyCursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** An integer field (the cursor moves past its tab or newline). */
  int(): number {
    const b = this.buf;
    let p = this.pos;
    const negative = b[p] === 45;
    if (negative) p++;
    let n = 0;
    for (let c = b[p]!; c !== 9 && c !== 10; c = b[++p]!) n = n * 10 + (c - 48);
    this.pos = p + 1;
    return negative ? -n : n;
  }

  /** A date field YYYY-MM-DD as the number yyyymmdd. */
  date(): number {
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 11;
    return (
      (b[p]! - 48) * 10000000 + (b[p + 1]! - 48) * 1000000 + (b[p + 2]! - 48) * 100000 + (b[p + 3]! - 48) * 10000 +
      (b[p + 5]! - 48) * 1000 + (b[p + 6]! - 48) * 100 + (b[p + 8]! - 48) * 10 + (b[p + 9]! - 48)
    );
  }

  /** A text field. */
  text(): string {
    const b = this.buf;
    const start = this.pos;
    let p = start;
    while (b[p] !== 9 && b[p] !== 10) p++;
    this.pos = p + 1;
    return b.toString('latin1', start, p);
  }
}

/** residentId → person index: a dense array when ids are compact (as the registry's are), else a Map. */
function residentIndex(ids: Float64Array): (id: number) => number {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  if (max < 4 * ids.length + 1024) {
    const dense = new Int32Array(max + 1).fill(-1);
    ids.forEach((id, i) => (dense[id] = i));
    return (id) => (id <= max ? dense[id]! : -1);
  }
  const map = new Map<number, number>();
  ids.forEach((id, i) => map.set(id, i));
  return (id) => map.get(id) ?? -1;
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

/** Full loads take four connections; one at a time per pool, so two can never starve each other. */
const fullLoads = new WeakMap<pg.Pool, Promise<unknown>>();

/**
 * Loads the living residents of every household (or of the selected households only, for
 * re-evaluating a few after a registry change) into columns. A full load runs four COPY streams
 * at once on four connections sharing one exported repeatable-read snapshot, so households,
 * residents, incomes and disabilities agree with one another while Postgres uses every core; a
 * selection runs the same four on one connection.
 */
export async function loadPopulationColumns(pool: pg.Pool, selection: ColumnsSelection = {}): Promise<PopulationColumns> {
  const hFilter = householdFilter('h.id', selection);
  const rFilter = householdFilter('r.household_id', selection);
  const queries = [
    `COPY (SELECT h.id, h.region_code, h.district_code FROM registry.households h WHERE ${hFilter} ORDER BY h.id) TO STDOUT`,
    `COPY (SELECT r.id, r.household_id, r.birth_date, r.sex, r.household_role FROM registry.residents r
            WHERE r.deceased_on IS NULL AND ${rFilter} ORDER BY r.id) TO STDOUT`,
    `COPY (SELECT i.resident_id, i.tax_year, i.earned_income_krw, i.business_income_krw FROM registry.incomes i
            JOIN registry.residents r ON r.id = i.resident_id WHERE r.deceased_on IS NULL AND ${rFilter}) TO STDOUT`,
    `COPY (SELECT d.resident_id, d.severity, d.category FROM registry.disabilities d
            JOIN registry.residents r ON r.id = d.resident_id WHERE r.deceased_on IS NULL AND ${rFilter}) TO STDOUT`,
  ] as const;
  const partial = selection.householdIds !== undefined || selection.residentIds !== undefined;
  // A full load reads incomes and disabilities whole: rows of the deceased are dropped while
  // assembling, which is cheaper than a join on the server.
  const whole = [queries[0], queries[1], 'COPY registry.incomes (resident_id, tax_year, earned_income_krw, business_income_krw) TO STDOUT', 'COPY registry.disabilities (resident_id, severity, category) TO STDOUT'];
  if (partial) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const texts: Buffer[] = [];
      for (const sql of queries) texts.push(await copyOut(client, sql));
      await client.query('COMMIT');
      return assemble(texts[0]!, texts[1]!, texts[2]!, texts[3]!);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  const previous = fullLoads.get(pool) ?? Promise.resolve();
  const load = previous.catch(() => undefined).then(() => loadInParallel(pool, whole));
  fullLoads.set(pool, load);
  return load;
}

async function loadInParallel(pool: pg.Pool, queries: readonly string[]): Promise<PopulationColumns> {
  const clients: pg.PoolClient[] = [];
  try {
    for (let i = 0; i < queries.length; i++) clients.push(await pool.connect());
    const [lead, ...others] = clients as [pg.PoolClient, ...pg.PoolClient[]];
    await lead.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await lead.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
    await Promise.all(
      others.map(async (client) => {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/[^0-9A-Fa-f-]/g, '')}'`);
      }),
    );
    const texts = await Promise.all(queries.map((sql, i) => copyOut(clients[i]!, sql)));
    await Promise.all(clients.map((client) => client.query('COMMIT')));
    return assemble(texts[0]!, texts[1]!, texts[2]!, texts[3]!);
  } catch (error) {
    await Promise.all(clients.map((client) => client.query('ROLLBACK').catch(() => undefined)));
    throw error;
  } finally {
    for (const client of clients) client.release();
  }
}

function countLines(buf: Buffer): number {
  let n = 0;
  for (let p = buf.indexOf(10); p >= 0; p = buf.indexOf(10, p + 1)) n++;
  return n;
}

function assemble(householdText: Buffer, residentText: Buffer, incomeText: Buffer, disabilityText: Buffer): PopulationColumns {
  const householdCount = countLines(householdText);
  const personCount = countLines(residentText);
  const columns = allocate(personCount, householdCount);
  const regionCode = new Map(REGION_CODES.map((code, i) => [code, i]));
  const districtCode = new Map(DISTRICT_CODES.map((code, i) => [code, i]));
  const households = new CopyCursor(householdText);
  for (let h = 0; h < householdCount; h++) {
    columns.householdId[h] = households.int();
    columns.region[h] = regionCode.get(households.text()) ?? 0;
    columns.district[h] = districtCode.get(households.text()) ?? 0;
  }
  const householdIndex = residentIndex(columns.householdId);

  // Residents arrive in id order; roles are told apart by their first letter (head, spouse, child, parent, other).
  const roleByLetter: Record<number, number> = { 104: 0, 115: 1, 99: 2, 112: 3, 111: 4 };
  const byId = allocate(personCount, 0);
  const residents = new CopyCursor(residentText);
  let grouped = true;
  for (let i = 0; i < personCount; i++) {
    byId.residentId[i] = residents.int();
    const h = householdIndex(residents.int());
    byId.household[i] = h;
    if (i > 0 && h < byId.household[i - 1]!) grouped = false;
    byId.birthDate[i] = residents.date();
    byId.sex[i] = residents.buf[residents.pos] === 70 ? 1 : 0;
    residents.pos += 2;
    byId.role[i] = roleByLetter[residents.buf[residents.pos]!] ?? 4;
    while (residents.buf[residents.pos] !== 10) residents.pos++;
    residents.pos++;
  }
  // Members of a household must be contiguous: a stable counting sort by household when they are not.
  const order = new Int32Array(personCount);
  if (grouped) {
    for (let i = 0; i < personCount; i++) order[i] = i;
  } else {
    const counts = new Int32Array(householdCount + 1);
    for (let i = 0; i < personCount; i++) counts[byId.household[i]! + 1]!++;
    for (let h = 0; h < householdCount; h++) counts[h + 1]! += counts[h]!;
    for (let i = 0; i < personCount; i++) order[counts[byId.household[i]!]!++] = i;
  }
  const position = new Int32Array(personCount);
  for (let p = 0; p < personCount; p++) {
    const i = order[p]!;
    position[i] = p;
    columns.residentId[p] = byId.residentId[i]!;
    columns.household[p] = byId.household[i]!;
    columns.birthDate[p] = byId.birthDate[i]!;
    columns.sex[p] = byId.sex[i]!;
    columns.role[p] = byId.role[i]!;
  }
  let p = 0;
  for (let h = 0; h < householdCount; h++) {
    columns.memberStart[h] = p;
    while (p < personCount && columns.household[p] === h) p++;
  }
  columns.memberStart[householdCount] = personCount;

  const personOf = residentIndex(byId.residentId);
  const incomeYear = new Int16Array(personCount);
  const incomes = new CopyCursor(incomeText);
  while (!incomes.done) {
    const i = personOf(incomes.int());
    const year = incomes.int();
    const earned = incomes.int();
    const business = incomes.int();
    if (i < 0 || year < incomeYear[i]!) continue;
    const at = position[i]!;
    incomeYear[i] = year;
    columns.earnedIncome[at] = earned;
    columns.businessIncome[at] = business;
  }
  const categoryCode = new Map(DISABILITY_CATEGORY_CODES.map((c, i) => [c, i]));
  const disabilities = new CopyCursor(disabilityText);
  while (!disabilities.done) {
    const i = personOf(disabilities.int());
    const severity = disabilities.text();
    const category = disabilities.text();
    if (i < 0) continue;
    columns.disabilitySeverity[position[i]!] = severity === 'mild' ? 1 : 2;
    columns.disabilityCategory[position[i]!] = categoryCode.get(category) ?? 0;
  }
  rankChildren(columns);
  return columns;
}
