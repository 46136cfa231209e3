// The base registries as data products: what the once-only exchange can deliver about a subject
// (a resident, or a business), which agency's subsystem provides it, and how sensitive each field
// is. The catalogue is public metadata (the directory publishes it at /directory and through the
// X-Road-style metaservices); the readers below return the data itself and are only for the
// exchange, which checks the access agreement, minimises to the approved fields and audits.
//
// Sensitivity classes: 'public' (no personal data, e.g. a business's registration status),
// 'personal' (personal data), 'sensitive' (special categories: health and disability, income).
// A product is as sensitive as its most sensitive field.
//
// Subjects: every product is about a resident and takes the registry's resident id (a positive
// integer, or its decimal string), except business.registration, which takes the business
// registration number (사업자등록번호) as a string, "1234567890" or "123-45-67890": the number is how
// every agency and bank names a business, while the registry's internal business id is not.
import type { Queryable } from '../../core/db';
import { AppError } from '../../core/errors';
import { DISABILITY_CATEGORIES, FUELS, TAX_YEARS } from './population/generator';
import * as repository from './repository';

export type Sensitivity = 'public' | 'personal' | 'sensitive';
export const SENSITIVITIES: readonly Sensitivity[] = ['public', 'personal', 'sensitive'];

export interface DataProductField {
  name: string;
  type: 'string' | 'integer' | 'date' | 'boolean' | 'array';
  title: { ko: string; en: string };
  sensitivity: Sensitivity;
  /** The value may be null (e.g. no disability registered, business still open). */
  nullable?: boolean;
  /** The only values a string field takes. */
  enum?: readonly string[];
  /** For arrays: the fields of each item (an object). */
  items?: readonly DataProductField[];
}

export interface DataProduct {
  id: string;
  providerSubsystem: string;
  title: { ko: string; en: string };
  description: { ko: string; en: string };
  subject: 'resident' | 'business';
  sensitivity: Sensitivity;
  fields: DataProductField[];
}

const MOIS = 'KR/GOV/MOIS/resident-register';
const SCOURT = 'KR/GOV/SCOURT/family-relations';
const NTS = 'KR/GOV/NTS/hometax';
const MOHW = 'KR/GOV/MOHW/disability-register';
const MOLIT = 'KR/GOV/MOLIT/vehicle-register';

const SEX = ['M', 'F'] as const;
const HOUSEHOLD_ROLES = ['head', 'spouse', 'child', 'parent', 'other'] as const;
const RELATIONS = ['spouse', 'parent', 'child'] as const;
const DISABILITY_TYPES = Object.keys(DISABILITY_CATEGORIES);

function field(
  name: string,
  type: DataProductField['type'],
  ko: string,
  en: string,
  sensitivity: Sensitivity,
  extra: Pick<DataProductField, 'nullable' | 'enum' | 'items'> = {},
): DataProductField {
  return { name, type, title: { ko, en }, sensitivity, ...extra };
}

const personName = (s: Sensitivity = 'personal') => [
  field('nameKo', 'string', '성명(한글)', 'Name (Hangul)', s),
  field('nameRomanized', 'string', '성명(로마자)', 'Name (romanised)', s),
];

