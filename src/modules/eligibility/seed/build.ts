// Small builders for writing the seed rules in TypeScript; each rule is turned into its YAML
// document (the form officials see and edit) by seedRuleSources() in index.ts.

export type Doc = Record<string, unknown>;

/** Examples are evaluated on this day unless they say otherwise. */
export const D = '2026-03-01';

export const label = (ko: string, en: string) => ({ ko, en });

/** A top-level condition: its explanation label plus the comparison or all/any/not. */
export const when = (ko: string, en: string, condition: Doc): Doc => ({ label: label(ko, en), ...condition });
export const v = (variable: string, op: string, value: unknown): Doc => ({ variable, op, value });
export const x = (expr: unknown, op: string, value: unknown): Doc => ({ expr, op, value });
export const p = (param: string) => ({ param });
export const variable = (name: string) => ({ variable: name });
export const count = (where?: Doc, role?: string | string[]): Doc => ({ count: { ...(role ? { role } : {}), ...(where ? { where } : {}) } });
export const sumOf = (of: unknown, where?: Doc, role?: string | string[]): Doc => ({ sum: { of, ...(role ? { role } : {}), ...(where ? { where } : {}) } });
export const monthlyHouseholdIncome = { div: [variable('household_income'), 12] };
export const monthlyIncome = { div: [variable('income'), 12] };

/** A parameter with values from 2025-01-01 and (when different) from 2026-01-01. */
export const yearly = (ko: string, en: string, v2025: unknown, v2026?: unknown, key?: string): Doc => ({
  label: label(ko, en),
  ...(key ? { key } : {}),
  values: [{ from: '2025-01-01', value: v2025 }, ...(v2026 === undefined ? [] : [{ from: '2026-01-01', value: v2026 }])],
});

const MEDIAN_2025 = [2392013, 3932658, 5025353, 6097773, 7108192, 8064805];
const MEDIAN_2026 = [2564238, 4199292, 5359036, 6494738, 7556719, 8555952];

/** The monthly standard median income (기준 중위소득) by household size, times `share`. */
export function medianIncome(share: number): Doc {
  const table = (values: number[]) => Object.fromEntries(values.map((m, i) => [String(i + 1), Math.round(m * share)]));
  const percent = Math.round(share * 100);
  return yearly(`기준 중위소득 ${percent}% (월, 가구원 수별)`, `${percent}% of the standard median income (monthly, by household size)`, table(MEDIAN_2025), table(MEDIAN_2026), 'household_size');
}

export const underMedian = (share: number): Doc =>
  when(
    `월 가구소득이 기준 중위소득 ${Math.round(share * 100)}% 이하`,
    `monthly household income at most ${Math.round(share * 100)}% of the standard median income`,
    x(monthlyHouseholdIncome, '<=', p('income_limit')),
  );

export interface MemberSpec {
  role?: string;
  birth_date: string;
  sex?: 'M' | 'F';
  earned_income?: number;
  business_income?: number;
  disability_severity?: 'mild' | 'severe';
  disability_category?: string;
}

export const head = (birth: string, earned = 0, extra: Partial<MemberSpec> = {}): MemberSpec => ({ role: 'head', birth_date: birth, earned_income: earned, ...extra });
export const spouse = (birth: string, earned = 0, extra: Partial<MemberSpec> = {}): MemberSpec => ({ role: 'spouse', sex: 'F', birth_date: birth, earned_income: earned, ...extra });
export const child = (birth: string, extra: Partial<MemberSpec> = {}): MemberSpec => ({ role: 'child', birth_date: birth, ...extra });
export const parent = (birth: string, earned = 0, extra: Partial<MemberSpec> = {}): MemberSpec => ({ role: 'parent', birth_date: birth, earned_income: earned, ...extra });

export function example(
  name: string,
  members: MemberSpec[],
  expect: { eligible: boolean; amount?: number },
  options: { date?: string; region?: string; person?: number } = {},
): Doc {
  return {
    name,
    date: options.date ?? D,
    household: { region: options.region ?? '11', members: members.map((m) => ({ role: 'head', ...m })) },
    ...(options.person !== undefined ? { person: options.person } : {}),
    expect,
  };
}

export interface RuleSpec {
  id: string;
  title: [string, string];
  description?: [string, string];
  agency: string;
  category: string;
  entity: 'person' | 'household';
  parameters?: Record<string, Doc>;
  conditions: Doc[];
  benefit?: { period: 'month' | 'year' | 'once'; amount: unknown };
  examples: Doc[];
}

export function rule(spec: RuleSpec): Doc {
  return {
    id: spec.id,
    version: 1,
    title: label(...spec.title),
    ...(spec.description ? { description: label(...spec.description) } : {}),
    agency: spec.agency,
    category: spec.category,
    entity: spec.entity,
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    conditions: spec.conditions,
    ...(spec.benefit ? { benefit: spec.benefit } : {}),
    examples: spec.examples,
  };
}
