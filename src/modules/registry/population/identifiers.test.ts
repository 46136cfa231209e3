import { describe, expect, it } from 'vitest';
import {
  brnCheckDigit,
  formatBrn,
  isSyntheticBrn,
  isPassengerPlate,
  isSyntheticRrn,
  maskRrn,
  plateSpace,
  rrnBirthDate,
  rrnCheckDigit,
  RrnIssuer,
  syntheticBrn,
  syntheticPlate,
  syntheticRrn,
} from './identifiers';

describe('resident registration number check digit', () => {
  it('matches a hand-computed example', () => {
    // 9·2 + 0·3 + 0·4 + 1·5 + 0·6 + 1·7 + 1·8 + 2·9 + 3·2 + 4·3 + 5·4 + 6·5 = 124;
    // 124 mod 11 = 3; (11 − 3) mod 10 = 8.
    expect(rrnCheckDigit('900101123456')).toBe(8);
  });

  it('wraps 11 and 10 to one digit', () => {
    expect(rrnCheckDigit('000000000000')).toBe(1); // sum 0 → 11 → 1
    expect(rrnCheckDigit('600000000000')).toBe(0); // sum 12 ≡ 1 → 10 → 0
  });
});

describe('synthetic RRNs', () => {
  it('encode birth date, sex and century, with a wrong check digit', () => {
    const rrn = syntheticRrn('1990-01-01', 'M', 0);
    expect(rrn).toMatch(/^9001011\d{6}$/);
    expect(rrnBirthDate(rrn)).toBe('1990-01-01');
    expect(Number(rrn[12])).not.toBe(rrnCheckDigit(rrn.slice(0, 12)));
    expect(syntheticRrn('2024-03-05', 'F', 17)).toMatch(/^2403054/);
    expect(syntheticRrn('1955-12-31', 'F', 3)).toMatch(/^5512312/);
    expect(syntheticRrn('2001-06-30', 'M', 3)).toMatch(/^0106303/);
  });

  it('are distinct for every serial of the same birth date and sex', () => {
    const seen = new Set<string>();
    let invalid = 0;
    for (let serial = 0; serial < 100_000; serial++) {
      const rrn = syntheticRrn('2000-02-29', 'F', serial);
      if (!isSyntheticRrn(rrn)) invalid++;
      seen.add(rrn);
    }
    expect(invalid).toBe(0);
    expect(seen.size).toBe(100_000);
    expect(() => syntheticRrn('2000-02-29', 'F', 100_000)).toThrow();
  });

  it('are issued uniquely per birth date and sex', () => {
    const issuer = new RrnIssuer();
    const numbers = Array.from({ length: 50 }, () => issuer.issue('1985-07-15', 'M'));
    expect(new Set(numbers).size).toBe(50);
  });

  it('are recognised only with a valid format and a wrong check digit', () => {
    expect(isSyntheticRrn('9001011234567')).toBe(true);
    expect(isSyntheticRrn('900101-1234567')).toBe(true);
    expect(isSyntheticRrn('9001011234568')).toBe(false); // correct check digit: could be real
    expect(isSyntheticRrn('9002301234567')).toBe(false); // 30 February
    expect(isSyntheticRrn('9001015234567')).toBe(false); // 5 is for registered foreigners
    expect(isSyntheticRrn('900101123456')).toBe(false);
    expect(isSyntheticRrn('90010112345678')).toBe(false);
    expect(isSyntheticRrn('900101-123456x')).toBe(false);
  });

  it('are masked to birth date and sex digit', () => {
    expect(maskRrn('9001011234567')).toBe('900101-1******');
    expect(maskRrn('900101-1234567')).toBe('900101-1******');
    expect(() => maskRrn('12345')).toThrow();
  });
});

describe('business registration numbers', () => {
  it('compute the check digit like the National Tax Service', () => {
    // 1·1 + 2·3 + 3·7 + 4·1 + 5·3 + 6·7 + 7·1 + 8·3 + 9·5 = 165, plus ⌊9·5 / 10⌋ = 4 → 169;
    // (10 − 9) mod 10 = 1.
    expect(brnCheckDigit('123456789')).toBe(1);
    expect(isSyntheticBrn('1234567891')).toBe(false);
    expect(isSyntheticBrn('1234567890')).toBe(true);
    expect(isSyntheticBrn('123-45-67890')).toBe(true);
  });

  it('are unique, well-formed and deliberately invalid', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    for (let id = 1; id <= 50_000; id++) {
      const brn = syntheticBrn(id, 987_654_321);
      if (!/^[1-8]\d{2}(0[1-9]|[1-7]\d)\d{5}$/.test(brn) || !isSyntheticBrn(brn)) bad.push(brn);
      seen.add(brn);
    }
    expect(bad).toEqual([]);
    expect(seen.size).toBe(50_000);
  });

  it('print as 123-45-67890', () => {
    expect(formatBrn('1234567890')).toBe('123-45-67890');
  });
});

describe('vehicle registration plates', () => {
  it('look like 12가3456 before September 2019 and 123가4567 since', () => {
    expect(syntheticPlate(1, 'twoDigit', 42)).toMatch(/^\d{2}[가-힣]\d{4}$/);
    expect(syntheticPlate(1, 'threeDigit', 42)).toMatch(/^\d{3}[가-힣]\d{4}$/);
    expect(isPassengerPlate('12가3456')).toBe(true);
    expect(isPassengerPlate('123가4567')).toBe(true);
    expect(isPassengerPlate('70가3456')).toBe(false); // vans
    expect(isPassengerPlate('12바3456')).toBe(false); // commercial
    expect(isPassengerPlate('12가0456')).toBe(false);
    expect(isPassengerPlate('12 가 3456')).toBe(false);
  });

  it('are unique and well-formed over a whole format space edge to edge', () => {
    for (const format of ['twoDigit', 'threeDigit'] as const) {
      const seen = new Set<string>();
      const bad: string[] = [];
      const space = plateSpace(format);
      const serials = [...Array.from({ length: 30_000 }, (_, i) => i + 1), ...Array.from({ length: 1_000 }, (_, i) => space - i)];
      for (const serial of serials) {
        const plate = syntheticPlate(serial, format, 123_456_789);
        if (!isPassengerPlate(plate)) bad.push(plate);
        seen.add(plate);
      }
      expect(bad).toEqual([]);
      expect(seen.size).toBe(serials.length);
    }
    expect(() => syntheticPlate(0, 'twoDigit')).toThrow();
    expect(() => syntheticPlate(plateSpace('twoDigit') + 1, 'twoDigit')).toThrow();
  });
});
