// Resident search over the seeded catalogue: spacing, particles and typos do not change what a
// person finds, the intended service ranks first, and queries no one types are refused clearly.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors';
import { editDistance, hangulCompact, SearchIndex, substringDistance } from './search';
import { SEED_AGENCIES, SEED_BUNDLES, SEED_SERVICES } from './seed';
import { catalogueServices, searchDocumentOf, SERVICE_SEARCH_FIELDS } from './service';

const services = catalogueServices({ agencies: SEED_AGENCIES, services: SEED_SERVICES, bundles: SEED_BUNDLES });
const index = new SearchIndex(services.map(searchDocumentOf), SERVICE_SEARCH_FIELDS);
const ids = (query: string) => index.search(query).map((hit) => hit.id);
const top = (query: string) => ids(query)[0];

describe('Korean search', () => {
  it('finds child allowance first with or without the space, and with a particle', () => {
    expect(top('아동수당')).toBe('child-allowance');
    expect(index.search('아동 수당')).toEqual(index.search('아동수당'));
    expect(index.search('아동수당을')).toEqual(index.search('아동수당'));
    expect(top('  아동   수당  ')).toBe('child-allowance');
  });

  it('"출산" finds the birth services, those named for it first', () => {
    const found = ids('출산');
    expect(found).toEqual(expect.arrayContaining(['birth-registration', 'child-allowance', 'parental-benefit', 'first-meeting-voucher', 'local-birth-grant']));
    expect(services.find((s) => s.id === found[0])!.name.ko).toContain('출산');
    expect(found).not.toContain('basic-pension');
  });

  it('forgives one wrong syllable', () => {
    expect(top('아동수단')).toBe('child-allowance');
    expect(top('기초연굼')).toBe('basic-pension');
    expect(top('부모급어')).toBe('parental-benefit');
    expect(top('장애인연굼')).toBe('disability-pension');
    expect(top('첫만냠이용권')).toBe('first-meeting-voucher');
  });

  it('ranks an exact keyword above a near miss in another name', () => {
    expect(top('어린이집')).toBe('daycare-fee-support');
    expect(top('전입 신고')).toBe('move-in-report');
    expect(top('안심 상속 원스톱')).toBe('safe-inheritance');
    expect(top('실업급여')).toBe('unemployment-benefit');
  });

  it('ignores filler words around the service name', () => {
    expect(top('아동수당 신청 방법')).toBe('child-allowance');
  });
});

describe('English search', () => {
  it('finds the right service despite typos and word order', () => {
    expect(top('child allowance')).toBe('child-allowance');
    expect(top('child alowance')).toBe('child-allowance');
    expect(top('pension basci')).toBe('basic-pension');
    expect(top('unemployment benfit')).toBe('unemployment-benefit');
    expect(top('Safe inheritance')).toBe('safe-inheritance');
  });

  it('matches word beginnings and plurals, and ranks name matches over description matches', () => {
    expect(ids('vacc').slice(0, 2).sort()).toEqual(['infant-vaccination', 'senior-vaccination']);
    expect(top('small business loans')).toBe('small-business-loan');
    expect(ids('pension').slice(0, 4)).toEqual(expect.arrayContaining(['basic-pension', 'disability-pension']));
  });

  it('ignores stop words, so "how to apply for child allowance" still finds it', () => {
    expect(top('how to apply for child allowance')).toBe('child-allowance');
  });
});

describe('odd queries', () => {
  it('returns nothing (and does not throw) for empty, punctuation-only, stop-word-only or unknown text', () => {
    for (const query of ['', '   ', '!!!', '·', 'the', '😀', 'zzzzqqq', "'; DROP TABLE services.services; --"]) {
      expect(index.search(query), JSON.stringify(query)).toEqual([]);
    }
  });

  it('accepts 200 characters and refuses 201 with a problem naming the field', () => {
    expect(() => index.search('아'.repeat(200))).not.toThrow();
    expect(() => index.search('a'.repeat(200))).not.toThrow();
    const error = (() => {
      try {
        index.search('아동수당'.repeat(50) + 'x');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, errors: [{ field: '/querystring/q' }] });
  });

  it('refuses control characters', () => {
    for (const query of ['아동\u0000수당', 'child\nallowance', 'a\u007fb', 'x\u2028y']) {
      expect(() => index.search(query), JSON.stringify(query)).toThrow(AppError);
    }
  });

  it('treats full-width and compatibility forms like ordinary text', () => {
    expect(top('ＣＨＩＬＤ ＡＬＬＯＷＡＮＣＥ')).toBe('child-allowance');
  });
});

describe('building blocks', () => {
  it('compacts Hangul and measures edits', () => {
    expect(hangulCompact('아동 수당(만 8세)')).toBe('아동수당만세');
    expect(editDistance('basci', 'basic')).toBe(1);
    expect(editDistance('alowance', 'allowance')).toBe(1);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(substringDistance('수당', '아동수당을')).toBe(0);
    expect(substringDistance('아동수단', '아동수당')).toBe(1);
  });
});
