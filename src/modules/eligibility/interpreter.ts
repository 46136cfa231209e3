// The naive interpreter: walks the rule's AST for one resident at a time over plain objects,
// recomputing ages from ISO dates and household totals from the member list at every use. It is
// the reference the compiler is checked against, the yardstick of the benchmark, and (being
// easy to trace) the source of explanations.
import type { HouseholdInput } from '../registry/columns';
import { formatNumber } from './format';
import type { Aggregation, Condition, Expr, Rule } from './language';
import { lookupTable, valueOn } from './parameters';
import { VARIABLES, ageMonths, ageYears, dateNumber, isoFromDateNumber, type VariableDefinition } from './variables';
import type { Message } from '../../core/i18n';

interface Context {
  rule: Rule;
  household: HouseholdInput;
  /** The member being evaluated, or null at household level. */
  person: number | null;
  date: number;
}

function birth(iso: string): number {
  return dateNumber(iso)!;
}

function personValue(name: string, ctx: Context): number {
  const m = ctx.household.members[ctx.person!]!;
  switch (name) {
    case 'age':
      return ageYears(birth(m.birthDate), ctx.date);
    case 'age_months':
      return ageMonths(birth(m.birthDate), ctx.date);
    case 'birth_date':
      return birth(m.birthDate);
    case 'sex':
      return VARIABLES.get('sex')!.values!.indexOf(m.sex);
    case 'household_role':
      return VARIABLES.get('household_role')!.values!.indexOf(m.role);
    case 'child_rank': {
      if (m.role !== 'child') return 0;
      let rank = 1;
      ctx.household.members.forEach((other, j) => {
        if (j === ctx.person || other.role !== 'child') return;
        const [a, b] = [birth(other.birthDate), birth(m.birthDate)];
        if (a < b || (a === b && j < ctx.person!)) rank++;
      });
      return Math.min(rank, 255);
    }
    case 'disability_registered':
      return m.disabilitySeverity ? 1 : 0;
    case 'disability_severity':
      return VARIABLES.get('disability_severity')!.values!.indexOf(m.disabilitySeverity ?? 'none');
    case 'disability_category':
      return m.disabilityCategory ? VARIABLES.get('disability_category')!.values!.indexOf(m.disabilityCategory) : 0;
    case 'earned_income':
      return m.earnedIncome ?? 0;
    case 'business_income':
      return m.businessIncome ?? 0;
    case 'income':
      return (m.earnedIncome ?? 0) + (m.businessIncome ?? 0);
  }
  throw new Error(`unknown person variable ${name}`);
}

function variableValue(variable: VariableDefinition, ctx: Context): number {
  const h = ctx.household;
  switch (variable.name) {
    case 'region':
      return variable.values!.indexOf(h.regionCode);
    case 'district':
      return variable.values!.indexOf(h.districtCode ?? '');
    case 'household_size':
      return h.members.length;
    case 'household_income':
      return h.members.reduce((sum, m) => sum + (m.earnedIncome ?? 0) + (m.businessIncome ?? 0), 0);
  }
  return personValue(variable.name, ctx);
}

function aggregate(a: Aggregation, ctx: Context): number {
  let acc = a.fn === 'min' ? Infinity : a.fn === 'max' ? -Infinity : 0;
  ctx.household.members.forEach((m, j) => {
    const member = { ...ctx, person: j };
    if (a.roles && !a.roles.includes(VARIABLES.get('household_role')!.values!.indexOf(m.role))) return;
    if (a.where && !holds(a.where, member)) return;
    const value = a.of ? evaluate(a.of, member) : 1;
    if (a.fn === 'count') acc += 1;
    else if (a.fn === 'sum') acc += value;
    else acc = Math[a.fn](acc, value);
  });
  return acc === Infinity || acc === -Infinity ? Number.NaN : acc;
}

function evaluate(e: Expr, ctx: Context): number {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'variable':
      return variableValue(e.variable, ctx);
    case 'param': {
      const parameter = ctx.rule.parameters[e.index]!;
      if (!parameter.key) return valueOn(ctx.rule, parameter, ctx.date) as number;
      const keyValue = variableValue(parameter.key, ctx);
      const key = parameter.key.type === 'enum' ? parameter.key.values![keyValue] ?? '' : keyValue;
      return lookupTable(ctx.rule, parameter, ctx.date, key);
    }
    case 'arith': {
      const args = e.args.map((a) => evaluate(a, ctx));
      switch (e.op) {
        case 'add':
          return args.reduce((a, b) => a + b);
        case 'sub':
          return args[0]! - args[1]!;
        case 'mul':
          return args.reduce((a, b) => a * b);
        case 'div':
          return args[0]! / args[1]!;
        case 'min':
          return Math.min(...args);
        case 'max':
          return Math.max(...args);
      }
      break;
    }
    case 'if':
      return holds(e.condition, ctx) ? evaluate(e.then, ctx) : evaluate(e.else, ctx);
    case 'aggregate':
      return aggregate(e, ctx);
  }
  throw new Error('unreachable');
}

function holds(c: Condition, ctx: Context): boolean {
  switch (c.kind) {
    case 'all':
      return c.items.every((item) => holds(item, ctx));
    case 'any':
      return c.items.some((item) => holds(item, ctx));
    case 'not':
      return !holds(c.item, ctx);
    case 'compare': {
      const [l, r] = [evaluate(c.left, ctx), evaluate(c.right, ctx)];
      switch (c.op) {
        case '<':
          return l < r;
        case '<=':
          return l <= r;
        case '>':
          return l > r;
        case '>=':
          return l >= r;
        case '==':
          return l === r;
        case '!=':
          return l !== r;
      }
      break;
    }
    case 'member': {
      const value = evaluate(c.left, ctx);
      return c.codes.includes(value) !== c.negated;
    }
  }
  throw new Error('unreachable');
}

