import { describe, expect, it } from 'vitest';
import { decomposeHangul, pickGivenName, pickSurname, romanizeFullName, romanizeHangul, romanizeName, SURNAMES } from './names';
import { Random } from './random';

describe('romanizeHangul (Revised Romanization, syllable by syllable)', () => {
  it.each([
    ['한글', 'hangeul'],
    ['서울', 'seoul'],
    ['부산', 'busan'],
    ['독도', 'dokdo'],
    ['꽃', 'kkot'],
    ['닭', 'dak'],
    ['값', 'gap'],
    ['의자', 'uija'],
    ['울릉', 'ulleung'],
    ['테헤란', 'teheran'],
    ['세종', 'sejong'],
  ])('%s → %s', (hangul, expected) => {
    expect(romanizeHangul(hangul)).toBe(expected);
  });

  it('passes through characters that are not Hangul syllables', () => {
    expect(romanizeHangul('PC방 24')).toBe('PCbang 24');
  });

  it('decomposes a syllable into jamo indices with Unicode arithmetic', () => {
    // 한 = ㅎ (18) + ㅏ (0) + ㄴ (4)
    expect(decomposeHangul('한')).toEqual({ initial: 18, medial: 0, final: 4 });
    expect(decomposeHangul('A')).toBeNull();
  });
});

describe('romanized names', () => {
  it.each([
    ['김민준', 'Kim Minjun'],
    ['이서연', 'Lee Seoyeon'],
    ['박지훈', 'Park Jihun'],
    ['최수아', 'Choi Sua'],
    ['정하은', 'Jung Haeun'],
    ['윤서준', 'Yoon Seojun'],
    ['임영희', 'Lim Yeonghui'],
  ])('%s → %s', (name, expected) => {
    expect(romanizeFullName(name)).toBe(expected);
  });

  it('uses the customary surname spelling and one capitalised word for the given name', () => {
    expect(romanizeName({ hangul: '강', romanized: 'Kang' }, '도윤')).toBe('Kang Doyun');
  });
});

describe('name pools', () => {
  it('has about forty surnames covering the vast majority of Koreans', () => {
    expect(SURNAMES.length).toBeGreaterThanOrEqual(40);
    const share = SURNAMES.reduce((sum, [, , percent]) => sum + percent, 0);
    expect(share).toBeGreaterThan(85);
    expect(share).toBeLessThanOrEqual(100);
  });

  it('draws Kim about a fifth of the time', () => {
    const random = new Random(1);
    let kims = 0;
    for (let i = 0; i < 20_000; i++) if (pickSurname(random).hangul === '김') kims++;
    expect(kims / 20_000).toBeGreaterThan(0.19);
    expect(kims / 20_000).toBeLessThan(0.26);
  });

  it('gives names of one or two Hangul syllables without a repeated syllable', () => {
    const random = new Random(2);
    for (let i = 0; i < 2_000; i++) {
      const name = pickGivenName(random, i % 2 ? 'M' : 'F', 1940 + (i % 86));
      expect(name).toMatch(/^[가-힣]{1,2}$/);
      if (name.length === 2) expect(name[0]).not.toBe(name[1]);
    }
  });
});
