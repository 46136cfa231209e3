// The rule language: a rule is one YAML document, checked here into a typed AST (or a list of
// problems, each with the line, column and JSON-pointer path of the offending field). Nothing of
// a rule is used unless the whole document is valid.
//
//   id: child-allowance                  # lowercase words joined by '-'
//   version: 3
//   title: { ko: 아동수당, en: Child allowance }
//   agency: MOHW
//   category: child                      # a notification category
//   entity: household                    # decided per person or per household
//   parameters:
//     max_age_months:
//       values:
//         - { from: 2025-01-01, value: 96 }
//     amount_per_child:
//       values:
//         - { from: 2025-01-01, value: 100000 }
//     grant:                             # a table keyed by a variable (enum: exact key or default;
//       key: region                      #   number: the largest key ≤ the value)
//       values:
//         - from: 2025-01-01
//           value: { '11': 2000000, default: 1000000 }
//   conditions:                          # all must hold; each top-level one carries a label
//     - label: { ko: 8세 미만 아동, en: child under 8 }
//       expr: { count: { role: child, where: { variable: age_months, op: '<', value: { param: max_age_months } } } }
//       op: '>='
//       value: 1
//     - label: { ko: …, en: … }
//       any:                             # all / any / not nest freely
//         - { variable: region, op: in, value: ['11', '41'] }
//         - { variable: household_income, op: '<=', value: { mul: [{ param: threshold }, 1.2] } }
//   benefit:
//     period: month                      # month | year | once
//     amount: { mul: [{ param: amount_per_child }, { count: { where: { variable: age_months, op: '<', value: 96 } } }] }
//   examples:                            # run on every save; a failing example rejects the rule
//     - name: two young children
//       date: 2026-03-01
//       household:
//         region: '11'
//         members:
//           - { role: head, birth_date: 1990-01-01, earned_income: 42000000 }
//           - { role: child, birth_date: 2021-05-01 }
//       person: 0                        # person rules: which member is evaluated (default 0)
//       expect: { eligible: true, amount: 200000 }
//
// Formulas (numbers): a number, { param }, { variable } (number, date or 0/1 boolean),
// { add | sub | mul | div | min | max: [f, …] }, { if: condition, then: f, else: f },
// { count: { role?, where? } }, { sum | min | max _of: … } written { sum: { of: f, role?, where? } }.
// Comparisons: { variable | expr, op, value } with op one of < <= > >= == != in not_in; enum
// and boolean variables compare with ==, !=, in, not_in against their own values.
import { LineCounter, parseDocument, type Document } from 'yaml';
import { defineMessages, t, type Message } from '../../core/i18n';
import { HOUSEHOLD_ROLES } from '../registry/columns';
import {
  NOTIFICATION_CATEGORIES,
  VARIABLES,
  dateNumber,
  type Entity,
  type NotificationCategory,
  type VariableDefinition,
} from './variables';

// ---------------------------------------------------------------------------------------------
// The AST. After checking, every value is a number: enums are codes, booleans 0/1, dates yyyymmdd.

export type Scope = 'person' | 'household' | 'member';

