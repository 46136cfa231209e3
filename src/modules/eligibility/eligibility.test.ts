import { describe, expect, it } from 'vitest';
import { columnsFromHouseholds, type HouseholdInput } from '../registry/columns';
import { generatePopulationAll } from '../registry/population/generator';
import {
  compileRule,
  compileSeedRules,
  explainDecision,
  interpretRule,
  seedRuleSources,
  sweep,
  validateRule,
  type RuleProblem,
} from './index';
import { exampleHousehold } from './validate';

const rules = compileSeedRules();
const byId = new Map(rules.map((r) => [r.rule.id, r]));

function problemsOf(source: string): RuleProblem[] {
  const result = validateRule(source);
  if (result.ok) throw new Error('expected the rule to be rejected');
  return result.problems;
}

describe('seed rule set', () => {
  it('publishes at least 100 rules, the shared ids among them', () => {
    expect(rules.length).toBeGreaterThanOrEqual(100);
    expect(new Set(rules.map((r) => r.rule.id)).size).toBe(rules.length);
    for (const id of ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant', 'basic-pension', 'disability-pension']) {
      expect(byId.has(id), id).toBe(true);
    }
    expect(byId.get('infant-vaccination')!.rule.agency).toBe('KDCA');
    expect(byId.get('basic-pension')!.rule.category).toBe('elderly');
  });

  it("passes every rule's own examples, compiled and interpreted", () => {
    let examples = 0;
    for (const { rule } of rules) {
      const compiled = compileRule(rule);
      for (const example of rule.examples) {
        const household = exampleHousehold(example);
        const slow = interpretRule(rule, household, example.person, example.date);
        const out = compiled.evaluate(columnsFromHouseholds([household]), example.date);
        const index = rule.entity === 'person' ? example.person : 0;
        const label = `${rule.id}: ${example.name}`;
        expect(slow.eligible, label).toBe(example.expect.eligible);
        expect(out.eligible[index] === 1, label).toBe(example.expect.eligible);
        if (example.expect.amount !== null) {
          expect(slow.amount, label).toBeCloseTo(example.expect.amount, 2);
          expect(out.amount[index], label).toBeCloseTo(example.expect.amount, 2);
        }
        examples++;
      }
    }
    expect(examples).toBeGreaterThanOrEqual(2 * rules.length);
  });

  it('gives different answers in 2025 and 2026 for the same household (dated thresholds)', () => {
    // A single person born in 1955 with 28 million KRW a year: 2,333,333 a month.
    const household: HouseholdInput = {
      householdId: 7,
      regionCode: '11',
      members: [{ residentId: 70, birthDate: '1955-01-01', sex: 'F', role: 'head', earnedIncome: 28_000_000 }],
    };
    const columns = columnsFromHouseholds([household]);
    const pension = byId.get('basic-pension')!;
    expect(pension.evaluate(columns, '2025-07-01').eligible[0]).toBe(0);
    const in2026 = pension.evaluate(columns, '2026-07-01');
    expect(in2026.eligible[0]).toBe(1);
    expect(in2026.amount[0]).toBe(349700);
    expect(interpretRule(pension.rule, household, 0, '2025-07-01').eligible).toBe(false);
    expect(interpretRule(pension.rule, household, 0, '2026-07-01').eligible).toBe(true);
  });
});

