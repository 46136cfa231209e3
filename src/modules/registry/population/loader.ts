// Loads the synthetic population into the registry tables: one transaction that empties them and
// streams every row in with COPY, so a million residents take seconds rather than the minutes
// row-by-row INSERTs would, and a failed load leaves the previous data untouched.
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  generatePopulation,
  type BusinessRecord,
  type DisabilityRecord,
  type HouseholdRecord,
  type IncomeRecord,
  type PopulationChunk,
  type RelationRecord,
  type ResidentRecord,
  type VehicleRecord,
} from './generator';

export interface SeedOptions {
  seed: number;
  residents: number;
  onProgress?: (done: number, total: number) => void;
  /** Reference day for ages (YYYY-MM-DD); defaults to the generator's fixed DEFAULT_AS_OF. */
  asOf?: string;
}

export interface SeedResult {
  residents: number;
  households: number;
  businesses: number;
  vehicles: number;
  durationMs: number;
}

/** Registry tables in foreign-key order: every table only references tables before it. */
export const REGISTRY_TABLES = [
  'registry.households',
  'registry.residents',
  'registry.family_relations',
  'registry.incomes',
  'registry.disabilities',
  'registry.businesses',
  'registry.vehicles',
] as const;

// Generation runs in small slices with a yield to the event loop in between, so Postgres keeps
// receiving the previous batch over the socket while Node builds the next one: on two cores the
// generator and the server then work in parallel instead of taking turns.
const GENERATION_SLICE = 2_000;
const LOAD_BATCH = 25_000;

/** COPY text format: backslash, tab, newline and carriage return must be escaped; NULL is \N. */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

interface TableSpec<T> {
  copy: string;
  pick(chunk: PopulationChunk): T[];
  row(record: T): string;
}

// FREEZE is allowed because the tables were truncated in this same transaction: rows are written
// already frozen and all-visible, which saves ~15% on the load and spares the first readers and
// autovacuum from rewriting every page afterwards. (Its one documented effect, that the rows are
// visible to snapshots older than the commit, does not matter for seed data.)
const e = copyText;
const TABLES: ReadonlyArray<TableSpec<never>> = [
  {
    copy: 'COPY registry.households (id, region_code, district_code, address_ko, address_en, postal_code) FROM STDIN (FREEZE)',
    pick: (c) => c.households,
    row: (h: HouseholdRecord) =>
      `${h.id}\t${h.regionCode}\t${h.districtCode}\t${e(h.addressKo)}\t${e(h.addressEn)}\t${h.postalCode}\n`,
  } satisfies TableSpec<HouseholdRecord>,
  {
    copy:
      'COPY registry.residents (id, rrn, name_ko, name_romanized, birth_date, sex, household_id, household_role, registered_on, deceased_on) FROM STDIN (FREEZE)',
    pick: (c) => c.residents,
    row: (r: ResidentRecord) =>
      `${r.id}\t${r.rrn}\t${e(r.nameKo)}\t${e(r.nameRomanized)}\t${r.birthDate}\t${r.sex}\t${r.householdId}\t${r.householdRole}\t${r.registeredOn}\t${e(r.deceasedOn)}\n`,
  } satisfies TableSpec<ResidentRecord>,
  {
    copy: 'COPY registry.family_relations (resident_id, relative_id, relation) FROM STDIN (FREEZE)',
    pick: (c) => c.relations,
    row: (f: RelationRecord) => `${f.residentId}\t${f.relativeId}\t${f.relation}\n`,
  } satisfies TableSpec<RelationRecord>,
  {
    copy: 'COPY registry.incomes (resident_id, tax_year, earned_income_krw, business_income_krw) FROM STDIN (FREEZE)',
    pick: (c) => c.incomes,
    row: (i: IncomeRecord) => `${i.residentId}\t${i.taxYear}\t${i.earnedIncomeKrw}\t${i.businessIncomeKrw}\n`,
  } satisfies TableSpec<IncomeRecord>,
  {
    copy: 'COPY registry.disabilities (resident_id, category, severity, registered_on) FROM STDIN (FREEZE)',
    pick: (c) => c.disabilities,
    row: (d: DisabilityRecord) => `${d.residentId}\t${d.category}\t${d.severity}\t${d.registeredOn}\n`,
  } satisfies TableSpec<DisabilityRecord>,
  {
    copy:
      'COPY registry.businesses (id, brn, name_ko, name_en, owner_resident_id, industry_code, region_code, district_code, opened_on, closed_on) FROM STDIN (FREEZE)',
    pick: (c) => c.businesses,
    row: (b: BusinessRecord) =>
      `${b.id}\t${b.brn}\t${e(b.nameKo)}\t${e(b.nameEn)}\t${b.ownerResidentId}\t${b.industryCode}\t${b.regionCode}\t${b.districtCode}\t${b.openedOn}\t${e(b.closedOn)}\n`,
  } satisfies TableSpec<BusinessRecord>,
  {
    copy: 'COPY registry.vehicles (id, plate_number, owner_resident_id, model, fuel, first_registered_on, region_code) FROM STDIN (FREEZE)',
    pick: (c) => c.vehicles,
    row: (v: VehicleRecord) =>
      `${v.id}\t${v.plateNumber}\t${v.ownerResidentId}\t${e(v.model)}\t${v.fuel}\t${v.firstRegisteredOn}\t${v.regionCode}\n`,
  } satisfies TableSpec<VehicleRecord>,
] as unknown as ReadonlyArray<TableSpec<never>>;

