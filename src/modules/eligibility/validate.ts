// Validation on save: a rule is accepted only if it parses, type-checks and every one of its
// examples gives the expected answer, both compiled and interpreted.
import type { HouseholdInput } from '../registry/columns';
import { columnsFromHouseholds } from '../registry/columns';
import { compileRule, type CompiledRule } from './compiler';
import { formatNumber } from './format';
import { interpretRule, type Decision } from './interpreter';
import { parseRule, type Example, type Rule, type RuleProblem } from './language';
import { MissingParameterValueError } from './parameters';

export type ValidationResult = { ok: true; rule: Rule; compiled: CompiledRule } | { ok: false; problems: RuleProblem[] };

export function exampleHousehold(example: Example): HouseholdInput {
  return {
    householdId: 1,
    regionCode: example.household.regionCode,
    districtCode: example.household.districtCode,
    members: example.household.members.map((m, i) => ({
      residentId: i + 1,
      birthDate: m.birthDate,
      sex: m.sex,
      role: m.role as HouseholdInput['members'][number]['role'],
      disabilitySeverity: m.disabilitySeverity,
      disabilityCategory: m.disabilityCategory,
      earnedIncome: m.earnedIncome,
      businessIncome: m.businessIncome,
    })),
  };
}

function describe(decision: Decision, withAmount: boolean): string {
  const eligible = decision.eligible ? 'eligible' : 'not eligible';
  return withAmount ? `${eligible}, amount ${formatNumber(decision.amount)}` : eligible;
}

export function validateRule(source: string): ValidationResult {
  const parsed = parseRule(source);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const { rule, checker } = parsed;
  const compiled = compileRule(rule);
  for (const example of rule.examples) {
    const household = exampleHousehold(example);
    let interpreted: Decision;
    let fast: Decision;
    try {
      interpreted = interpretRule(rule, household, example.person, example.date);
      const columns = columnsFromHouseholds([household]);
      const out = compiled.evaluate(columns, example.date);
      const index = rule.entity === 'person' ? example.person : 0;
      fast = { eligible: out.eligible[index] === 1, amount: out.amount[index]! };
    } catch (error) {
      if (error instanceof MissingParameterValueError) {
        checker!.missingValue(example, error.parameter);
        continue;
      }
      throw error;
    }
    const withAmount = example.expect.amount !== null;
    const expected = { eligible: example.expect.eligible, amount: example.expect.amount ?? 0 };
    for (const actual of [interpreted, fast]) {
      if (actual.eligible !== expected.eligible) {
        checker!.exampleMismatch(example, 'eligible', describe(expected, false), describe(actual, false));
        break;
      }
      if (withAmount && Math.abs(actual.amount - expected.amount) > 0.005) {
        checker!.exampleMismatch(example, 'amount', describe(expected, true), describe(actual, true));
        break;
      }
    }
  }
  if (checker!.problems.length > 0) return { ok: false, problems: checker!.problems };
  return { ok: true, rule, compiled };
}