/** Every decision of every rule, compiled and interpreted, must agree; returns how many were eligible. */
function expectCompiledEqualsInterpreted(households: HouseholdInput[], dates: string[]): number {
  const columns = columnsFromHouseholds(households);
  let eligibleSeen = 0;
  for (const date of dates) {
    for (const compiled of rules) {
      const out = compiled.evaluate(columns, date);
      const { rule } = compiled;
      let person = 0;
      households.forEach((household, h) => {
        const targets = rule.entity === 'person' ? household.members.map((_, m) => [m, person + m] as const) : [[0, h] as const];
        for (const [member, slot] of targets) {
          const slow = interpretRule(rule, household, member, date);
          if ((out.eligible[slot] === 1) !== slow.eligible || Math.abs(out.amount[slot]! - slow.amount) > 1e-6) {
            throw new Error(`${rule.id} on ${date} differs for household ${household.householdId} member ${member}: compiled ${out.eligible[slot]}/${out.amount[slot]}, interpreted ${slow.eligible}/${slow.amount}`);
          }
          if (slow.eligible) eligibleSeen++;
        }
        person += household.members.length;
      });
    }
  }
  return eligibleSeen;
}

/** A small seeded generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compiled evaluation', () => {
  it('agrees with the naive interpreter on random households, edge cases included', () => {
    const next = random(20261122);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const regions = ['11', '26', '27', '28', '29', '30', '31', '36', '41', '43', '44', '46', '47', '48', '50', '51', '52'];
    const roles = ['head', 'spouse', 'child', 'parent', 'other'] as const;
    const day = (from: number, to: number) => {
      const t = from + next() * (to - from);
      return new Date(t).toISOString().slice(0, 10);
    };
    const households: HouseholdInput[] = Array.from({ length: 1500 }, (_, h) => ({
      householdId: h + 1,
      regionCode: pick(regions),
      members: Array.from({ length: 1 + Math.floor(next() * 6) }, (_, m) => {
        const disabled = next() < 0.15;
        return {
          residentId: (h + 1) * 10 + m,
          // Births cluster around the evaluation dates too, so month and year boundaries are hit.
          birthDate: next() < 0.3 ? day(Date.UTC(2024, 0, 1), Date.UTC(2026, 10, 22)) : day(Date.UTC(1920, 0, 1), Date.UTC(2026, 10, 22)),
          sex: next() < 0.5 ? 'M' : 'F',
          role: m === 0 ? 'head' : pick(roles),
          disabilitySeverity: disabled ? (next() < 0.4 ? 'severe' : 'mild') : null,
          disabilityCategory: disabled ? pick(['physical', 'visual', 'intellectual', 'autism', 'brain_lesion', 'hearing']) : null,
          earnedIncome: next() < 0.4 ? 0 : Math.round(next() * 90_000_000),
          businessIncome: next() < 0.85 ? 0 : Math.round(next() * 40_000_000),
        } as HouseholdInput['members'][number];
      }),
    }));
    expect(expectCompiledEqualsInterpreted(households, ['2025-01-01', '2025-12-31', '2026-03-01'])).toBeGreaterThan(1000);
  });

  it('agrees with the naive interpreter on every resident of a synthetic population', () => {
    const population = generatePopulationAll({ seed: 4242, residents: 3_000 });
    const latestIncome = new Map<number, { earned: number; business: number; year: number }>();
    for (const income of population.incomes) {
      const known = latestIncome.get(income.residentId);
      if (!known || known.year < income.taxYear) latestIncome.set(income.residentId, { earned: income.earnedIncomeKrw, business: income.businessIncomeKrw, year: income.taxYear });
    }
    const disability = new Map(population.disabilities.map((d) => [d.residentId, d]));
    const households: HouseholdInput[] = population.households.map((h) => ({ householdId: h.id, regionCode: h.regionCode, districtCode: h.districtCode, members: [] }));
    const index = new Map(households.map((h, i) => [h.householdId, i]));
    for (const r of population.residents) {
      if (r.deceasedOn) continue;
      households[index.get(r.householdId)!]!.members.push({
        residentId: r.id,
        birthDate: r.birthDate,
        sex: r.sex,
        role: r.householdRole,
        disabilitySeverity: disability.get(r.id)?.severity ?? null,
        disabilityCategory: disability.get(r.id)?.category ?? null,
        earnedIncome: latestIncome.get(r.id)?.earned ?? 0,
        businessIncome: latestIncome.get(r.id)?.business ?? 0,
      });
    }
    // The population is varied enough that the comparison covers both outcomes.
    expect(expectCompiledEqualsInterpreted(households, ['2025-06-15', '2026-11-22'])).toBeGreaterThan(1000);
  });

  it('skips, in a sweep, the rules whose parameters have no value yet on the date', () => {
    const household: HouseholdInput = { householdId: 1, regionCode: '11', members: [{ residentId: 1, birthDate: '1950-01-01', sex: 'M', role: 'head' }] };
    const decided: string[] = [];
    const skipped: string[] = [];
    sweep(rules, columnsFromHouseholds([household]), '2024-06-01', (r) => decided.push(r.rule.id), (r, error) => skipped.push(`${r.rule.id}:${error.parameter.name}`));
    expect(decided.length + skipped.length).toBe(rules.length);
    expect(skipped).toContain('basic-pension:min_age');
    // Rules without dated parameters still decide.
    expect(decided).toContain('high-school-free-education');
    expect(decided.every((id) => byId.get(id)!.rule.parameters.length === 0)).toBe(true);
  });

  it('builds its code from the checked rule only, never from the rule text', () => {
    const source = seedRuleSources().find((s) => s.id === 'child-allowance')!.source.replace('child under 8 ({value} children)', '"); globalThis.pwned = 1; ("');
    const result = validateRule(source);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compiled.source).not.toContain('pwned');
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe('explanations', () => {
  it('names each condition with the actual value and the threshold, in Korean and English', () => {
    const household: HouseholdInput = {
      householdId: 1,
      regionCode: '41',
      members: [
        { residentId: 1, birthDate: '1988-04-02', sex: 'M', role: 'head', earnedIncome: 37_200_000 },
        { residentId: 2, birthDate: '1990-07-15', sex: 'F', role: 'spouse' },
        { residentId: 3, birthDate: '2021-05-01', sex: 'F', role: 'child' },
        { residentId: 4, birthDate: '2024-09-10', sex: 'M', role: 'child' },
      ],
    };
    const allowance = explainDecision(byId.get('child-allowance')!.rule, household, 0, '2026-03-01');
    expect(allowance.eligible).toBe(true);
    expect(allowance.amount).toBe(200000);
    expect(allowance.summary.en).toBe('eligible because: child under 8 (2 children)');
    expect(allowance.summary.ko).toContain('8세 미만 아동 (2명)');

    const single: HouseholdInput = { householdId: 2, regionCode: '11', members: [{ residentId: 9, birthDate: '1955-01-01', sex: 'F', role: 'head', earnedIncome: 30_000_000 }] };
    const pension = explainDecision(byId.get('basic-pension')!.rule, single, 0, '2026-03-01');
    expect(pension.eligible).toBe(false);
    const income = pension.conditions[1]!;
    expect(income.passed).toBe(false);
    expect(income.actual).toBe('2,500,000');
    expect(income.threshold).toBe('2,470,000');
    expect(pension.summary.en).toBe('not eligible because not met: monthly household income 2,500,000 ≤ threshold 2,470,000');
    expect(pension.conditions[0]!.text.en).toBe('aged 65 or over (71 ≥ 65)');
  });
});

describe('validation on save', () => {
  const base = seedRuleSources().find((s) => s.id === 'child-allowance')!.source;

  it('rejects malformed YAML with its line and column', () => {
    const problems = problemsOf('id: broken\ntitle: { ko: 깨짐, en: broken\nversion: 1\n');
    // The parser notices the unclosed flow map where the next key starts.
    expect(problems[0]).toMatchObject({ line: 3, column: 1 });
    expect(problems[0]!.message.en).toMatch(/^YAML syntax error/);
  });

  it('names an unknown variable with its path, line and column', () => {
    const source = base.replace('variable: age_months', 'variable: age_in_months');
    const problems = problemsOf(source);
    const lines = source.split('\n');
    const line = lines.findIndex((l) => l.includes('age_in_months')) + 1;
    expect(problems).toContainEqual(
      expect.objectContaining({ path: '/conditions/0/expr/count/where/variable', line, column: lines[line - 1]!.indexOf('age_in_months') + 1 }),
    );
    expect(problems[0]!.message.en).toContain('unknown variable age_in_months');
    expect(problems[0]!.message.ko).toContain('알 수 없는 변수');
  });

  it('rejects a value of the wrong type for the variable', () => {
    const rule = (condition: string) => `id: t\nversion: 1\ntitle: { ko: 시험, en: test }\nagency: MOHW\ncategory: general\nentity: person\nconditions:\n  - label: { ko: 조건, en: condition }\n${condition}\nexamples:\n  - { name: x, date: 2026-01-01, household: { region: '11', members: [{ role: head, birth_date: 1990-01-01 }] }, expect: { eligible: true } }\n`;
    expect(problemsOf(rule("    variable: sex\n    op: '=='\n    value: X"))[0]).toMatchObject({ path: '/conditions/0/value', line: 11 });
    expect(problemsOf(rule("    variable: sex\n    op: '<'\n    value: F"))[0]).toMatchObject({ path: '/conditions/0/op', line: 10 });
    expect(problemsOf(rule("    variable: age\n    op: '>='\n    value: eighteen"))[0]).toMatchObject({ path: '/conditions/0/value' });
    expect(problemsOf(rule("    variable: region\n    op: in\n    value: ['11', '99']"))[0]).toMatchObject({ path: '/conditions/0/value/1', line: 11 });
  });

  it('rejects an unknown parameter and a household rule reading a person variable directly', () => {
    expect(problemsOf(base.replace('param: amount_per_child', 'param: amount_per_kid'))[0]).toMatchObject({ path: '/benefit/amount/mul/0/param' });
    const direct = base.replace("op: \">=\"\n    value: 1", "op: \">=\"\n    value: 1\n  - label: { ko: 나이, en: age }\n    variable: age\n    op: '<'\n    value: 8");
    expect(problemsOf(direct)).toContainEqual(expect.objectContaining({ path: '/conditions/1/variable' }));
    expect(problemsOf(direct)[0]!.message.en).toContain('person variable age can only be used inside an aggregation');
  });

  it('rejects an example dated before any value of a parameter', () => {
    const problems = problemsOf(base.replace('date: 2026-03-01', 'date: 2024-06-01'));
    expect(problems).toContainEqual(expect.objectContaining({ path: '/examples/0/date' }));
    expect(problems.find((p) => p.path === '/examples/0/date')!.message.en).toContain('has no value on 2024-06-01');
  });

  it('rejects a rule whose example expects the wrong answer, pointing at the expectation', () => {
    const source = base.replace('amount: 200000', 'amount: 300000');
    const problems = problemsOf(source);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('/examples/0/expect/amount');
    expect(problems[0]!.line).toBe(source.split('\n').findIndex((l) => l.includes('amount: 300000')) + 1);
    expect(problems[0]!.message.en).toContain('the rule gives eligible, amount 200,000');
  });

  it('rejects unknown fields, missing fields and unordered effective dates', () => {
    expect(problemsOf(base.replace('entity: household', 'entity: household\ncolour: blue'))).toContainEqual(expect.objectContaining({ path: '/colour' }));
    expect(problemsOf(base.replace(/^agency: MOHW\n/m, ''))).toContainEqual(expect.objectContaining({ path: '/agency' }));
    const unordered = base.replace('      - from: 2025-01-01\n        value: 96', '      - from: 2025-01-01\n        value: 96\n      - from: 2024-01-01\n        value: 90');
    expect(problemsOf(unordered)).toContainEqual(expect.objectContaining({ path: '/parameters/max_age_months/values/1/from' }));
  });
});