export const DATA_PRODUCTS: readonly DataProduct[] = [
  {
    id: 'resident.basic',
    providerSubsystem: MOIS,
    title: { ko: '주민등록 기본사항', en: 'Resident register: basic record' },
    description: {
      ko: '주민등록표의 성명, 생년월일, 성별, 주소와 세대 내 지위(주민등록표 초본에 해당)',
      en: 'Name, date of birth, sex, address and role in the household from the resident register (as on an abstract of resident registration)',
    },
    subject: 'resident',
    sensitivity: 'personal',
    fields: [
      ...personName(),
      field('birthDate', 'date', '생년월일', 'Date of birth', 'personal'),
      field('sex', 'string', '성별', 'Sex', 'personal', { enum: SEX }),
      field('addressKo', 'string', '주소(한글)', 'Address (Korean)', 'personal'),
      field('addressEn', 'string', '주소(영문)', 'Address (English)', 'personal'),
      field('postalCode', 'string', '우편번호', 'Postal code', 'personal'),
      field('regionCode', 'string', '시·도 코드', 'Province code', 'personal'),
      field('districtCode', 'string', '시·군·구 코드', 'District code', 'personal'),
      field('householdRole', 'string', '세대 내 지위', 'Role in household', 'personal', { enum: HOUSEHOLD_ROLES }),
      field('registeredOn', 'date', '전입일', 'Registered at this address on', 'personal'),
    ],
  },
  {
    id: 'resident.household',
    providerSubsystem: MOIS,
    title: { ko: '세대 구성', en: 'Resident register: household members' },
    description: {
      ko: '대상자를 포함한 같은 세대의 모든 세대원과 대상자와의 관계(주민등록표 등본에 해당)',
      en: 'Everyone registered in the subject\'s household, the subject included, with their relation to the subject (as on a copy of resident registration)',
    },
    subject: 'resident',
    sensitivity: 'personal',
    fields: [
      field('householdSize', 'integer', '세대원 수', 'Number of household members', 'personal'),
      field('members', 'array', '세대원', 'Household members', 'personal', {
        items: [
          field('residentId', 'integer', '주민 ID', 'Resident id', 'personal'),
          ...personName(),
          field('birthDate', 'date', '생년월일', 'Date of birth', 'personal'),
          field('sex', 'string', '성별', 'Sex', 'personal', { enum: SEX }),
          field('householdRole', 'string', '세대 내 지위', 'Role in household', 'personal', { enum: HOUSEHOLD_ROLES }),
          field('relation', 'string', '대상자와의 관계', 'Relation to the subject', 'personal', {
            nullable: true,
            enum: ['self', ...RELATIONS],
          }),
        ],
      }),
    ],
  },
  {
    id: 'family.children',
    providerSubsystem: SCOURT,
    title: { ko: '자녀 정보', en: 'Family relations: children' },
    description: {
      ko: '가족관계등록부에 등록된 대상자의 자녀(가족관계증명서의 자녀 항목에 해당)',
      en: 'The subject\'s children as registered in the family relations register (the children on a family relations certificate)',
    },
    subject: 'resident',
    sensitivity: 'personal',
    fields: [
      field('childCount', 'integer', '자녀 수', 'Number of children', 'personal'),
      field('children', 'array', '자녀', 'Children', 'personal', {
        items: [
          field('residentId', 'integer', '주민 ID', 'Resident id', 'personal'),
          ...personName(),
          field('birthDate', 'date', '생년월일', 'Date of birth', 'personal'),
        ],
      }),
    ],
  },
  {
    id: 'family.relations',
    providerSubsystem: SCOURT,
    title: { ko: '가족관계', en: 'Family relations' },
    description: {
      ko: '가족관계등록부에 등록된 대상자의 배우자, 부모, 자녀(가족관계증명서에 해당)',
      en: 'The subject\'s spouse, parents and children as registered in the family relations register (as on a family relations certificate)',
    },
    subject: 'resident',
    sensitivity: 'personal',
    fields: [
      field('relations', 'array', '가족', 'Family members', 'personal', {
        items: [
          field('residentId', 'integer', '주민 ID', 'Resident id', 'personal'),
          field('relation', 'string', '관계', 'Relation', 'personal', { enum: RELATIONS }),
          ...personName(),
          field('birthDate', 'date', '생년월일', 'Date of birth', 'personal'),
        ],
      }),
    ],
  },
  {
    id: 'tax.income-certificate',
    providerSubsystem: NTS,
    title: { ko: '소득금액증명', en: 'Income certificate' },
    description: {
      ko: `가장 최근 귀속연도의 근로소득과 사업소득(소득금액증명에 해당). 신고된 소득이 없으면 0원입니다. 최근 귀속연도: ${TAX_YEARS.at(-1)}`,
      en: `Earned and business income of the most recent tax year (as on an income certificate); 0 when no income was reported. Most recent tax year: ${TAX_YEARS.at(-1)}`,
    },
    subject: 'resident',
    sensitivity: 'sensitive',
    fields: [
      field('taxYear', 'integer', '귀속연도', 'Tax year', 'personal'),
      field('earnedIncomeKrw', 'integer', '근로소득(원)', 'Earned income (KRW)', 'sensitive'),
      field('businessIncomeKrw', 'integer', '사업소득(원)', 'Business income (KRW)', 'sensitive'),
    ],
  },
  {
    id: 'disability.status',
    providerSubsystem: MOHW,
    title: { ko: '장애인 등록 여부', en: 'Disability registration' },
    description: {
      ko: '장애인복지법에 따른 장애인 등록 여부, 장애 유형과 정도, 등록일(장애인증명서에 해당)',
      en: 'Whether the subject is registered as a person with a disability under the Act on Welfare of Persons with Disabilities, with the type, severity and date of registration',
    },
    subject: 'resident',
    sensitivity: 'sensitive',
    fields: [
      field('registered', 'boolean', '등록 여부', 'Registered', 'sensitive'),
      field('category', 'string', '장애 유형', 'Type of disability', 'sensitive', { nullable: true, enum: DISABILITY_TYPES }),
      field('severity', 'string', '장애 정도', 'Severity', 'sensitive', { nullable: true, enum: ['severe', 'mild'] }),
      field('registeredOn', 'date', '등록일', 'Registered on', 'sensitive', { nullable: true }),
    ],
  },
  {
    id: 'business.registration',
    providerSubsystem: NTS,
    title: { ko: '사업자등록 상태', en: 'Business registration' },
    description: {
      ko: '사업자등록번호로 조회한 상호, 업종, 개업일과 휴·폐업 상태(사업자등록증명에 해당). 대상은 사업자등록번호입니다.',
      en: 'Trade name, industry, opening date and whether the business is still open, looked up by business registration number (as on a certificate of business registration). The subject is the business registration number.',
    },
    subject: 'business',
    sensitivity: 'public',
    fields: [
      field('brn', 'string', '사업자등록번호', 'Business registration number', 'public'),
      field('nameKo', 'string', '상호(한글)', 'Trade name (Korean)', 'public'),
      field('nameEn', 'string', '상호(영문)', 'Trade name (English)', 'public'),
      field('industryCode', 'string', '업종(표준산업분류 대분류)', 'Industry (KSIC section)', 'public'),
      field('openedOn', 'date', '개업일', 'Opened on', 'public'),
      field('closedOn', 'date', '폐업일', 'Closed on', 'public', { nullable: true }),
      field('status', 'string', '사업자 상태', 'Status', 'public', { enum: ['active', 'closed'] }),
    ],
  },
  {
    id: 'vehicle.registration',
    providerSubsystem: MOLIT,
    title: { ko: '자동차 등록 정보', en: 'Vehicle registration' },
    description: {
      ko: '대상자가 소유자로 등록된 자동차(자동차등록원부에 해당)',
      en: 'The vehicles registered to the subject as owner (as in the vehicle register)',
    },
    subject: 'resident',
    sensitivity: 'personal',
    fields: [
      field('vehicleCount', 'integer', '자동차 수', 'Number of vehicles', 'personal'),
      field('vehicles', 'array', '자동차', 'Vehicles', 'personal', {
        items: [
          field('plateNumber', 'string', '자동차 등록번호', 'Registration plate', 'personal'),
          field('model', 'string', '차명', 'Model', 'personal'),
          field('fuel', 'string', '연료', 'Fuel', 'personal', { enum: FUELS }),
          field('firstRegisteredOn', 'date', '최초 등록일', 'First registered on', 'personal'),
          field('regionCode', 'string', '등록 시·도 코드', 'Province of registration', 'personal'),
        ],
      }),
    ],
  },
];

