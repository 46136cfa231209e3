// Synthetic national identifiers: resident registration numbers (주민등록번호, RRN) and business
// registration numbers (사업자등록번호, BRN). Both keep the real format so that forms, masking and
// parsing code are exercised as in production, but carry a deliberately WRONG check digit, so a
// number from here fails the official checksum that every real pre-2020 number passes.
//
// Limit of that guarantee: RRNs issued from 2020-10-05 on have six random trailing digits and no
// check digit, so for people born since then a wrong checksum does not rule out a real number.
// What keeps those safe is that the holders are invented, not the digits.
//
// Vehicle registration plates (at the end of this file) have no check digit at all; the same
// holds for them.

export type Sex = 'M' | 'F';

const RRN_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5] as const;
const BRN_WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5] as const;

function digitsOf(text: string): number[] {
  const digits: number[] = [];
  for (let i = 0; i < text.length; i++) digits.push(text.charCodeAt(i) - 48);
  return digits;
}

/** The official RRN check digit for the first 12 digits: (11 − Σ dᵢ·wᵢ mod 11) mod 10. */
export function rrnCheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new Error('rrnCheckDigit needs exactly 12 digits');
  const digits = digitsOf(first12);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (digits[i] as number) * RRN_WEIGHTS[i]!;
  return (11 - (sum % 11)) % 10;
}

/** The digit after the birth date: sex and century (1/2: 1900s, 3/4: 2000s; odd = male). */
export function rrnSexDigit(birthYear: number, sex: Sex): number {
  if (birthYear >= 1900 && birthYear <= 1999) return sex === 'M' ? 1 : 2;
  if (birthYear >= 2000 && birthYear <= 2099) return sex === 'M' ? 3 : 4;
  throw new Error(`no resident registration number format for birth year ${birthYear}`);
}

// The serial is spread over the 5 free digits with a bijection (multiplying by a number coprime
// to 10⁵), so consecutive serials do not look consecutive but two serials never share digits.
const SERIAL_SPACE = 100_000;
const SERIAL_STRIDE = 7919;

/**
 * A synthetic RRN for someone born on `birthDate` (YYYY-MM-DD). Distinct `serial`s (0..99,999) for
 * the same birth date and sex give distinct numbers: that is how uniqueness is guaranteed by
 * construction rather than checked after the fact (see RrnIssuer).
 */
export function syntheticRrn(birthDate: string, sex: Sex, serial: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) throw new Error(`birth date must be YYYY-MM-DD, got ${birthDate}`);
  if (!Number.isInteger(serial) || serial < 0 || serial >= SERIAL_SPACE) {
    throw new Error(`RRN serial must be an integer in [0, ${SERIAL_SPACE}), got ${serial}`);
  }
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const dateOffset = (Number(year) * 372 + Number(month) * 31 + Number(day)) % SERIAL_SPACE;
  const trailing = (serial * SERIAL_STRIDE + dateOffset) % SERIAL_SPACE;
  const first12 =
    year.slice(2) + month + day + String(rrnSexDigit(Number(year), sex)) + String(trailing).padStart(5, '0');
  return first12 + String(wrongDigit(rrnCheckDigit(first12), trailing));
}

/** Any digit but the correct one; which one varies so the last digit does not betray the scheme. */
function wrongDigit(correct: number, variation: number): number {
  return (correct + 1 + (variation % 9)) % 10;
}

/**
 * Hands out RRNs that are unique across everything it has issued, by numbering people per
 * (birth date, sex): the n-th person born on a given day gets serial n.
 */
export class RrnIssuer {
  private readonly issued = new Map<string, number>();

  issue(birthDate: string, sex: Sex): string {
    const key = birthDate + sex;
    const serial = this.issued.get(key) ?? 0;
    this.issued.set(key, serial + 1);
    return syntheticRrn(birthDate, sex, serial);
  }
}

