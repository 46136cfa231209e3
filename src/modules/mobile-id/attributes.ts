// The attributes a Mobile Resident Registration Card carries, each one a separate salted
// disclosure so a verifier can be shown one without the others (e.g. "over 19" without the birth
// date). No photo: the demo card is photo-less. Age booleans are computed in Korean time on the
// day of issuance; the card expires on the day one of them would flip (see `nextAgeChange`), so a
// card never states an age that has stopped being true.
import type { Message } from '../../core/i18n';

export const MOBILE_ID_ATTRIBUTES = ['name', 'name_romanized', 'birthdate', 'age_over_19', 'age_over_65', 'address', 'region'] as const;
export type MobileIdAttribute = (typeof MOBILE_ID_ATTRIBUTES)[number];

export function isMobileIdAttribute(value: unknown): value is MobileIdAttribute {
  return typeof value === 'string' && (MOBILE_ID_ATTRIBUTES as readonly string[]).includes(value);
}

export const ATTRIBUTE_LABELS: Record<MobileIdAttribute, Message> = {
  name: { ko: '성명', en: 'Name (Korean)' },
  name_romanized: { ko: '영문 성명', en: 'Name (romanised)' },
  birthdate: { ko: '생년월일', en: 'Date of birth' },
  age_over_19: { ko: '만 19세 이상', en: 'Aged 19 or over' },
  age_over_65: { ko: '만 65세 이상', en: 'Aged 65 or over' },
  address: { ko: '주소', en: 'Address' },
  region: { ko: '거주 시·도', en: 'Province or city of residence' },
};

export interface AddressClaim {
  formatted: string;
  formatted_en: string;
  postal_code: string;
}

export interface RegionClaim {
  code: string;
  name_ko: string;
  name_en: string;
}

export type MobileIdClaims = {
  name: string;
  name_romanized: string;
  birthdate: string;
  age_over_19: boolean;
  age_over_65: boolean;
  address: AddressClaim;
  region: RegionClaim;
};

/** Full years of age on `today` (both 'YYYY-MM-DD'; a 29 February birthday counts on 1 March in common years). */
export function ageOn(birthdate: string, today: string): number {
  const [by, bm, bd] = birthdate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** The date ('YYYY-MM-DD') on which the person turns `years` (29 February → 1 March in common years). */
export function birthdayAt(birthdate: string, years: number): string {
  const [by, bm, bd] = birthdate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(by + years, bm - 1, bd));
  return date.toISOString().slice(0, 10);
}

/** The next day after `today` on which age_over_19 or age_over_65 changes, or null when neither will. */
export function nextAgeChange(birthdate: string, today: string): string | null {
  for (const years of [19, 65]) {
    const day = birthdayAt(birthdate, years);
    if (day > today) return day;
  }
  return null;
}

/** How an attribute's value reads on a page. */
export function formatAttribute(locale: 'ko' | 'en', name: MobileIdAttribute, value: unknown): string {
  if (typeof value === 'boolean') return value ? (locale === 'ko' ? '예' : 'Yes') : locale === 'ko' ? '아니요' : 'No';
  if (name === 'address' && value && typeof value === 'object') {
    const address = value as Partial<AddressClaim>;
    return `${(locale === 'ko' ? address.formatted : address.formatted_en) ?? ''} (${address.postal_code ?? ''})`;
  }
  if (name === 'region' && value && typeof value === 'object') {
    const region = value as Partial<RegionClaim>;
    return (locale === 'ko' ? region.name_ko : region.name_en) ?? '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