const BY_ID = new Map(DATA_PRODUCTS.map((product) => [product.id, product]));

export function findDataProduct(id: string): DataProduct | undefined {
  return BY_ID.get(id);
}

/** The data products a directory subsystem provides, in catalogue order. */
export function dataProductsProvidedBy(subsystemId: string): DataProduct[] {
  return DATA_PRODUCTS.filter((product) => product.providerSubsystem === subsystemId);
}

/**
 * A subject id in its canonical form for the product's subject kind, or null when the value
 * cannot name a subject of that kind: a resident id (1 … 2^53−1, given as a number or a decimal
 * string) or a business registration number (10 digits, optionally written 123-45-67890).
 */
export function normalizeSubjectId(subject: DataProduct['subject'], value: number | string): number | string | null {
  if (subject === 'business') {
    if (typeof value !== 'string') return null;
    if (/^\d{10}$/.test(value)) return value;
    return /^\d{3}-\d{2}-\d{5}$/.test(value) ? value.replaceAll('-', '') : null;
  }
  const id = typeof value === 'string' ? (/^[1-9]\d{0,15}$/.test(value) ? Number(value) : NaN) : value;
  return Number.isSafeInteger(id) && id >= 1 ? id : null;
}

type Reader = (db: Queryable, subject: number | string) => Promise<Record<string, unknown> | null>;

/** Reads one product for many subjects with one query; absent subjects are absent from the map. */
type BatchReader = (db: Queryable, subjects: Array<number | string>) => Promise<Map<number | string, Record<string, unknown>>>;

function residentBasic(row: repository.ResidentRow): Record<string, unknown> {
  return {
    nameKo: row.name_ko,
    nameRomanized: row.name_romanized,
    birthDate: row.birth_date,
    sex: row.sex,
    addressKo: row.address_ko,
    addressEn: row.address_en,
    postalCode: row.postal_code,
    regionCode: row.region_code,
    districtCode: row.district_code,
    householdRole: row.household_role,
    registeredOn: row.registered_on,
  };
}