function copyIn(client: pg.PoolClient, sql: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(text, 'utf8');
  });
}

interface ForeignKey {
  table_name: string;
  name: string;
  definition: string;
}

/**
 * The foreign keys declared on the registry tables themselves. Checking them row by row during
 * COPY costs more than the COPY; dropped for the load and re-added at the end, Postgres checks
 * each one with a single join instead. Read from the catalog so the load keeps working (and puts
 * back exactly what was there) if the migration changes.
 */
async function registryForeignKeys(client: pg.PoolClient): Promise<ForeignKey[]> {
  const result = await client.query<ForeignKey>(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conrelid = ANY($1::regclass[])
      ORDER BY 1, 2`,
    [REGISTRY_TABLES],
  );
  return result.rows;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Replaces whatever is in the registry with a freshly generated population of `residents`
 * people. TRUNCATE … CASCADE also empties tables in other modules that reference the registry
 * (their rows would point at people who no longer exist). All or nothing: on any error the
 * transaction rolls back and the old population stays.
 */
export async function seedPopulation(
  pool: pg.Pool,
  options: SeedOptions,
): Promise<SeedResult> {
  const started = performance.now();
  const total = options.residents;
  const client = await pool.connect();
  let households = 0;
  let businesses = 0;
  let vehicles = 0;
  let residents = 0;
  let inFlight: Promise<void> | null = null;
  try {
    await client.query('BEGIN');
    // The load is one big transaction whose only durability point is COMMIT.
    await client.query("SET LOCAL synchronous_commit = off; SET LOCAL maintenance_work_mem = '256MB'");
    await client.query(`TRUNCATE ${REGISTRY_TABLES.join(', ')} CASCADE`);
    const foreignKeys = await registryForeignKeys(client);
    for (const fk of foreignKeys) {
      await client.query(`ALTER TABLE ${fk.table_name} DROP CONSTRAINT ${quoteIdent(fk.name)}`);
    }
    options.onProgress?.(0, total);

    let texts = TABLES.map(() => '');
    let batchResidents = 0;
    // Runs in the background while the next batch is generated; only one runs at a time, so the
    // client never has two statements in flight.
    const send = async (batch: string[], count: number): Promise<void> => {
      for (let i = 0; i < TABLES.length; i++) {
        if (batch[i]) await copyIn(client, (TABLES[i] as TableSpec<never>).copy, batch[i] as string);
      }
      residents += count;
      options.onProgress?.(residents, total);
    };
    for (const chunk of generatePopulation({ seed: options.seed, residents: total, chunkSize: GENERATION_SLICE, asOf: options.asOf })) {
      TABLES.forEach((table, i) => {
        let text = '';
        for (const record of table.pick(chunk)) text += table.row(record);
        texts[i] += text;
      });
      households += chunk.households.length;
      businesses += chunk.businesses.length;
      vehicles += chunk.vehicles.length;
      batchResidents += chunk.residents.length;
      if (batchResidents >= LOAD_BATCH) {
        // At most one batch waits in the client while the next is generated, bounding memory.
        if (inFlight) await inFlight;
        inFlight = send(texts, batchResidents);
        inFlight.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
        texts = TABLES.map(() => '');
        batchResidents = 0;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (inFlight) await inFlight;
    if (batchResidents > 0) await send(texts, batchResidents);

    for (const fk of foreignKeys) {
      await client.query(`ALTER TABLE ${fk.table_name} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`);
    }
    // Fresh statistics, or the planner treats million-row tables as empty until autovacuum runs.
    await client.query(`ANALYZE ${REGISTRY_TABLES.join(', ')}`);
    await client.query('COMMIT');
  } catch (error) {
    // A COPY may still be running in the background; ROLLBACK must wait for the client to be free.
    await (inFlight as Promise<void> | null)?.catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { residents, households, businesses, vehicles, durationMs: Math.round(performance.now() - started) };
}
