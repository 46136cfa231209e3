// Synthetic national identifiers: resident registration numbers (주민등록번호, RRN) and business
// registration numbers (사업자등록번호, BRN). Both keep the real format so that forms, masking and
// parsing code are exercised as in production, but carry a deliberately WRONG check digit, so a
// number from here fails the official checksum that every real pre-2020 number passes.
//
// Limit of that guarantee: RRNs issued from 2020-10-05 on have six random trailing digits and no
// check digit, so for people born since then a wrong checksum does not rule out a real number.
// What keeps those safe is that the holders are invented, not the digits.

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