const BATCH_READERS: Record<string, BatchReader> = {
  'resident.basic': async (db, ids) => new Map((await repository.findResidents(db, ids as number[])).map((row) => [Number(row.id), residentBasic(row)])),
};

const READERS: Record<string, Reader> = {
  'resident.basic': async (db, id) => {
    const row = await repository.findResident(db, id as number);
    return row ? residentBasic(row) : null;
  },
  'resident.household': async (db, id) => {
    const members = await repository.householdOf(db, id as number);
    if (members.length === 0) return null;
    return {
      householdSize: members.length,
      members: members.map(repository.toHouseholdMember),
    };
  },
  'family.children': async (db, id) => {
    if (!(await repository.residentExists(db, id as number))) return null;
    const children = await repository.relativesOf(db, id as number, 'child');
    return {
      childCount: children.length,
      children: children.map((c) => ({ residentId: c.id, nameKo: c.name_ko, nameRomanized: c.name_romanized, birthDate: c.birth_date })),
    };
  },
  'family.relations': async (db, id) => {
    if (!(await repository.residentExists(db, id as number))) return null;
    const relatives = await repository.relativesOf(db, id as number);
    return {
      relations: relatives.map((r) => ({
        residentId: r.id,
        relation: r.relation,
        nameKo: r.name_ko,
        nameRomanized: r.name_romanized,
        birthDate: r.birth_date,
      })),
    };
  },
  'tax.income-certificate': async (db, id) => {
    if (!(await repository.residentExists(db, id as number))) return null;
    const income = await repository.latestIncome(db, id as number);
    return {
      taxYear: income?.tax_year ?? TAX_YEARS.at(-1),
      earnedIncomeKrw: income?.earned_income_krw ?? 0,
      businessIncomeKrw: income?.business_income_krw ?? 0,
    };
  },
  'disability.status': async (db, id) => {
    if (!(await repository.residentExists(db, id as number))) return null;
    const disability = await repository.disabilityOf(db, id as number);
    return {
      registered: disability !== undefined,
      category: disability?.category ?? null,
      severity: disability?.severity ?? null,
      registeredOn: disability?.registered_on ?? null,
    };
  },
  'business.registration': async (db, brn) => {
    const business = await repository.businessByBrn(db, brn as string);
    if (!business) return null;
    return {
      brn: business.brn,
      nameKo: business.name_ko,
      nameEn: business.name_en,
      industryCode: business.industry_code,
      openedOn: business.opened_on,
      closedOn: business.closed_on,
      status: business.closed_on === null ? 'active' : 'closed',
    };
  },
  'vehicle.registration': async (db, id) => {
    if (!(await repository.residentExists(db, id as number))) return null;
    const vehicles = await repository.vehiclesOf(db, id as number);
    return {
      vehicleCount: vehicles.length,
      vehicles: vehicles.map((v) => ({
        plateNumber: v.plate_number,
        model: v.model,
        fuel: v.fuel,
        firstRegisteredOn: v.first_registered_on,
        regionCode: v.region_code,
      })),
    };
  },
};

/**
 * Every field of a data product for one subject, or null when there is no such subject (or the
 * id cannot name one). Not audited and not minimised here: the exchange does both, in the
 * transaction it passes as `db`. An unknown product is a 404 (UNKNOWN_SERVICE).
 */
export async function readDataProductRecord(db: Queryable, productId: string, subjectId: number | string): Promise<Record<string, unknown> | null> {
  const product = findDataProduct(productId);
  const reader = READERS[productId];
  if (!product || !reader) throw new AppError('UNKNOWN_SERVICE', `There is no data product ${JSON.stringify(productId)}.`);
  const subject = normalizeSubjectId(product.subject, subjectId);
  return subject === null ? null : reader(db, subject);
}

/**
 * readDataProductRecord for many subjects at once (already normalised, as normalizeSubjectId
 * gives them): one query where the product has a set-wise reader, one per subject otherwise.
 * Subjects that do not exist are absent from the map.
 */
export async function readDataProductRecords(db: Queryable, productId: string, subjects: Array<number | string>): Promise<Map<number | string, Record<string, unknown>>> {
  const batch = BATCH_READERS[productId];
  if (batch && subjects.length > 1) return batch(db, subjects);
  const records = new Map<number | string, Record<string, unknown>>();
  for (const subject of subjects) {
    const record = await readDataProductRecord(db, productId, subject);
    if (record) records.set(subject, record);
  }
  return records;
}

/** For tests: every catalogued product has a reader and every reader a catalogue entry. */
export const DATA_PRODUCT_READER_IDS: readonly string[] = Object.keys(READERS);