export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'variable'; variable: VariableDefinition }
  | { kind: 'param'; index: number; name: string }
  | { kind: 'arith'; op: 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max'; args: Expr[] }
  | { kind: 'if'; condition: Condition; then: Expr; else: Expr }
  | Aggregation;

export interface Aggregation {
  kind: 'aggregate';
  fn: 'count' | 'sum' | 'min' | 'max';
  /** Role codes the members must have; null for every member. */
  roles: number[] | null;
  where: Condition | null;
  of: Expr | null;
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Condition = (
  | { kind: 'all' | 'any'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; left: Expr; op: CompareOp; right: Expr }
  | { kind: 'member'; left: Expr; negated: boolean; codes: number[] }
) & { label: Message | null; path: string };

export interface ParameterValue {
  from: number;
  fromIso: string;
  /** A number, or a table: keys are enum values or integers as strings. */
  value: number | { entries: Map<string, number>; fallback: number | null };
}

export interface Parameter {
  name: string;
  index: number;
  label: Message | null;
  key: VariableDefinition | null;
  values: ParameterValue[];
}

export interface ExampleMember {
  role: string;
  birthDate: string;
  sex: 'M' | 'F';
  earnedIncome: number;
  businessIncome: number;
  disabilitySeverity: 'mild' | 'severe' | null;
  disabilityCategory: string | null;
}

export interface Example {
  name: string;
  date: string;
  household: { regionCode: string; districtCode: string | null; members: ExampleMember[] };
  person: number;
  expect: { eligible: boolean; amount: number | null };
  path: string;
}

export interface Rule {
  id: string;
  version: number;
  title: Message;
  description: Message | null;
  agency: string;
  category: NotificationCategory;
  entity: Entity;
  parameters: Parameter[];
  conditions: Condition[];
  benefit: { amount: Expr; period: 'month' | 'year' | 'once' } | null;
  examples: Example[];
  source: string;
}

export interface RuleProblem {
  /** JSON Pointer into the rule document, e.g. /conditions/1/value. */
  path: string;
  line: number;
  column: number;
  message: Message;
}

export type ParseResult = { ok: true; rule: Rule } | { ok: false; problems: RuleProblem[] };

// ---------------------------------------------------------------------------------------------

const messages = defineMessages({
  yaml: { ko: 'YAML 문법 오류: {detail}', en: 'YAML syntax error: {detail}' },
  notMap: { ko: '키-값 묶음(맵)이어야 합니다', en: 'must be a mapping of keys to values' },
  notList: { ko: '목록이어야 합니다', en: 'must be a list' },
  required: { ko: '필수 항목 {field}이(가) 없습니다', en: 'the field {field} is required' },
  unknownField: { ko: '알 수 없는 항목 {field}', en: 'unknown field {field}' },
  idFormat: { ko: '소문자 영어 단어를 -로 이은 형식이어야 합니다 (예: child-allowance)', en: 'must be lowercase words joined by - (e.g. child-allowance)' },
  positiveInteger: { ko: '1 이상의 정수여야 합니다', en: 'must be a whole number of at least 1' },
  nonNegativeInteger: { ko: '0 이상의 정수여야 합니다', en: 'must be a whole number of at least 0' },
  text: { ko: '비어 있지 않은 문자열이어야 합니다', en: 'must be non-empty text' },
  bilingual: { ko: '한국어(ko)와 영어(en) 문구가 모두 있어야 합니다', en: 'must have both a Korean (ko) and an English (en) text' },
  oneOf: { ko: '다음 중 하나여야 합니다: {values}', en: 'must be one of: {values}' },
  number: { ko: '유한한 숫자여야 합니다', en: 'must be a finite number' },
  boolean: { ko: 'true 또는 false여야 합니다', en: 'must be true or false' },
  date: { ko: 'YYYY-MM-DD 형식의 실제 날짜여야 합니다', en: 'must be a real date written YYYY-MM-DD' },
  unknownVariable: { ko: '알 수 없는 변수 {name} (사용 가능: {known})', en: 'unknown variable {name} (known: {known})' },
  unknownParameter: { ko: '정의되지 않은 매개변수 {name}', en: 'unknown parameter {name} (not declared under parameters)' },
  personInHousehold: {
    ko: '가구 단위 규칙에서는 개인 변수 {name}을(를) 집계(count/sum/min/max) 안에서만 쓸 수 있습니다',
    en: 'person variable {name} can only be used inside an aggregation (count/sum/min/max) in a household rule',
  },
  nestedAggregate: { ko: '집계 안에 다시 집계를 쓸 수 없습니다', en: 'an aggregation cannot contain another aggregation' },
  notNumeric: { ko: '{name}은(는) {type} 형식이라 계산식에 쓸 수 없습니다', en: '{name} is of type {type} and cannot be used in a formula' },
  formulaShape: {
    ko: '계산식은 숫자, param, variable, add/sub/mul/div/min/max, if, count/sum 중 하나여야 합니다',
    en: 'a formula must be a number or one of param, variable, add, sub, mul, div, min, max, if, count, sum',
  },
  conditionShape: {
    ko: '조건은 all, any, not 또는 비교(variable 또는 expr, op, value)여야 합니다',
    en: 'a condition must be all, any, not or a comparison (variable or expr, op, value)',
  },
  argumentCount: { ko: '{op}에는 {count}개의 인수가 필요합니다', en: '{op} takes {count} arguments' },
  emptyList: { ko: '비어 있으면 안 됩니다', en: 'must not be empty' },
  opForType: { ko: '{type} 형식의 변수에는 연산자 {ops}만 쓸 수 있습니다', en: 'a variable of type {type} only allows the operators {ops}' },
  enumValue: { ko: '{name}의 값이 아닙니다: {value} (가능한 값: {values})', en: '{value} is not a value of {name} (allowed: {values})' },
  listForIn: { ko: 'in/not_in의 값은 목록이어야 합니다', en: 'the value of in/not_in must be a list' },
  labelRequired: { ko: '최상위 조건마다 설명 문구(label)가 필요합니다', en: 'every top-level condition needs a label (its explanation)' },
  valuesOrder: { ko: '적용일(from)은 오름차순이고 겹치지 않아야 합니다', en: 'effective dates (from) must be in increasing order without repeats' },
  tableKey: { ko: '표 매개변수의 key는 enum 변수 또는 age, age_months, household_size, child_rank여야 합니다', en: 'a table parameter is keyed by an enum variable or by age, age_months, household_size or child_rank' },
  tableValue: { ko: 'key가 있는 매개변수의 값은 표(맵)여야 합니다', en: 'a parameter with a key takes a table (mapping) as its value' },
  scalarValue: { ko: 'key가 없는 매개변수의 값은 숫자여야 합니다', en: 'a parameter without a key takes a number as its value' },
  tableEntryKey: { ko: '표의 키 {key}는 {name}의 값이 아닙니다', en: 'table key {key} is not a value of {name}' },
  noValueOnDate: {
    ko: '매개변수 {name}에 {date} 기준 값이 없습니다 (가장 이른 적용일 {first})',
    en: 'parameter {name} has no value on {date} (its earliest value applies from {first})',
  },
  memberIndex: { ko: '가구원 목록 안의 번호여야 합니다 (0부터 {max})', en: 'must be a member index from 0 to {max}' },
  exampleMismatch: {
    ko: '예시가 맞지 않습니다: 기대값 {expected}, 규칙 결과 {actual}',
    en: 'the example fails: expected {expected}, the rule gives {actual}',
  },
  examplesRequired: { ko: '예시(examples)가 하나 이상 필요합니다', en: 'at least one example is required' },
  amountWithoutBenefit: { ko: '급여액(benefit)이 없는 규칙의 예시에는 amount를 쓸 수 없습니다', en: 'the rule has no benefit, so an example cannot expect an amount' },
});

export const RULE_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const NUMERIC_KEYS = new Set(['age', 'age_months', 'household_size', 'child_rank']);
const COMPARE_OPS: readonly CompareOp[] = ['<', '<=', '>', '>=', '==', '!='];
const ALL_OPS = [...COMPARE_OPS, 'in', 'not_in'];
const ARITH = ['add', 'sub', 'mul', 'div', 'min', 'max'] as const;
const AGGREGATES = ['count', 'sum', 'min', 'max'] as const;

type Path = ReadonlyArray<string | number>;

function pointer(path: Path): string {
  return path.length === 0 ? '' : `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly problems: RuleProblem[] = [];
  parameters = new Map<string, Parameter>();
  entity: Entity = 'person';

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  fail(path: Path, message: Message, params: Record<string, string | number> = {}): null {
    // The position of the deepest node that exists on the path (a missing field: its parent).
    let line = 1;
    let column = 1;
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        line = pos.line;
        column = pos.col;
        break;
      }
    }
    this.problems.push({ path: pointer(path), line, column, message: { ko: t('ko', message, params), en: t('en', message, params) } });
    return null;
  }

  map(value: unknown, path: Path, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> | null {
    if (!isMap(value)) return this.fail(path, messages.notMap);
    let ok = true;
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.fail([...path, key], messages.unknownField, { field: key });
        ok = false;
      }
    }
    for (const key of required) {
      if (value[key] === undefined || value[key] === null) {
        this.fail([...path, key], messages.required, { field: key });
        ok = false;
      }
    }
    return ok ? value : null;
  }

  list(value: unknown, path: Path, nonEmpty = true): unknown[] | null {
    if (!Array.isArray(value)) return this.fail(path, messages.notList);
    if (nonEmpty && value.length === 0) return this.fail(path, messages.emptyList);
    return value;
  }

  text(value: unknown, path: Path): string | null {
    return typeof value === 'string' && value.trim() !== '' ? value : this.fail(path, messages.text);
  }

  bilingual(value: unknown, path: Path): Message | null {
    if (!isMap(value) || typeof value.ko !== 'string' || typeof value.en !== 'string' || !value.ko.trim() || !value.en.trim()) {
      return this.fail(path, messages.bilingual);
    }
    const extra = Object.keys(value).find((k) => k !== 'ko' && k !== 'en');
    if (extra) return this.fail([...path, extra], messages.unknownField, { field: extra });
    return { ko: value.ko, en: value.en };
  }

  number(value: unknown, path: Path): number | null {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(path, messages.number);
  }

  date(value: unknown, path: Path): { iso: string; number: number } | null {
    const n = typeof value === 'string' ? dateNumber(value) : null;
    return n === null ? this.fail(path, messages.date) : { iso: value as string, number: n };
  }

  oneOf<T extends string>(value: unknown, path: Path, values: readonly T[]): T | null {
    return typeof value === 'string' && (values as readonly string[]).includes(value)
      ? (value as T)
      : this.fail(path, messages.oneOf, { values: values.join(', ') });
  }

  variable(value: unknown, path: Path, scope: Scope): VariableDefinition | null {
    const variable = typeof value === 'string' ? VARIABLES.get(value) : undefined;
    if (!variable) return this.fail(path, messages.unknownVariable, { name: String(value), known: [...VARIABLES.keys()].join(', ') });
    if (variable.entity === 'person' && scope === 'household') return this.fail(path, messages.personInHousehold, { name: variable.name });
    return variable;
  }

  // -------------------------------------------------------------------------------------------

  formula(value: unknown, path: Path, scope: Scope): Expr | null {
    if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : this.fail(path, messages.number);
    if (!isMap(value) || Object.keys(value).length === 0) return this.fail(path, messages.formulaShape);
    const keys = Object.keys(value);
    const head = keys[0]!;
    if (head === 'param') {
      if (!this.map(value, path, ['param'])) return null;
      return this.param(value.param, [...path, 'param'], scope);
    }
    if (head === 'variable') {
      if (!this.map(value, path, ['variable'])) return null;
      const variable = this.variable(value.variable, [...path, 'variable'], scope);
      if (!variable) return null;
      if (variable.type === 'enum') return this.fail([...path, 'variable'], messages.notNumeric, { name: variable.name, type: variable.type });
      return { kind: 'variable', variable };
    }
    if ((ARITH as readonly string[]).includes(head) && !(head === 'min' || head === 'max') || ((head === 'min' || head === 'max') && Array.isArray(value[head]))) {
      if (!this.map(value, path, [head])) return null;
      const args = this.list(value[head], [...path, head]);
      if (!args) return null;
      const op = head as (typeof ARITH)[number];
      if ((op === 'sub' || op === 'div') && args.length !== 2) return this.fail([...path, head], messages.argumentCount, { op, count: 2 });
      const parsed = args.map((arg, i) => this.formula(arg, [...path, head, i], scope));
      return parsed.every((e): e is Expr => e !== null) ? { kind: 'arith', op, args: parsed } : null;
    }
    if (head === 'if') {
      const shape = this.map(value, path, ['if', 'then', 'else'], ['if', 'then', 'else']);
      if (!shape) return null;
      const condition = this.condition(shape.if, [...path, 'if'], scope, false);
      const then = this.formula(shape.then, [...path, 'then'], scope);
      const otherwise = this.formula(shape.else, [...path, 'else'], scope);
      return condition && then && otherwise ? { kind: 'if', condition, then, else: otherwise } : null;
    }
    if ((AGGREGATES as readonly string[]).includes(head)) {
      if (!this.map(value, path, [head])) return null;
      return this.aggregate(head as Aggregation['fn'], value[head], [...path, head], scope);
    }
    return this.fail(path, messages.formulaShape);
  }

  param(value: unknown, path: Path, scope: Scope): Expr | null {
    const parameter = typeof value === 'string' ? this.parameters.get(value) : undefined;
    if (!parameter) return this.fail(path, messages.unknownParameter, { name: String(value) });
    if (parameter.key?.entity === 'person' && scope === 'household') {
      return this.fail(path, messages.personInHousehold, { name: parameter.key.name });
    }
    return { kind: 'param', index: parameter.index, name: parameter.name };
  }

  aggregate(fn: Aggregation['fn'], value: unknown, path: Path, scope: Scope): Expr | null {
    if (scope === 'member') return this.fail(path, messages.nestedAggregate);
    const allowed = fn === 'count' ? ['role', 'where'] : ['role', 'where', 'of'];
    const shape = this.map(value ?? {}, path, allowed, fn === 'count' ? [] : ['of']);
    if (!shape) return null;
    let roles: number[] | null = null;
    if (shape.role !== undefined) {
      const list = Array.isArray(shape.role) ? shape.role : [shape.role];
      const codes = list.map((r, i) => {
        const role = this.oneOf(r, Array.isArray(shape.role) ? [...path, 'role', i] : [...path, 'role'], HOUSEHOLD_ROLES);
        return role === null ? null : HOUSEHOLD_ROLES.indexOf(role);
      });
      if (codes.some((c) => c === null)) return null;
      roles = codes as number[];
    }
    const where = shape.where === undefined ? null : this.condition(shape.where, [...path, 'where'], 'member', false);
    if (shape.where !== undefined && !where) return null;
    const of = shape.of === undefined ? null : this.formula(shape.of, [...path, 'of'], 'member');
    if (shape.of !== undefined && !of) return null;
    return { kind: 'aggregate', fn, roles, where, of };
  }

  condition(value: unknown, path: Path, scope: Scope, topLevel: boolean): Condition | null {
    if (!isMap(value)) return this.fail(path, messages.conditionShape);
    const label = value.label === undefined ? null : this.bilingual(value.label, [...path, 'label']);
    if (value.label !== undefined && !label) return null;
    if (topLevel && !label) return this.fail([...path, 'label'], messages.labelRequired);
    const at = pointer(path);
    for (const kind of ['all', 'any'] as const) {
      if (value[kind] === undefined) continue;
      if (!this.map(value, path, [kind, 'label'])) return null;
      const items = this.list(value[kind], [...path, kind]);
      if (!items) return null;
      const parsed = items.map((item, i) => this.condition(item, [...path, kind, i], scope, false));
      return parsed.every((c): c is Condition => c !== null) ? { kind, items: parsed, label, path: at } : null;
    }
    if (value.not !== undefined) {
      if (!this.map(value, path, ['not', 'label'])) return null;
      const item = this.condition(value.not, [...path, 'not'], scope, false);
      return item ? { kind: 'not', item, label, path: at } : null;
    }
    if (value.variable === undefined && value.expr === undefined) return this.fail(path, messages.conditionShape);
    const leftKey = value.variable !== undefined ? 'variable' : 'expr';
    const shape = this.map(value, path, [leftKey, 'op', 'value', 'label'], ['op', 'value']);
    if (!shape) return null;
    const op = this.oneOf(shape.op, [...path, 'op'], ALL_OPS);
    let type: VariableDefinition['type'] = 'number';
    let variable: VariableDefinition | null = null;
    let left: Expr | null;
    if (leftKey === 'variable') {
      variable = this.variable(shape.variable, [...path, 'variable'], scope);
      if (!variable) return null;
      type = variable.type;
      left = { kind: 'variable', variable };
    } else {
      left = this.formula(shape.expr, [...path, 'expr'], scope);
    }
    if (!left || !op) return null;
    const valuePath = [...path, 'value'];
    if (type === 'enum' || type === 'boolean') {
      const ops = ['==', '!=', 'in', 'not_in'];
      if (!ops.includes(op)) return this.fail([...path, 'op'], messages.opForType, { type, ops: ops.join(', ') });
      const list = op === 'in' || op === 'not_in' ? this.list(shape.value, valuePath) : [shape.value];
      if (!list) return null;
      const codes: number[] = [];
      list.forEach((item, i) => {
        const itemPath = op === 'in' || op === 'not_in' ? [...valuePath, i] : valuePath;
        if (type === 'boolean') {
          if (typeof item !== 'boolean') return this.fail(itemPath, messages.boolean);
          codes.push(item ? 1 : 0);
          return;
        }
        const values = variable!.values!;
        const text = typeof item === 'number' ? String(item) : item;
        const code = typeof text === 'string' ? values.indexOf(text) : -1;
        if (code < 0) {
          this.fail(itemPath, messages.enumValue, { name: variable!.name, value: String(item), values: values.length > 20 ? `${values.slice(0, 20).join(', ')}, …` : values.join(', ') });
        } else codes.push(code);
      });
      if (codes.length !== list.length) return null;
      return { kind: 'member', left, negated: op === '!=' || op === 'not_in', codes, label, path: at };
    }
    if (op === 'in' || op === 'not_in') {
      const list = this.list(shape.value, valuePath);
      if (!list) return null;
      const codes = list.map((item, i) => (type === 'date' ? this.date(item, [...valuePath, i])?.number ?? null : this.number(item, [...valuePath, i])));
      if (codes.some((c) => c === null)) return null;
      return { kind: 'member', left, negated: op === 'not_in', codes: codes as number[], label, path: at };
    }
    let right: Expr | null;
    if (type === 'date') {
      if (isMap(shape.value) && typeof shape.value.variable === 'string') {
        const other = this.variable(shape.value.variable, [...valuePath, 'variable'], scope);
        if (!other) return null;
        if (other.type !== 'date') return this.fail([...valuePath, 'variable'], messages.date);
        right = { kind: 'variable', variable: other };
      } else {
        const date = this.date(shape.value, valuePath);
        right = date && { kind: 'number', value: date.number };
      }
    } else {
      right = this.formula(shape.value, valuePath, scope);
    }
    return right ? { kind: 'compare', left, op: op as CompareOp, right, label, path: at } : null;
  }

  // -------------------------------------------------------------------------------------------

  parameterDefinitions(value: unknown, path: Path): void {
    if (value === undefined || value === null) return;
    if (!isMap(value)) {
      this.fail(path, messages.notMap);
      return;
    }
    for (const [name, raw] of Object.entries(value)) {
      const at = [...path, name];
      if (!/^[a-z][a-z0-9_]*$/.test(name)) this.fail(at, messages.idFormat);
      const shape = this.map(raw, at, ['label', 'key', 'values'], ['values']);
      if (!shape) continue;
      const label = shape.label === undefined ? null : this.bilingual(shape.label, [...at, 'label']);
      let key: VariableDefinition | null = null;
      if (shape.key !== undefined) {
        key = this.variable(shape.key, [...at, 'key'], 'person');
        if (key && key.type !== 'enum' && !NUMERIC_KEYS.has(key.name)) {
          this.fail([...at, 'key'], messages.tableKey);
          key = null;
        }
        if (!key) continue;
      }
      const list = this.list(shape.values, [...at, 'values']);
      if (!list) continue;
      const values: ParameterValue[] = [];
      list.forEach((entry, i) => {
        const entryPath = [...at, 'values', i];
        const e = this.map(entry, entryPath, ['from', 'value'], ['from', 'value']);
        if (!e) return;
        const from = this.date(e.from, [...entryPath, 'from']);
        const parsed = this.parameterValue(e.value, [...entryPath, 'value'], key);
        if (!from || parsed === null) return;
        if (values.length > 0 && values[values.length - 1]!.from >= from.number) {
          this.fail([...entryPath, 'from'], messages.valuesOrder);
          return;
        }
        values.push({ from: from.number, fromIso: from.iso, value: parsed });
      });
      if (values.length === list.length) {
        this.parameters.set(name, { name, index: this.parameters.size, label, key, values });
      }
    }
  }

  parameterValue(value: unknown, path: Path, key: VariableDefinition | null): ParameterValue['value'] | null {
    if (!key) return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(path, messages.scalarValue);
    if (!isMap(value)) return this.fail(path, messages.tableValue);
    const entries = new Map<string, number>();
    let fallback: number | null = null;
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      const n = this.number(v, [...path, k]);
      if (n === null) {
        ok = false;
        continue;
      }
      if (k === 'default') {
        fallback = n;
        continue;
      }
      const valid = key.type === 'enum' ? key.values!.includes(k) : /^\d{1,4}$/.test(k) && Number(k) < 2048;
      if (!valid) {
        this.fail([...path, k], messages.tableEntryKey, { key: k, name: key.name });
        ok = false;
        continue;
      }
      entries.set(key.type === 'enum' ? k : String(Number(k)), n);
    }
    return ok ? { entries, fallback } : null;
  }

  examples(value: unknown, path: Path, hasBenefit: boolean): Example[] {
    const list = Array.isArray(value) && value.length === 0 ? this.fail(path, messages.examplesRequired) : this.list(value, path);
    if (!list) return [];
    const examples: Example[] = [];
    list.forEach((raw, i) => {
      const at = [...path, i];
      const shape = this.map(raw, at, ['name', 'date', 'household', 'person', 'expect'], ['name', 'date', 'household', 'expect']);
      if (!shape) return;
      const name = this.text(shape.name, [...at, 'name']);
      const date = this.date(shape.date, [...at, 'date']);
      const hh = this.map(shape.household, [...at, 'household'], ['region', 'district', 'members'], ['region', 'members']);
      const expect = this.map(shape.expect, [...at, 'expect'], ['eligible', 'amount'], ['eligible']);
      if (!hh || !expect) return;
      const regionCode = this.oneOf(typeof hh.region === 'number' ? String(hh.region) : hh.region, [...at, 'household', 'region'], VARIABLES.get('region')!.values!);
      let districtCode: string | null = null;
      if (hh.district !== undefined) districtCode = this.oneOf(String(hh.district), [...at, 'household', 'district'], VARIABLES.get('district')!.values!);
      const rawMembers = this.list(hh.members, [...at, 'household', 'members']);
      const members: ExampleMember[] = [];
      rawMembers?.forEach((m, j) => {
        const mp = [...at, 'household', 'members', j];
        const member = this.map(m, mp, ['role', 'birth_date', 'sex', 'earned_income', 'business_income', 'disability_severity', 'disability_category'], ['role', 'birth_date']);
        if (!member) return;
        const role = this.oneOf(member.role, [...mp, 'role'], HOUSEHOLD_ROLES);
        const birth = this.date(member.birth_date, [...mp, 'birth_date']);
        const sex = member.sex === undefined ? 'M' : this.oneOf(member.sex, [...mp, 'sex'], ['M', 'F'] as const);
        const earned = member.earned_income === undefined ? 0 : this.number(member.earned_income, [...mp, 'earned_income']);
        const business = member.business_income === undefined ? 0 : this.number(member.business_income, [...mp, 'business_income']);
        const severity = member.disability_severity === undefined ? null : this.oneOf(member.disability_severity, [...mp, 'disability_severity'], ['mild', 'severe'] as const);
        const category = member.disability_category === undefined ? null : this.oneOf(member.disability_category, [...mp, 'disability_category'], VARIABLES.get('disability_category')!.values!.slice(1));
        if (!role || !birth || !sex || earned === null || business === null) return;
        if ((member.disability_severity !== undefined && !severity) || (member.disability_category !== undefined && !category)) return;
        members.push({
          role,
          birthDate: birth.iso,
          sex,
          earnedIncome: earned,
          businessIncome: business,
          disabilitySeverity: severity,
          disabilityCategory: severity && !category ? 'physical' : category,
        });
      });
      const person = shape.person === undefined ? 0 : shape.person;
      if (!Number.isInteger(person) || (person as number) < 0 || (person as number) >= members.length) {
        this.fail([...at, 'person'], messages.memberIndex, { max: Math.max(0, members.length - 1) });
        return;
      }
      const eligible = typeof expect.eligible === 'boolean' ? expect.eligible : this.fail([...at, 'expect', 'eligible'], messages.boolean);
      let amount: number | null = null;
      if (expect.amount !== undefined) {
        if (!hasBenefit) this.fail([...at, 'expect', 'amount'], messages.amountWithoutBenefit);
        amount = this.number(expect.amount, [...at, 'expect', 'amount']);
        if (amount === null) return;
      }
      if (!name || !date || !regionCode || eligible === null || !rawMembers || members.length !== rawMembers.length) return;
      if (hh.district !== undefined && !districtCode) return;
      examples.push({
        name,
        date: date.iso,
        household: { regionCode, districtCode, members },
        person: person as number,
        expect: { eligible, amount },
        path: pointer(at),
      });
    });
    return examples;
  }

  exampleMismatch(example: Example, field: 'eligible' | 'amount', expected: string, actual: string): void {
    const base = example.path.slice(1).split('/').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    this.fail([...base, 'expect', field], messages.exampleMismatch, { expected, actual });
  }

  missingValue(example: Example, parameter: Parameter): void {
    const base = example.path.slice(1).split('/').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    this.fail([...base, 'date'], messages.noValueOnDate, { name: parameter.name, date: example.date, first: parameter.values[0]!.fromIso });
  }
}

/**
 * Parses and checks a rule; the result is either the rule or every problem found. Examples are
 * not run here (see validateRule in index.ts, which also runs them compiled and interpreted).
 */
export function parseRule(source: string): ParseResult & { checker?: Checker } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
        const detail = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
        return { path: '', line: pos.line, column: pos.col, message: { ko: t('ko', messages.yaml, { detail }), en: t('en', messages.yaml, { detail }) } };
      }),
    };
  }
  const c = new Checker(doc, lines);
  const root = c.map(
    doc.toJS(),
    [],
    ['id', 'version', 'title', 'description', 'agency', 'category', 'entity', 'parameters', 'conditions', 'benefit', 'examples'],
    ['id', 'version', 'title', 'agency', 'category', 'entity', 'conditions', 'examples'],
  );
  if (!root) return { ok: false, problems: c.problems };
  const id = typeof root.id === 'string' && RULE_ID_PATTERN.test(root.id) && root.id.length <= 80 ? root.id : c.fail(['id'], messages.idFormat);
  const version = Number.isInteger(root.version) && (root.version as number) >= 1 ? (root.version as number) : c.fail(['version'], messages.positiveInteger);
  const title = c.bilingual(root.title, ['title']);
  const description = root.description === undefined ? null : c.bilingual(root.description, ['description']);
  const agency = typeof root.agency === 'string' && /^[A-Z][A-Z0-9-]{1,15}$/.test(root.agency) ? root.agency : c.fail(['agency'], messages.text);
  const category = c.oneOf(root.category, ['category'], NOTIFICATION_CATEGORIES);
  const entity = c.oneOf(root.entity, ['entity'], ['person', 'household'] as const);
  c.entity = entity ?? 'person';
  c.parameterDefinitions(root.parameters, ['parameters']);
  const scope: Scope = c.entity;
  const rawConditions = c.list(root.conditions, ['conditions']);
  const conditions = (rawConditions ?? []).map((item, i) => c.condition(item, ['conditions', i], scope, true));
  let benefit: Rule['benefit'] = null;
  if (root.benefit !== undefined) {
    const shape = c.map(root.benefit, ['benefit'], ['amount', 'period'], ['amount', 'period']);
    if (shape) {
      const period = c.oneOf(shape.period, ['benefit', 'period'], ['month', 'year', 'once'] as const);
      const amount = c.formula(shape.amount, ['benefit', 'amount'], scope);
      if (period && amount) benefit = { amount, period };
    }
  }
  const examples = c.examples(root.examples, ['examples'], root.benefit !== undefined);
  if (c.problems.length > 0 || !id || !version || !title || !agency || !category || !entity) {
    return { ok: false, problems: c.problems };
  }
  const rule: Rule = {
    id,
    version,
    title,
    description,
    agency,
    category,
    entity,
    parameters: [...c.parameters.values()],
    conditions: conditions as Condition[],
    benefit,
    examples,
    source,
  };
  return { ok: true, rule, checker: c };
}

export type { Checker };
