// The programme rules a pharmacist would check by hand: which week a purchase counts against,
// who may buy today, and which stock band a count shows as.
import { describe, expect, it } from 'vitest';
import { MASK_DAY_RULE, mayBuyOn, periodEnd, periodStart, purchaseWeekdays, stockBand, validateDayRule } from './rules';

describe('rationing rules', () => {
  it('counts purchases per Korean week, Monday to Sunday', () => {
    // Sunday 2026-11-22 23:30 in Korea is still the week that began on Monday 16 November …
    expect(periodStart('week', new Date('2026-11-22T14:30:00Z'))).toBe('2026-11-16');
    // … and 30 minutes later (Monday 00:00 in Korea, still Sunday in UTC) a new week begins.
    expect(periodStart('week', new Date('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
    expect(periodEnd('week', '2026-11-23')).toBe('2026-11-29');
    expect(periodStart('day', new Date('2026-11-22T15:00:00Z'))).toBe('2026-11-23');
  });

  it('lets people buy on the weekday of their birth year\'s last digit, and anyone at the weekend', () => {
    const monday = new Date('2026-11-23T03:00:00+09:00');
    const friday = new Date('2026-11-27T10:00:00+09:00');
    const saturday = new Date('2026-11-28T10:00:00+09:00');
    expect(mayBuyOn(MASK_DAY_RULE, 1981, monday)).toBe(true);
    expect(mayBuyOn(MASK_DAY_RULE, 1986, monday)).toBe(true);
    expect(mayBuyOn(MASK_DAY_RULE, 1982, monday)).toBe(false);
    expect(mayBuyOn(MASK_DAY_RULE, 1990, friday)).toBe(true);
    expect(mayBuyOn(MASK_DAY_RULE, 1995, friday)).toBe(true);
    expect(mayBuyOn(MASK_DAY_RULE, 1994, friday)).toBe(false);
    expect(mayBuyOn(MASK_DAY_RULE, 1994, saturday)).toBe(true);
    expect(purchaseWeekdays(MASK_DAY_RULE, 1987)).toEqual([2, 6, 7]);
    expect(mayBuyOn({ kind: 'any-day' }, 1994, friday)).toBe(true);
  });

  it('shows stock in the 2020 bands', () => {
    expect([150, 100, 99, 30, 29, 2, 1, 0].map(stockBand)).toEqual(['plenty', 'plenty', 'some', 'some', 'few', 'few', 'empty', 'empty']);
  });

  it('accepts only well-formed day rules', () => {
    expect(validateDayRule(MASK_DAY_RULE)).toBe(true);
    expect(validateDayRule({ kind: 'any-day' })).toBe(true);
    expect(validateDayRule({ kind: 'birth-year-last-digit', digitsByWeekday: { '8': [1] }, anyoneOn: [] })).toBe(false);
    expect(validateDayRule({ kind: 'birth-year-last-digit', digitsByWeekday: { '1': [10] }, anyoneOn: [] })).toBe(false);
    expect(validateDayRule({ kind: 'sometimes' })).toBe(false);
  });
});
