// Life events recorded in the base registries by the officials who keep them — a birth (출생신고),
// a disability registration, a household's move (전입신고), a year's income assessed by the tax
// service — each in one transaction with its audit entry and an outbox event
// ('registry.birth-registered', 'registry.disability-registered', 'registry.address-changed',
// 'registry.income-updated') that other modules (the proactive benefits engine) react to
// without reading registry tables. Turning 65 is not recorded by anyone: `announceBirthdays`
// emits 'registry.turned-65' for the residents whose 65th birthday is a given day.
import { randomInt } from 'node:crypto';
import type { AuditLog } from '../../core/audit';
import { withTransaction, type Pool, type Tx } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import { koreanDate } from '../../core/period';
import type { EventBus } from '../../core/events';
import { DISABILITY_CATEGORIES } from './population/generator';
import { districtByCode } from './population/regions';
import { syntheticRrn, type Sex } from './population/identifiers';
import type { ReadContext } from './service';

export const BIRTH_REGISTERED = 'registry.birth-registered';
export const DISABILITY_REGISTERED = 'registry.disability-registered';
export const ADDRESS_CHANGED = 'registry.address-changed';
export const INCOME_UPDATED = 'registry.income-updated';
export const TURNED_65 = 'registry.turned-65';

/** Who keeps which register: resident registration by MOIS (local offices), family relations by the courts, disability by MOHW. */
const KEEPERS = { birth: ['MOIS', 'SCOURT'], disability: ['MOHW'], move: ['MOIS'], income: ['NTS'] } as const;

export interface BirthInput {
  /** One or both parents, already registered. */
  parentResidentIds: number[];
  nameKo: string;
  nameRomanized: string;
  sex: Sex;
  birthDate: string;
}

export interface BirthRegistered {
  childResidentId: number;
  householdId: number;
  parentResidentIds: number[];
  birthDate: string;
}

export interface HouseholdEvent {
  residentId: number;
  householdId: number;
}

