// The registry module owns the base registries (resident register, family relations, incomes,
// disabilities, businesses, vehicles; seeded from the synthetic population) and publishes them
// as data products (data-products.ts) for the once-only exchange. Other modules read them only
// through this service. Every read of a person's record is audited in the same transaction: here
// for residents' own reads, by the exchange (in the transaction it passes in) for data products.
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { readDataProductRecord, readDataProductRecords } from './data-products';
import { maskRrn } from './population/identifiers';
import * as repository from './repository';
import { seedPopulation } from './population/loader';
import { loadPopulationColumns, type ColumnsSelection, type PopulationColumns } from './columns';

export interface ResidentRecord {
  residentId: number;
  nameKo: string;
  nameRomanized: string;
  rrnMasked: string;
  birthDate: string;
  sex: 'M' | 'F';
  address: { ko: string; en: string; postalCode: string; regionCode: string; districtCode: string };
  householdRole: string;
  registeredOn: string;
  householdMembers: Array<{
    residentId: number;
    nameKo: string;
    nameRomanized: string;
    birthDate: string;
    sex: 'M' | 'F';
    householdRole: string;
    relation: string | null;
  }>;
}

export interface ReadContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

export class RegistryService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
  ) {}

  /**
   * A resident's own resident-register record. Only the resident may read it here (agencies read
   * registry data through the once-only exchange). Allowed and denied reads are both audited.
   */
  async readResidentRecord(context: ReadContext, residentId: number): Promise<ResidentRecord> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const own = principal.role === 'resident' && principal.residentId === residentId;
    const entry = {
      actor: context.actor,
      action: 'registry.resident-record.read',
      purpose: own ? 'self-service: view own record' : 'not permitted: record of another person',
      resource: `registry/residents/${residentId}`,
      subjectResidentId: residentId,
      requestId: context.requestId,
    };
    if (!own) {
      // A refusal is committed on its own: there is no action for it to roll back with.
      await this.audit.append(this.pool, { ...entry, outcome: 'denied' });
      throw new AppError('FORBIDDEN', 'You can only read your own record.');
    }
    const record = await withTransaction(this.pool, async (tx) => {
      const row = await repository.findResident(tx, residentId);
      if (!row) return undefined;
      const members = await repository.householdMembers(tx, residentId, row.household_id);
      await this.audit.append(tx, { ...entry, outcome: 'allowed' });
      return toRecord(row, members);
    });
    if (!record) {
      await this.audit.append(this.pool, { ...entry, outcome: 'failed', details: { reason: 'not found' } });
      throw new AppError('NOT_FOUND', 'No such resident.');
    }
    return record;
  }

  /**
   * Every field of a data product (data-products.ts) for one subject, or null when the subject
   * does not exist. For the once-only exchange only: it is neither audited nor minimised here;
   * the exchange checks the agreement, audits and minimises in the transaction it passes as `db`.
   * An unknown product id throws AppError UNKNOWN_SERVICE (404).
   */
  readDataProduct(db: Queryable, productId: string, subjectId: number | string): Promise<Record<string, unknown> | null> {
    return readDataProductRecord(db, productId, subjectId);
  }

  /** readDataProduct for many (normalised) subjects in one go; missing subjects are absent from the map. */
  readDataProducts(db: Queryable, productId: string, subjects: Array<number | string>): Promise<Map<number | string, Record<string, unknown>>> {
    return readDataProductRecords(db, productId, subjects);
  }

  async findResidentIdByRrn(rrn: string): Promise<number | undefined> {
    return repository.findResidentIdByRrn(this.pool, rrn);
  }

  async residentName(residentId: number): Promise<{ ko: string; en: string } | undefined> {
    const row = await repository.findResident(this.pool, residentId);
    return row && { ko: row.name_ko, en: row.name_romanized };
  }

  /**
   * The number a simulated authenticator puts in its assertion after "verifying" a demo person.
   * Demo only: a real provider verifies the person itself and never asks the platform.
   */
  async rrnForSimulatedAuthenticator(residentId: number): Promise<string | undefined> {
    return (await repository.findResident(this.pool, residentId))?.rrn;
  }

  async hasResidents(): Promise<boolean> {
    const result = await this.pool.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM registry.residents) AS present');
    return result.rows[0]?.present ?? false;
  }

  /** Replaces the registries with a freshly generated synthetic population. */
  seedSyntheticPopulation(options: { seed: number; residents: number; onProgress?: (done: number, total: number) => void }) {
    return seedPopulation(this.pool, options);
  }

  /**
   * The living population as typed columns (see columns.ts), for engines that evaluate everyone
   * at once; with a selection, only some households. Not audited per person: it feeds automated
   * eligibility decisions, and the engines that use it audit what they do with the results.
   */
  populationColumns(selection: ColumnsSelection = {}): Promise<PopulationColumns> {
    return loadPopulationColumns(this.pool, selection);
  }

  /** Varied demo residents for the simulated authenticators' sign-in page (demo only). */
  demoResidents() {
    return repository.demoResidents(this.pool);
  }
}

function toRecord(row: repository.ResidentRow, members: repository.HouseholdMemberRow[]): ResidentRecord {
  return {
    residentId: row.id,
    nameKo: row.name_ko,
    nameRomanized: row.name_romanized,
    rrnMasked: maskRrn(row.rrn),
    birthDate: row.birth_date,
    sex: row.sex,
    address: {
      ko: row.address_ko,
      en: row.address_en,
      postalCode: row.postal_code,
      regionCode: row.region_code,
      districtCode: row.district_code,
    },
    householdRole: row.household_role,
    registeredOn: row.registered_on,
    householdMembers: members.map(repository.toHouseholdMember),
  };
}