export interface Decision {
  eligible: boolean;
  amount: number;
}

/**
 * Decides one case: a person rule for member `person` of the household, a household rule for the
 * household (person is ignored). Throws MissingParameterValueError when a parameter has no value
 * on the date.
 */
export function interpretRule(rule: Rule, household: HouseholdInput, person: number, date: string): Decision {
  const day = dateNumber(date);
  if (day === null) throw new Error(`expected YYYY-MM-DD, got ${date}`);
  const ctx: Context = { rule, household, person: rule.entity === 'person' ? person : null, date: day };
  const eligible = rule.conditions.every((c) => holds(c, ctx));
  if (!eligible) return { eligible, amount: 0 };
  const amount = rule.benefit ? evaluate(rule.benefit.amount, ctx) : 0;
  return { eligible, amount: Number.isNaN(amount) ? 0 : amount };
}

// ---------------------------------------------------------------------------------------------
// Explanations.

export interface ConditionExplanation {
  label: Message;
  passed: boolean;
  /** The resident's value and what it was compared with, as displayed; null for all/any/not. */
  actual: string | null;
  threshold: string | null;
  operator: string | null;
  text: Message;
}

export interface Explanation {
  ruleId: string;
  version: number;
  title: Message;
  date: string;
  eligible: boolean;
  amount: number;
  period: 'month' | 'year' | 'once' | null;
  conditions: ConditionExplanation[];
  summary: Message;
}

const SYMBOL: Record<string, [string, string]> = {
  '<': ['<', '≥'],
  '<=': ['≤', '>'],
  '>': ['>', '≤'],
  '>=': ['≥', '<'],
  '==': ['=', '≠'],
  '!=': ['≠', '='],
};

function display(value: number, type: VariableDefinition['type'] | 'number', variable: VariableDefinition | null): Message {
  if (Number.isNaN(value)) return { ko: '없음', en: 'none' };
  if (type === 'date') return { ko: isoFromDateNumber(value), en: isoFromDateNumber(value) };
  if (type === 'boolean') return value ? { ko: '예', en: 'yes' } : { ko: '아니요', en: 'no' };
  if (type === 'enum' && variable) {
    const text = variable.values![value] ?? '?';
    return { ko: text, en: text };
  }
  return { ko: formatNumber(value), en: formatNumber(value) };
}

function leftVariable(c: Condition): VariableDefinition | null {
  return (c.kind === 'compare' || c.kind === 'member') && c.left.kind === 'variable' ? c.left.variable : null;
}

function fill(label: string, actual: string | null, threshold: string | null): string {
  return label.replace('{value}', actual ?? '').replace('{threshold}', threshold ?? '');
}

function explainCondition(c: Condition, ctx: Context): ConditionExplanation {
  const passed = holds(c, ctx);
  const label = c.label ?? { ko: c.path, en: c.path };
  if (c.kind !== 'compare' && c.kind !== 'member') {
    return { label, passed, actual: null, threshold: null, operator: null, text: label };
  }
  const variable = leftVariable(c);
  const type = variable?.type ?? 'number';
  const actual = display(evaluate(c.left, ctx), type, variable);
  let threshold: Message;
  let operator: string;
  if (c.kind === 'compare') {
    threshold = display(evaluate(c.right, ctx), type, variable);
    operator = SYMBOL[c.op]![passed ? 0 : 1]!;
  } else {
    const shown = c.codes.map((code) => display(code, type, variable));
    threshold = { ko: shown.map((s) => s.ko).join(', '), en: shown.map((s) => s.en).join(', ') };
    operator = passed !== c.negated ? '∈' : '∉';
  }
  // "female (F ∈ {F})" says nothing the label does not: a met one-value test shows the label alone.
  const plain = c.kind === 'member' && c.codes.length === 1 && passed;
  const text = (locale: 'ko' | 'en') =>
    label[locale].includes('{value}') || label[locale].includes('{threshold}')
      ? fill(label[locale], actual[locale], threshold[locale])
      : plain
        ? label[locale]
        : `${label[locale]} (${actual[locale]} ${operator} ${c.kind === 'member' ? `{${threshold[locale]}}` : threshold[locale]})`;
  return { label, passed, actual: actual.en, threshold: threshold.en, operator, text: { ko: text('ko'), en: text('en') } };
}

/** Why the rule decides as it does for one member (person rules) or the household. */
export function explainDecision(rule: Rule, household: HouseholdInput, person: number, date: string): Explanation {
  const decision = interpretRule(rule, household, person, date);
  const ctx: Context = { rule, household, person: rule.entity === 'person' ? person : null, date: dateNumber(date)! };
  const conditions = rule.conditions.map((c) => explainCondition(c, ctx));
  const failed = conditions.filter((c) => !c.passed);
  const join = (locale: 'ko' | 'en', list: ConditionExplanation[]) => list.map((c) => c.text[locale]).join('; ');
  const summary: Message = decision.eligible
    ? { ko: `대상입니다. 충족한 조건: ${join('ko', conditions)}`, en: `eligible because: ${join('en', conditions)}` }
    : { ko: `대상이 아닙니다. 충족하지 못한 조건: ${join('ko', failed)}`, en: `not eligible because not met: ${join('en', failed)}` };
  return {
    ruleId: rule.id,
    version: rule.version,
    title: rule.title,
    date,
    eligible: decision.eligible,
    amount: decision.amount,
    period: rule.benefit?.period ?? null,
    conditions,
    summary,
  };
}