const NAME_KO = /^[가-힣]{2,10}$/u;
const NAME_ROMANIZED = /^[A-Za-z][A-Za-z' -]{1,59}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}


export class LifeEvents {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
  ) {}

  /** Lets only the officials who keep this register through; a refusal is audited. */
  private async keeper(context: ReadContext, kind: keyof typeof KEEPERS, action: string, resource: string): Promise<void> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role === 'official' && (KEEPERS[kind] as readonly string[]).includes(principal.agencyCode ?? '')) return;
    await this.audit.append(this.pool, { actor: context.actor, action, purpose: 'Recording a life event in a base registry', resource, outcome: 'denied', requestId: context.requestId });
    throw new AppError('FORBIDDEN', `Only officials of ${KEEPERS[kind].join(' or ')} record this.`);
  }

  /**
   * Registers a newborn: a resident in the (first) parent's household, related to each parent
   * both ways, with a synthetic RRN; audited; announces BIRTH_REGISTERED.
   */
  async registerBirth(context: ReadContext, input: BirthInput): Promise<BirthRegistered> {
    await this.keeper(context, 'birth', 'registry.birth.register', 'registry/births');
    const problems: FieldProblem[] = [];
    const parents = [...new Set(input.parentResidentIds)];
    if (parents.length < 1 || parents.length > 2 || !parents.every((id) => Number.isSafeInteger(id) && id > 0)) {
      problems.push({ field: '/body/parentResidentIds', message: 'must name one or two registered parents' });
    }
    if (!NAME_KO.test(input.nameKo ?? '')) problems.push({ field: '/body/nameKo', message: 'must be 2–10 Hangul syllables' });
    if (!NAME_ROMANIZED.test(input.nameRomanized ?? '')) problems.push({ field: '/body/nameRomanized', message: 'must be 2–60 Latin letters, spaces, hyphens or apostrophes' });
    if (input.sex !== 'M' && input.sex !== 'F') problems.push({ field: '/body/sex', message: 'must be M or F' });
    const today = koreanDate();
    if (!validDate(input.birthDate ?? '')) problems.push({ field: '/body/birthDate', message: 'must be a calendar date, YYYY-MM-DD' });
    else if (input.birthDate > today) problems.push({ field: '/body/birthDate', message: 'cannot be in the future' });
    else if (input.birthDate < `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`) problems.push({ field: '/body/birthDate', message: 'a birth is registered within a year (older ones go to the family court)' });
    if (problems.length) throw new AppError('VALIDATION_FAILED', 'The birth registration has errors.', problems);

    return withTransaction(this.pool, async (tx) => {
      const found = await tx.query<{ id: string; household_id: string; household_role: string; birth_date: string; deceased_on: string | null }>(
        `SELECT id, household_id, household_role, birth_date::text, deceased_on::text FROM registry.residents WHERE id = ANY($1::bigint[]) FOR SHARE`,
        [parents],
      );
      if (found.rowCount !== parents.length) throw new AppError('VALIDATION_FAILED', 'A parent is not in the resident register.', [{ field: '/body/parentResidentIds', message: 'every parent must be a registered resident' }]);
      const rows = parents.map((id) => found.rows.find((r) => Number(r.id) === id)!);
      for (const parent of rows) {
        const age = Number(input.birthDate.slice(0, 4)) - Number(parent.birth_date.slice(0, 4));
        if (age < 14) throw new AppError('VALIDATION_FAILED', `Resident ${parent.id} is too young to be a parent.`, [{ field: '/body/parentResidentIds', message: 'a parent must be at least 14 at the birth' }]);
      }
      const household = rows[0]!;
      const householdId = Number(household.household_id);
      // New ids and serials one at a time: births are rare, a transaction lock is simplest.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('registry.new-resident'))`);
      const next = await tx.query<{ id: string }>('SELECT coalesce(max(id), 0) + 1 AS id FROM registry.residents');
      const childId = Number(next.rows[0]!.id);
      const rrn = await this.freeRrn(tx, input.birthDate, input.sex);
      const role = household.household_role === 'head' || household.household_role === 'spouse' ? 'child' : 'other';
      await tx.query(
        `INSERT INTO registry.residents (id, rrn, name_ko, name_romanized, birth_date, sex, household_id, household_role, registered_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [childId, rrn, input.nameKo, input.nameRomanized, input.birthDate, input.sex, householdId, role, today],
      );
      for (const parentId of parents) {
        await tx.query(
          `INSERT INTO registry.family_relations (resident_id, relative_id, relation) VALUES ($1, $2, 'child'), ($2, $1, 'parent')`,
          [parentId, childId],
        );
      }
      const registered: BirthRegistered = { childResidentId: childId, householdId, parentResidentIds: parents, birthDate: input.birthDate };
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'registry.birth.register',
        purpose: 'Birth registration (출생신고)',
        resource: `registry/residents/${childId}`,
        outcome: 'allowed',
        subjectResidentId: childId,
        requestId: context.requestId,
        details: { householdId, parentResidentIds: parents },
      });
      await this.events.publish(tx, BIRTH_REGISTERED, registered);
      return registered;
    });
  }

  /** Registers a disability (MOHW officials); announces DISABILITY_REGISTERED. */
  async registerDisability(context: ReadContext, input: { residentId: number; category: string; severity: 'severe' | 'mild' }): Promise<HouseholdEvent> {
    await this.keeper(context, 'disability', 'registry.disability.register', `registry/residents/${input.residentId}/disability`);
    const problems: FieldProblem[] = [];
    if (!Object.hasOwn(DISABILITY_CATEGORIES, input.category)) problems.push({ field: '/body/category', message: `must be one of ${Object.keys(DISABILITY_CATEGORIES).join(', ')}` });
    if (input.severity !== 'severe' && input.severity !== 'mild') problems.push({ field: '/body/severity', message: 'must be severe or mild' });
    if (problems.length) throw new AppError('VALIDATION_FAILED', 'The disability registration has errors.', problems);
    return withTransaction(this.pool, async (tx) => {
      const resident = await tx.query<{ household_id: string }>('SELECT household_id FROM registry.residents WHERE id = $1 AND deceased_on IS NULL', [input.residentId]);
      if (resident.rowCount === 0) throw new AppError('SUBJECT_NOT_FOUND', `There is no living resident ${input.residentId}.`);
      await tx.query(
        `INSERT INTO registry.disabilities (resident_id, category, severity, registered_on) VALUES ($1, $2, $3, $4)
         ON CONFLICT (resident_id) DO UPDATE SET category = EXCLUDED.category, severity = EXCLUDED.severity, registered_on = EXCLUDED.registered_on`,
        [input.residentId, input.category, input.severity, koreanDate()],
      );
      const event: HouseholdEvent = { residentId: input.residentId, householdId: Number(resident.rows[0]!.household_id) };
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'registry.disability.register',
        purpose: 'Disability registration (장애인 등록)',
        resource: `registry/residents/${input.residentId}/disability`,
        outcome: 'allowed',
        subjectResidentId: input.residentId,
        requestId: context.requestId,
        details: { category: input.category, severity: input.severity },
      });
      await this.events.publish(tx, DISABILITY_REGISTERED, event);
      return event;
    });
  }

  /** A household moves (전입신고; MOIS officials): its new address; announces ADDRESS_CHANGED. */
  async registerMove(
    context: ReadContext,
    input: { householdId: number; districtCode: string; addressKo: string; addressEn: string; postalCode: string },
  ): Promise<HouseholdEvent> {
    await this.keeper(context, 'move', 'registry.move.register', `registry/households/${input.householdId}/address`);
    const problems: FieldProblem[] = [];
    const district = districtByCode(input.districtCode ?? '');
    if (!district) problems.push({ field: '/body/districtCode', message: 'must be a district (시·군·구) code of the register' });
    if (typeof input.addressKo !== 'string' || input.addressKo.trim().length < 5 || input.addressKo.length > 200) problems.push({ field: '/body/addressKo', message: 'must be 5–200 characters' });
    if (typeof input.addressEn !== 'string' || input.addressEn.trim().length < 5 || input.addressEn.length > 200) problems.push({ field: '/body/addressEn', message: 'must be 5–200 characters' });
    if (!/^\d{5}$/.test(input.postalCode ?? '')) problems.push({ field: '/body/postalCode', message: 'must be 5 digits' });
    if (problems.length || !district) throw new AppError('VALIDATION_FAILED', 'The move has errors.', problems);
    return withTransaction(this.pool, async (tx) => {
      const moved = await tx.query(
        `UPDATE registry.households SET region_code = $2, district_code = $3, address_ko = $4, address_en = $5, postal_code = $6 WHERE id = $1`,
        [input.householdId, district.provinceCode, district.code, input.addressKo.trim(), input.addressEn.trim(), input.postalCode],
      );
      if (moved.rowCount === 0) throw new AppError('NOT_FOUND', `There is no household ${input.householdId}.`);
      const members = await tx.query<{ id: string }>('SELECT id FROM registry.residents WHERE household_id = $1 AND deceased_on IS NULL ORDER BY id', [input.householdId]);
      await this.audit.appendMany(
        tx,
        members.rows.map((m) => ({
          actor: context.actor,
          action: 'registry.move.register',
          purpose: 'Moving-in report (전입신고)',
          resource: `registry/households/${input.householdId}/address`,
          outcome: 'allowed' as const,
          subjectResidentId: Number(m.id),
          requestId: context.requestId,
          details: { districtCode: district.code },
        })),
      );
      const event: HouseholdEvent = { residentId: Number(members.rows[0]?.id ?? 0), householdId: input.householdId };
      if (members.rows.length) await this.events.publish(tx, ADDRESS_CHANGED, event);
      return event;
    });
  }

  /** A resident's income for a tax year, as assessed by the tax service (NTS officials); announces INCOME_UPDATED. */
  async recordIncome(context: ReadContext, input: { residentId: number; taxYear: number; earnedIncomeKrw: number; businessIncomeKrw: number }): Promise<HouseholdEvent> {
    await this.keeper(context, 'income', 'registry.income.record', `registry/residents/${input.residentId}/income`);
    const problems: FieldProblem[] = [];
    const thisYear = Number(koreanDate().slice(0, 4));
    if (!Number.isInteger(input.taxYear) || input.taxYear < 2000 || input.taxYear >= thisYear) problems.push({ field: '/body/taxYear', message: `must be a past year, 2000–${thisYear - 1}` });
    for (const name of ['earnedIncomeKrw', 'businessIncomeKrw'] as const) {
      if (!Number.isSafeInteger(input[name]) || input[name] < 0) problems.push({ field: `/body/${name}`, message: 'must be a whole number of won, 0 or more' });
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', 'The income record has errors.', problems);
    return withTransaction(this.pool, async (tx) => {
      const resident = await tx.query<{ household_id: string }>('SELECT household_id FROM registry.residents WHERE id = $1 AND deceased_on IS NULL', [input.residentId]);
      if (resident.rowCount === 0) throw new AppError('SUBJECT_NOT_FOUND', `There is no living resident ${input.residentId}.`);
      await tx.query(
        `INSERT INTO registry.incomes (resident_id, tax_year, earned_income_krw, business_income_krw) VALUES ($1, $2, $3, $4)
         ON CONFLICT (resident_id, tax_year) DO UPDATE SET earned_income_krw = EXCLUDED.earned_income_krw, business_income_krw = EXCLUDED.business_income_krw`,
        [input.residentId, input.taxYear, input.earnedIncomeKrw, input.businessIncomeKrw],
      );
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'registry.income.record',
        purpose: 'Income assessment (종합소득 확정)',
        resource: `registry/residents/${input.residentId}/income/${input.taxYear}`,
        outcome: 'allowed',
        subjectResidentId: input.residentId,
        requestId: context.requestId,
        details: { taxYear: input.taxYear },
      });
      const event: HouseholdEvent = { residentId: input.residentId, householdId: Number(resident.rows[0]!.household_id) };
      await this.events.publish(tx, INCOME_UPDATED, event);
      return event;
    });
  }

  /**
   * Announces TURNED_65 for every living resident whose 65th birthday is `day` (a daily job; the
   * events carry an idempotency key per resident, so running a day twice creates no duplicates
   * downstream). Returns how many.
   */
  async announceBirthdays(day: string = koreanDate()): Promise<number> {
    if (!validDate(day)) throw new AppError('VALIDATION_FAILED', 'day must be YYYY-MM-DD');
    return withTransaction(this.pool, async (tx) => {
      const born = `${Number(day.slice(0, 4)) - 65}${day.slice(4)}`;
      const rows = await tx.query<{ id: string; household_id: string }>(
        'SELECT id, household_id FROM registry.residents WHERE birth_date = $1::date AND deceased_on IS NULL',
        [born],
      );
      for (const row of rows.rows) await this.events.publish(tx, TURNED_65, { residentId: Number(row.id), householdId: Number(row.household_id), day });
      return rows.rowCount ?? 0;
    });
  }

  private async freeRrn(tx: Tx, birthDate: string, sex: Sex): Promise<string> {
    // Few people share a birth date and sex, so a random serial is almost always free; the unique
    // index answers each probe without scanning the register.
    for (let attempt = 0; attempt < 50; attempt++) {
      const rrn = syntheticRrn(birthDate, sex, randomInt(100_000));
      const clash = await tx.query('SELECT 1 FROM registry.residents WHERE rrn = $1', [rrn]);
      if (clash.rowCount === 0) return rrn;
    }
    throw new AppError('CONFLICT', `No free registration number was found for ${birthDate}; try again.`);
  }
}
