// The variables a rule may use: the one documented list. Each comes from the resident register
// (via the registry's population columns) and is either a person variable (one value per
// resident) or a household variable (one value per household, shared by its members).
//
// Person variables (entity: person)
//   age                    number   whole years at the evaluation date (만 나이)
//   age_months             number   whole months at the evaluation date
//   birth_date             date     YYYY-MM-DD; compare with date literals
//   sex                    enum     M | F
//   household_role         enum     head | spouse | child | parent | other
//   child_rank             number   1 for the household's oldest child, 2 for the next …; 0 if not a child
//   disability_registered  boolean  registered as a person with a disability
//   disability_severity    enum     none | mild | severe
//   disability_category    enum     none | physical | brain_lesion | visual | … (the 15 legal categories)
//   earned_income          number   KRW a year, latest tax year on record (0 if none)
//   business_income        number   KRW a year, latest tax year on record (0 if none)
//   income                 number   earned_income + business_income
// Household variables (entity: household; also readable in person rules)
//   region                 enum     province code (시·도), e.g. '11' Seoul, '41' Gyeonggi-do
//   district               enum     district code (시·군·구), e.g. '11680' Gangnam-gu
//   household_size         number   living members
//   household_income       number   sum of the members' income (KRW a year)
// Household aggregations (count, sum, min, max over the members, optionally of some roles and
// where a condition holds) reach person variables from household rules, or a person's whole
// household from person rules; see language.ts.
import {
  DISABILITY_CATEGORY_CODES,
  DISABILITY_SEVERITIES,
  DISTRICT_CODES,
  HOUSEHOLD_ROLES,
  REGION_CODES,
  SEXES,
} from '../registry/columns';

export type VariableType = 'number' | 'boolean' | 'date' | 'enum';
export type Entity = 'person' | 'household';

export interface VariableDefinition {
  name: string;
  entity: Entity;
  type: VariableType;
  /** For enums: the allowed values; a value's code is its index. */
  values?: readonly string[];
  label: { ko: string; en: string };
}

const defs: VariableDefinition[] = [
  { name: 'age', entity: 'person', type: 'number', label: { ko: '나이', en: 'age' } },
  { name: 'age_months', entity: 'person', type: 'number', label: { ko: '개월 수', en: 'age in months' } },
  { name: 'birth_date', entity: 'person', type: 'date', label: { ko: '생년월일', en: 'date of birth' } },
  { name: 'sex', entity: 'person', type: 'enum', values: SEXES, label: { ko: '성별', en: 'sex' } },
  { name: 'household_role', entity: 'person', type: 'enum', values: HOUSEHOLD_ROLES, label: { ko: '세대 내 관계', en: 'household role' } },
  { name: 'child_rank', entity: 'person', type: 'number', label: { ko: '출생 순위', en: 'birth order' } },
  { name: 'disability_registered', entity: 'person', type: 'boolean', label: { ko: '장애인 등록', en: 'registered disability' } },
  { name: 'disability_severity', entity: 'person', type: 'enum', values: DISABILITY_SEVERITIES, label: { ko: '장애 정도', en: 'disability severity' } },
  { name: 'disability_category', entity: 'person', type: 'enum', values: DISABILITY_CATEGORY_CODES, label: { ko: '장애 유형', en: 'disability category' } },
  { name: 'earned_income', entity: 'person', type: 'number', label: { ko: '근로소득', en: 'earned income' } },
  { name: 'business_income', entity: 'person', type: 'number', label: { ko: '사업소득', en: 'business income' } },
  { name: 'income', entity: 'person', type: 'number', label: { ko: '소득', en: 'income' } },
  { name: 'region', entity: 'household', type: 'enum', values: REGION_CODES, label: { ko: '시·도', en: 'province' } },
  { name: 'district', entity: 'household', type: 'enum', values: DISTRICT_CODES, label: { ko: '시·군·구', en: 'district' } },
  { name: 'household_size', entity: 'household', type: 'number', label: { ko: '가구원 수', en: 'household size' } },
  { name: 'household_income', entity: 'household', type: 'number', label: { ko: '가구 소득', en: 'household income' } },
];

export const VARIABLES: ReadonlyMap<string, VariableDefinition> = new Map(defs.map((d) => [d.name, d]));
export const VARIABLE_NAMES: readonly string[] = defs.map((d) => d.name);

export const NOTIFICATION_CATEGORIES = ['child', 'elderly', 'disability', 'income-support', 'employment', 'health', 'housing', 'general'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

// ---------------------------------------------------------------------------------------------
// Dates. The evaluation date and birth dates are numbers yyyymmdd: whole-year age is then
// floor((date - birth) / 10000), exactly the Korean 만 나이 (a 29 February birthday counts on 1 March).

export function dateNumber(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCMonth() !== m - 1) return null;
  return y * 10000 + m * 100 + d;
}

export function isoFromDateNumber(value: number): string {
  return `${Math.floor(value / 10000)}-${String(Math.floor(value / 100) % 100).padStart(2, '0')}-${String(value % 100).padStart(2, '0')}`;
}

export function ageYears(birth: number, on: number): number {
  return Math.floor((on - birth) / 10000);
}

export function ageMonths(birth: number, on: number): number {
  const by = Math.floor(birth / 10000);
  const bm = Math.floor(birth / 100) % 100;
  const oy = Math.floor(on / 10000);
  const om = Math.floor(on / 100) % 100;
  return (oy - by) * 12 + (om - bm) - (on % 100 < birth % 100 ? 1 : 0);
}
