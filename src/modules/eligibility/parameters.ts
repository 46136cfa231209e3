// Effective-dated parameters: the value in force on a date is the last one whose `from` is on or
// before it. Tables become typed lookup arrays indexed by the key variable's code (enums) or
// value (small integers: the largest listed key at or below it applies).
import type { Parameter, Rule } from './language';
import { isoFromDateNumber } from './variables';

export const NUMERIC_TABLE_SIZE = 2048;

export class MissingParameterValueError extends Error {
  constructor(
    readonly ruleId: string,
    readonly parameter: Parameter,
    readonly date: number,
  ) {
    super(`rule ${ruleId}: parameter ${parameter.name} has no value on ${isoFromDateNumber(date)} (earliest from ${parameter.values[0]?.fromIso})`);
    this.name = 'MissingParameterValueError';
  }
}

export type ResolvedParameter = number | Float64Array;

export function valueOn(rule: Rule, parameter: Parameter, date: number) {
  let found = null;
  for (const entry of parameter.values) if (entry.from <= date) found = entry;
  if (!found) throw new MissingParameterValueError(rule.id, parameter, date);
  return found.value;
}

/** Every parameter of the rule resolved for one date (throws MissingParameterValueError). */
export function resolveParameters(rule: Rule, date: number): ResolvedParameter[] {
  return rule.parameters.map((parameter) => {
    const value = valueOn(rule, parameter, date);
    if (typeof value === 'number') return value;
    const key = parameter.key!;
    const fallback = value.fallback ?? Number.NaN;
    if (key.type === 'enum') {
      const table = new Float64Array(key.values!.length).fill(fallback);
      for (const [k, v] of value.entries) table[key.values!.indexOf(k)] = v;
      return table;
    }
    const table = new Float64Array(NUMERIC_TABLE_SIZE).fill(fallback);
    const keys = [...value.entries.keys()].map(Number).sort((a, b) => a - b);
    for (const k of keys) table.fill(value.entries.get(String(k))!, k);
    return table;
  });
}

/** One table lookup the slow, obvious way (the naive interpreter's path). */
export function lookupTable(rule: Rule, parameter: Parameter, date: number, key: number | string): number {
  const value = valueOn(rule, parameter, date);
  if (typeof value === 'number') return value;
  const fallback = value.fallback ?? Number.NaN;
  if (typeof key === 'string') return value.entries.get(key) ?? fallback;
  if (!(key >= 0)) return Number.NaN;
  const capped = Math.min(Math.floor(key), NUMERIC_TABLE_SIZE - 1);
  let best = -1;
  for (const k of value.entries.keys()) if (Number(k) <= capped && Number(k) > best) best = Number(k);
  return best < 0 ? fallback : value.entries.get(String(best))!;
}
