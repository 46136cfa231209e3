// Compiles a checked rule into one JavaScript function over the population columns: a single
// pass over households that first folds the rule's household aggregations over the members, then
// decides each person (or the household). The generated source is made only of identifiers and
// numbers produced here from the checked AST (never text from the rule), then built with
// new Function once per rule; V8 turns the hot loop into machine code.
import type { PopulationColumns } from '../registry/columns';
import type { Aggregation, Condition, Expr, Rule } from './language';
import { resolveParameters, NUMERIC_TABLE_SIZE, type ResolvedParameter } from './parameters';
import { ageMonths, ageYears, dateNumber } from './variables';

/** Per-date values derived once from the columns and shared by every rule evaluated that day. */
export interface EvaluationFrame {
  date: number;
  age: Int32Array;
  ageMonths: Int32Array;
  householdIncome: Float64Array;
}

export interface RuleOutput {
  /** 1 where eligible; indexed by person (person rules) or household (household rules). */
  eligible: Uint8Array;
  /** The benefit amount where eligible, else 0. */
  amount: Float64Array;
}

export interface CompiledRule {
  rule: Rule;
  /** The generated function's source, for inspection and tests. */
  source: string;
  /** Evaluates everyone; `out` (sized for the rule's entity) is reused when given. */
  evaluate(columns: PopulationColumns, date: string, out?: RuleOutput): RuleOutput;
}

const frames = new WeakMap<PopulationColumns, EvaluationFrame>();

export function evaluationFrame(columns: PopulationColumns, date: number): EvaluationFrame {
  const cached = frames.get(columns);
  if (cached && cached.date === date) return cached;
  const n = columns.personCount;
  const age = new Int32Array(n);
  const months = new Int32Array(n);
  const householdIncome = new Float64Array(columns.householdCount);
  const { birthDate, earnedIncome, businessIncome, household } = columns;
  for (let i = 0; i < n; i++) {
    const b = birthDate[i]!;
    age[i] = ageYears(b, date);
    months[i] = ageMonths(b, date);
    householdIncome[household[i]!]! += earnedIncome[i]! + businessIncome[i]!;
  }
  const frame = { date, age, ageMonths: months, householdIncome };
  frames.set(columns, frame);
  return frame;
}

export function outputFor(rule: Rule, columns: PopulationColumns): RuleOutput {
  const size = rule.entity === 'person' ? columns.personCount : columns.householdCount;
  return { eligible: new Uint8Array(size), amount: new Float64Array(size) };
}

function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error('non-finite literal');
  return value < 0 || Object.is(value, -0) ? `(${value})` : String(value);
}

const PERSON_CODE: Record<string, (i: string) => string> = {
  age: (i) => `AGE[${i}]`,
  age_months: (i) => `AGEM[${i}]`,
  birth_date: (i) => `BIRTH[${i}]`,
  sex: (i) => `SEX[${i}]`,
  household_role: (i) => `ROLE[${i}]`,
  child_rank: (i) => `RANK[${i}]`,
  disability_registered: (i) => `(SEV[${i}] > 0 ? 1 : 0)`,
  disability_severity: (i) => `SEV[${i}]`,
  disability_category: (i) => `CAT[${i}]`,
  earned_income: (i) => `EARN[${i}]`,
  business_income: (i) => `BUS[${i}]`,
  income: (i) => `(EARN[${i}] + BUS[${i}])`,
};
const HOUSEHOLD_CODE: Record<string, string> = {
  region: 'REG[h]',
  district: 'DIST[h]',
  household_size: '(e - s)',
  household_income: 'HINC[h]',
};

class Generator {
  readonly aggregations: Aggregation[] = [];
  private readonly signatures: string[] = [];

  constructor(private readonly rule: Rule) {}

  /** `person`: the index variable of the current person, or null at household level. */
  variable(name: string, person: string | null): string {
    const household = HOUSEHOLD_CODE[name];
    if (household) return household;
    const code = PERSON_CODE[name];
    if (!code || !person) throw new Error(`variable ${name} is not available here`);
    return code(person);
  }

  expr(e: Expr, person: string | null): string {
    switch (e.kind) {
      case 'number':
        return literal(e.value);
      case 'variable':
        return this.variable(e.variable.name, person);
      case 'param': {
        const parameter = this.rule.parameters[e.index]!;
        if (!parameter.key) return `P${e.index}`;
        const key = this.variable(parameter.key.name, person);
        return parameter.key.type === 'enum' ? `P${e.index}[${key}]` : `(+P${e.index}[Math.min(${key}, ${NUMERIC_TABLE_SIZE - 1})])`;
      }
      case 'arith': {
        const args = e.args.map((a) => this.expr(a, person));
        if (e.op === 'min' || e.op === 'max') return `Math.${e.op}(${args.join(', ')})`;
        const symbol = { add: ' + ', sub: ' - ', mul: ' * ', div: ' / ' }[e.op];
        return `(${args.join(symbol)})`;
      }
      case 'if':
        return `(${this.condition(e.condition, person)} ? ${this.expr(e.then, person)} : ${this.expr(e.else, person)})`;
      case 'aggregate': {
        // The same aggregation written twice (in a condition and in the amount) is folded once.
        const signature = `${e.fn}|${e.roles?.join(',') ?? ''}|${e.where ? this.condition(e.where, 'j') : ''}|${e.of ? this.expr(e.of, 'j') : ''}`;
        let index = this.signatures.indexOf(signature);
        if (index < 0) {
          this.signatures.push(signature);
          index = this.aggregations.push(e) - 1;
        }
        return `A${index}`;
      }
    }
  }