function normalizeRrn(rrn: string): string | null {
  const compact = /^\d{6}-\d{7}$/.test(rrn) ? rrn.slice(0, 6) + rrn.slice(7) : rrn;
  return /^\d{13}$/.test(compact) ? compact : null;
}

/** The birth date an RRN encodes (YYYY-MM-DD), or null if the format or calendar date is invalid. */
export function rrnBirthDate(rrn: string): string | null {
  const compact = normalizeRrn(rrn);
  if (!compact) return null;
  const sexDigit = Number(compact[6]);
  if (sexDigit < 1 || sexDigit > 4) return null;
  const year = (sexDigit <= 2 ? 1900 : 2000) + Number(compact.slice(0, 2));
  const month = Number(compact.slice(2, 4));
  const day = Number(compact.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${year}-${compact.slice(2, 4)}-${compact.slice(4, 6)}`;
}

/**
 * True only for numbers this module could have produced: a well-formed RRN (13 digits, optionally
 * written 6-7 with a hyphen; real calendar date; sex digit 1–4) whose check digit is WRONG.
 * A number with a correct check digit could belong to a real person and is therefore false.
 */
export function isSyntheticRrn(rrn: string): boolean {
  const compact = normalizeRrn(rrn);
  if (!compact || rrnBirthDate(compact) === null) return false;
  return rrnCheckDigit(compact.slice(0, 12)) !== Number(compact[12]);
}

/** "9001011234567" or "900101-1234567" → "900101-1******": birth date and sex stay readable. */
export function maskRrn(rrn: string): string {
  const compact = normalizeRrn(rrn);
  if (!compact) throw new Error('not a resident registration number');
  return `${compact.slice(0, 6)}-${compact[6]}******`;
}

/**
 * The official BRN check digit for the first 9 digits: Σ dᵢ·wᵢ with weights 1,3,7,1,3,7,1,3,5,
 * plus the tens digit of d₉·5 (the 9th product is counted as the sum of its two digits),
 * then (10 − sum mod 10) mod 10.
 */
export function brnCheckDigit(first9: string): number {
  if (!/^\d{9}$/.test(first9)) throw new Error('brnCheckDigit needs exactly 9 digits');
  const digits = digitsOf(first9);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (digits[i] as number) * BRN_WEIGHTS[i]!;
  sum += Math.floor(((digits[8] as number) * 5) / 10);
  return (10 - (sum % 10)) % 10;
}

// A BRN is office (3 digits) + kind (2) + serial (4) + check. Synthetic ones use office codes
// 101–899 and kinds 01–79 (individual, VAT-registered businesses). The business id is mapped onto
// that space with an affine bijection so ids stay unique while the numbers look unordered.
const BRN_OFFICES = 799;
const BRN_KINDS = 79;
const BRN_SERIALS = 10_000;
const BRN_SPACE = BRN_OFFICES * BRN_KINDS * BRN_SERIALS;
const BRN_MULTIPLIER = 1_000_003; // prime, and none of BRN_SPACE's factors (2, 5, 17, 47, 79)

/** A synthetic BRN for business `id` (≥ 1); distinct ids always give distinct numbers. */
export function syntheticBrn(id: number, salt = 0): string {
  if (!Number.isInteger(id) || id < 1 || id > BRN_SPACE) throw new Error(`business id out of range: ${id}`);
  const offset = ((salt % BRN_SPACE) + BRN_SPACE) % BRN_SPACE;
  const p = ((id - 1) * BRN_MULTIPLIER + offset) % BRN_SPACE;
  const serial = p % BRN_SERIALS;
  const rest = Math.floor(p / BRN_SERIALS);
  const kind = 1 + (rest % BRN_KINDS);
  const office = 101 + Math.floor(rest / BRN_KINDS);
  const first9 = String(office) + String(kind).padStart(2, '0') + String(serial).padStart(4, '0');
  return first9 + String(wrongDigit(brnCheckDigit(first9), p));
}

/** True only for a 10-digit BRN (hyphens allowed as 123-45-67890) whose check digit is wrong. */
export function isSyntheticBrn(brn: string): boolean {
  const compact = /^\d{3}-\d{2}-\d{5}$/.test(brn) ? brn.replace(/-/g, '') : brn;
  if (!/^\d{10}$/.test(compact)) return false;
  return brnCheckDigit(compact.slice(0, 9)) !== Number(compact[9]);
}

/** "1234567890" → "123-45-67890", the way a BRN is printed on receipts and certificates. */
export function formatBrn(brn: string): string {
  if (!/^\d{10}$/.test(brn)) throw new Error('not a business registration number');
  return `${brn.slice(0, 3)}-${brn.slice(3, 5)}-${brn.slice(5)}`;
}

// Vehicle registration plates (자동차 등록번호): a type number, one Hangul syllable and a 4-digit
// serial, e.g. 12가3456. Passenger cars take type numbers 01–69, or 100–699 on plates issued since
// September 2019 when the 2-digit numbers ran out; private cars use the 32 syllables below (others
// mark taxis, rentals and deliveries). A plate identifies a vehicle, not a person, so it has no
// check digit to get wrong: synthetic plates are unique by construction (an affine bijection over
// each format's number space, like the BRNs above) and their holders are invented.
export const PLATE_SYLLABLES = [
  '가', '나', '다', '라', '마', '거', '너', '더', '러', '머', '버', '서', '어', '저', '고', '노',
  '도', '로', '모', '보', '소', '오', '조', '구', '누', '두', '루', '무', '부', '수', '우', '주',
] as const;
const PLATE_SERIALS = 9_000; // 1000–9999
const PLATE_FORMATS = {
  /** Before September 2019: type numbers 01–69. */
  twoDigit: { firstType: 1, types: 69, digits: 2 },
  /** Since September 2019: type numbers 100–699. */
  threeDigit: { firstType: 100, types: 600, digits: 3 },
} as const;
export type PlateFormat = keyof typeof PLATE_FORMATS;
const PLATE_MULTIPLIER = 1_000_003; // prime, and none of either space's factors (2, 3, 5, 23)

/** The number of distinct plates a format has room for. */
export function plateSpace(format: PlateFormat): number {
  return PLATE_FORMATS[format].types * PLATE_SYLLABLES.length * PLATE_SERIALS;
}

/** The `serial`-th (≥ 1) synthetic plate of a format; distinct serials always give distinct plates. */
export function syntheticPlate(serial: number, format: PlateFormat, salt = 0): string {
  const space = plateSpace(format);
  if (!Number.isInteger(serial) || serial < 1 || serial > space) throw new Error(`plate serial out of range: ${serial}`);
  const { firstType, digits } = PLATE_FORMATS[format];
  const offset = ((salt % space) + space) % space;
  const p = ((serial - 1) * PLATE_MULTIPLIER + offset) % space;
  const number = 1000 + (p % PLATE_SERIALS);
  const rest = Math.floor(p / PLATE_SERIALS);
  const syllable = PLATE_SYLLABLES[rest % PLATE_SYLLABLES.length] as string;
  const type = firstType + Math.floor(rest / PLATE_SYLLABLES.length);
  return `${String(type).padStart(digits, '0')}${syllable}${number}`;
}

/** True for a private passenger-car plate in either format, e.g. 12가3456 or 123가4567. */
export function isPassengerPlate(plate: string): boolean {
  const match = /^(\d{2,3})([가-힣])(\d{4})$/.exec(plate);
  if (!match) return false;
  const type = Number(match[1]);
  const validType = match[1]!.length === 2 ? type >= 1 && type <= 69 : type >= 100 && type <= 699;
  return validType && (PLATE_SYLLABLES as readonly string[]).includes(match[2]!) && Number(match[3]) >= 1000;
}
