// The SD-JWT framing and the card's age rules, without a database: the digest of RFC 9901's own
// example disclosure, splitting and refusing malformed strings, and ages in Korean calendar days.
import { describe, expect, it } from 'vitest';
import { ageOn, birthdayAt, nextAgeChange } from './attributes';
import { createDisclosure, decodeDisclosure, joinSdJwt, sdDigest, SdJwtFormatError, splitSdJwt } from './sd-jwt';

const JWS = 'eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln';

describe('disclosures', () => {
  it('digests a disclosure as RFC 9901 section 4.2.1 does in its example', () => {
    const example = 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0';
    expect(decodeDisclosure(example)).toMatchObject({ salt: '_26bc4LT-ac6q2KI6cBW5es', name: 'family_name', value: 'Möbius' });
    expect(sdDigest(example)).toBe('X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0');
  });

  it('salts every disclosure afresh, so equal values do not give equal digests', () => {
    const a = createDisclosure('age_over_19', true);
    const b = createDisclosure('age_over_19', true);
    expect(a.digest).not.toBe(b.digest);
    expect(decodeDisclosure(a.encoded)).toMatchObject({ name: 'age_over_19', value: true });
    expect(decodeDisclosure(a.encoded).salt).toHaveLength(22);
  });

  it('refuses disclosures that are not [salt, name, value] or carry a reserved claim', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(() => decodeDisclosure(encode(['salt', 'name']))).toThrow(SdJwtFormatError);
    expect(() => decodeDisclosure(encode({ salt: 's' }))).toThrow(SdJwtFormatError);
    expect(() => decodeDisclosure(encode(['salt', '_sd', []]))).toThrow(/may not carry/);
    expect(() => decodeDisclosure(encode(['salt', 'cnf', {}]))).toThrow(/may not carry/);
    expect(() => decodeDisclosure('not base64!')).toThrow(SdJwtFormatError);
    expect(() => createDisclosure('iss', 'x')).toThrow();
  });
});

describe('splitting an SD-JWT', () => {
  it('separates the issuer JWT, the disclosures and the key binding; sd_hash input ends with "~"', () => {
    const d1 = createDisclosure('name', '홍길동').encoded;
    const d2 = createDisclosure('region', { code: '11' }).encoded;
    const sdJwt = joinSdJwt(JWS, [d1, d2]);
    expect(splitSdJwt(sdJwt)).toEqual({ issuerJwt: JWS, disclosures: [d1, d2], keyBindingJwt: null, withoutKeyBinding: sdJwt });
    const withKb = `${sdJwt}${JWS}`;
    expect(splitSdJwt(`  ${withKb}\n`)).toMatchObject({ keyBindingJwt: JWS, withoutKeyBinding: sdJwt });
    expect(splitSdJwt(`${JWS}~`)).toMatchObject({ disclosures: [], keyBindingJwt: null });
  });

  it('refuses strings that are not SD-JWTs', () => {
    for (const text of ['', JWS, 'abc~', `${JWS}~~`, `${JWS}~not base64!~`, `${JWS}~x~not-a-jws`, 'a.b~']) {
      expect(() => splitSdJwt(text), text).toThrow(SdJwtFormatError);
    }
  });
});

describe('ages on the card', () => {
  it('counts full years in calendar days', () => {
    expect(ageOn('2007-11-23', '2026-11-22')).toBe(18);
    expect(ageOn('2007-11-22', '2026-11-22')).toBe(19);
    expect(ageOn('1961-01-01', '2026-11-22')).toBe(65);
  });

  it('ends a card on the day an age attribute would change, 29 February birthdays on 1 March', () => {
    expect(nextAgeChange('2007-11-23', '2026-11-22')).toBe('2026-11-23');
    expect(nextAgeChange('1990-05-01', '2026-11-22')).toBe('2055-05-01');
    expect(nextAgeChange('1950-05-01', '2026-11-22')).toBeNull();
    expect(birthdayAt('2008-02-29', 19)).toBe('2027-03-01');
  });
});