  condition(c: Condition, person: string | null): string {
    switch (c.kind) {
      case 'all':
      case 'any':
        return `(${c.items.map((item) => this.condition(item, person)).join(c.kind === 'all' ? ' && ' : ' || ')})`;
      case 'not':
        return `!${this.condition(c.item, person)}`;
      case 'compare': {
        const op = c.op === '==' ? '===' : c.op === '!=' ? '!==' : c.op;
        return `(${this.expr(c.left, person)} ${op} ${this.expr(c.right, person)})`;
      }
      case 'member': {
        const left = this.expr(c.left, person);
        const test = `(${c.codes.map((code) => `${left} === ${literal(code)}`).join(' || ')})`;
        return c.negated ? `!${test}` : test;
      }
    }
  }

  aggregationLoop(): string {
    if (this.aggregations.length === 0) return '';
    const init = { count: '0', sum: '0', min: 'Infinity', max: '-Infinity' };
    const lines = this.aggregations.map((_, k) => `let A${k} = ${init[_.fn]};`);
    lines.push('for (let j = s; j < e; j++) {');
    this.aggregations.forEach((a, k) => {
      const tests: string[] = [];
      if (a.roles) tests.push(`(${a.roles.map((r) => `ROLE[j] === ${literal(r)}`).join(' || ')})`);
      if (a.where) tests.push(this.condition(a.where, 'j'));
      const of = a.of ? this.expr(a.of, 'j') : '1';
      const update = a.fn === 'count' ? `A${k}++;` : a.fn === 'sum' ? `A${k} += ${of};` : `A${k} = Math.${a.fn}(A${k}, ${of});`;
      lines.push(tests.length ? `  if (${tests.join(' && ')}) ${update}` : `  ${update}`);
    });
    lines.push('}');
    this.aggregations.forEach((a, k) => {
      if (a.fn === 'min') lines.push(`if (A${k} === Infinity) A${k} = NaN;`);
      if (a.fn === 'max') lines.push(`if (A${k} === -Infinity) A${k} = NaN;`);
    });
    return lines.join('\n    ');
  }
}

export function generateSource(rule: Rule): string {
  const g = new Generator(rule);
  const index = rule.entity === 'person' ? 'i' : 'h';
  const person = rule.entity === 'person' ? 'i' : null;
  const condition = rule.conditions.length ? rule.conditions.map((c) => g.condition(c, person)).join(' && ') : 'true';
  const amount = rule.benefit ? g.expr(rule.benefit.amount, person) : '0';
  const decide = `if (${condition}) { const v = ${amount}; EL[${index}] = 1; AM[${index}] = v === v ? v : 0; } else { EL[${index}] = 0; AM[${index}] = 0; }`;
  const loop = g.aggregationLoop();
  const params = rule.parameters.map((_, k) => `const P${k} = PARAMS[${k}];`).join('\n');
  return `"use strict";
const AGE = F.age, AGEM = F.ageMonths, HINC = F.householdIncome;
const START = C.memberStart, BIRTH = C.birthDate, SEX = C.sex, ROLE = C.role, RANK = C.childRank;
const SEV = C.disabilitySeverity, CAT = C.disabilityCategory, EARN = C.earnedIncome, BUS = C.businessIncome;
const REG = C.region, DIST = C.district;
const EL = OUT.eligible, AM = OUT.amount;
${params}
const H = C.householdCount;
for (let h = 0; h < H; h++) {
  const s = START[h], e = START[h + 1];
    ${loop}
  ${rule.entity === 'person' ? `for (let i = s; i < e; i++) {\n    ${decide}\n  }` : decide}
}
return OUT;`;
}

type Kernel = (C: PopulationColumns, F: EvaluationFrame, PARAMS: ResolvedParameter[], OUT: RuleOutput) => RuleOutput;

export function compileRule(rule: Rule): CompiledRule {
  const source = generateSource(rule);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source built from the checked AST only
  const kernel = new Function('C', 'F', 'PARAMS', 'OUT', source) as Kernel;
  const paramsByDate = new Map<number, ResolvedParameter[]>();
  return {
    rule,
    source,
    evaluate(columns, date, out) {
      const day = dateNumber(date);
      if (day === null) throw new Error(`expected YYYY-MM-DD, got ${date}`);
      let params = paramsByDate.get(day);
      if (!params) {
        params = resolveParameters(rule, day);
        if (paramsByDate.size > 16) paramsByDate.clear();
        paramsByDate.set(day, params);
      }
      const target = out ?? outputFor(rule, columns);
      const expected = rule.entity === 'person' ? columns.personCount : columns.householdCount;
      if (target.eligible.length < expected || target.amount.length < expected) throw new Error('output arrays too small for the population');
      return kernel(columns, evaluationFrame(columns, day), params, target);
    },
  };
}
