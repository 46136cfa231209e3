// A period of calendar days (Korean time, both ends inclusive) as the lists of records take it:
// validation for the API (400 problems naming the field) and for pages (messages next to the
// fields), the instants it covers, and the words of a period filter in Korean and English.
import { AppError } from './errors';
import { defineMessages, t, type Locale } from './i18n';

const KST_OFFSET = '+09:00';
const DAY_MS = 86_400_000;

export type PeriodField = 'periodStart' | 'periodEnd';
export type Period = Partial<Record<PeriodField, string>>;

export const PERIOD_MESSAGES = defineMessages({
  filter: { ko: '기간 선택', en: 'Choose a period' },
  periodStart: { ko: '시작일', en: 'From' },
  periodEnd: { ko: '종료일', en: 'To' },
  dateHint: { ko: '예: 2026-01-31', en: 'For example 2026-01-31' },
  show: { ko: '조회', en: 'Show' },
  clear: { ko: '전체 기간 보기', en: 'Show all dates' },
  dateInvalid: { ko: '날짜를 예: 2026-01-31 형식으로 입력하세요', en: 'Enter a date like 2026-01-31' },
  endBeforeStart: { ko: '종료일은 시작일과 같거나 그 이후여야 합니다', en: 'The end date must be the same as or after the start date' },
});

/** The calendar date in Korea (UTC+9, no daylight saving) at `at`, 'YYYY-MM-DD'. */
export function koreanDate(at: Date | number = Date.now()): string {
  return new Date(new Date(at).getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' that is a real calendar date. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The period a form or query string asks for; blank fields mean "no bound". */
export function readPeriod(query: Period): Period {
  return { periodStart: query.periodStart?.trim() || undefined, periodEnd: query.periodEnd?.trim() || undefined };
}

/** What is wrong with a period, by field, in the reader's language (empty when it is fine). */
export function periodProblems(locale: Locale, period: Period): Map<PeriodField, string> {
  const invalid = new Map<PeriodField, string>();
  for (const name of ['periodStart', 'periodEnd'] as const) {
    if (period[name] !== undefined && !isCalendarDate(period[name]!)) invalid.set(name, t(locale, PERIOD_MESSAGES.dateInvalid));
  }
  if (invalid.size === 0 && period.periodStart && period.periodEnd && period.periodStart > period.periodEnd) {
    invalid.set('periodEnd', t(locale, PERIOD_MESSAGES.endBeforeStart));
  }
  return invalid;
}

/** The instants a period covers; a 400 problem naming the query field when it is not valid. */
export function periodBounds(periodStart?: string, periodEnd?: string): { from?: Date; to?: Date } {
  const errors = [];
  if (periodStart !== undefined && !isCalendarDate(periodStart)) errors.push({ field: '/querystring/periodStart', message: 'must be a date YYYY-MM-DD' });
  if (periodEnd !== undefined && !isCalendarDate(periodEnd)) errors.push({ field: '/querystring/periodEnd', message: 'must be a date YYYY-MM-DD' });
  if (errors.length === 0 && periodStart !== undefined && periodEnd !== undefined && periodStart > periodEnd) {
    errors.push({ field: '/querystring/periodEnd', message: 'must be on or after periodStart' });
  }
  if (errors.length) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  const from = periodStart ? new Date(`${periodStart}T00:00:00${KST_OFFSET}`) : undefined;
  const to = periodEnd ? new Date(new Date(`${periodEnd}T00:00:00${KST_OFFSET}`).getTime() + DAY_MS) : undefined;
  return { from, to };
}
