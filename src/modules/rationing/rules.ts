// The rules of a rationing programme as pure functions: the period a purchase counts against
// (a Korean calendar week, Monday to Sunday, or day), who may buy on which day (the 2020 mask
// rule: by the last digit of the birth year; anyone at the weekend), and the stock level bands
// of the 2020 public mask API (plenty / some / few / empty).
import { koreanDate } from '../../core/period';

export type Period = 'week' | 'day';

/** Who may buy on which day of the week (ISO: 1 = Monday … 7 = Sunday, Korea time). */
export type DayRule =
  | { kind: 'any-day' }
  | {
      kind: 'birth-year-last-digit';
      /** For each weekday, the last digits of the birth years that may buy that day. */
      digitsByWeekday: Partial<Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', number[]>>;
      /** Weekdays on which anyone may buy. */
      anyoneOn: number[];
    };

/** 2020: 1/6 Monday, 2/7 Tuesday, 3/8 Wednesday, 4/9 Thursday, 5/0 Friday, anyone at the weekend. */
export const MASK_DAY_RULE: DayRule = {
  kind: 'birth-year-last-digit',
  digitsByWeekday: { '1': [1, 6], '2': [2, 7], '3': [3, 8], '4': [4, 9], '5': [5, 0] },
  anyoneOn: [6, 7],
};

/** ISO weekday (1 = Monday … 7 = Sunday) of a 'YYYY-MM-DD' date. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The first day (Korea time) of the period that `at` falls in. */
export function periodStart(period: Period, at: Date): string {
  const today = koreanDate(at);
  return period === 'day' ? today : addDays(today, 1 - isoWeekday(today));
}

/** The last day of the period that starts on `start`. */
export function periodEnd(period: Period, start: string): string {
  return period === 'day' ? start : addDays(start, 6);
}

export function mayBuyOn(rule: DayRule, birthYear: number, at: Date): boolean {
  if (rule.kind === 'any-day') return true;
  const weekday = isoWeekday(koreanDate(at));
  if (rule.anyoneOn.includes(weekday)) return true;
  const digits = rule.digitsByWeekday[String(weekday) as keyof typeof rule.digitsByWeekday] ?? [];
  return digits.includes(birthYear % 10);
}

/** The weekdays on which a person born in `birthYear` may buy. */
export function purchaseWeekdays(rule: DayRule, birthYear: number): number[] {
  return [1, 2, 3, 4, 5, 6, 7].filter((weekday) => {
    if (rule.kind === 'any-day' || rule.anyoneOn.includes(weekday)) return true;
    return (rule.digitsByWeekday[String(weekday) as keyof typeof rule.digitsByWeekday] ?? []).includes(birthYear % 10);
  });
}

export const STOCK_BANDS = ['plenty', 'some', 'few', 'empty'] as const;
export type StockBand = (typeof STOCK_BANDS)[number];

/** As the 2020 public mask API's remain_stat: 100 or more, 30–99, 2–29, 0–1. */
export function stockBand(remaining: number): StockBand {
  if (remaining >= 100) return 'plenty';
  if (remaining >= 30) return 'some';
  if (remaining >= 2) return 'few';
  return 'empty';
}

export function validateDayRule(value: unknown): value is DayRule {
  if (typeof value !== 'object' || value === null) return false;
  const rule = value as Record<string, unknown>;
  if (rule.kind === 'any-day') return Object.keys(rule).length === 1;
  if (rule.kind !== 'birth-year-last-digit') return false;
  const digit = (d: unknown) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 9;
  const weekday = (d: unknown) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 7;
  const byDay = rule.digitsByWeekday;
  if (typeof byDay !== 'object' || byDay === null) return false;
  for (const [key, digits] of Object.entries(byDay)) {
    if (!weekday(Number(key)) || !Array.isArray(digits) || !digits.every(digit)) return false;
  }
  return Array.isArray(rule.anyoneOn) && rule.anyoneOn.every(weekday);
}
