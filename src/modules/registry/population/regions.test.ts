import { describe, expect, it } from 'vitest';
import { DISTRICTS, PROVINCES, districtByCode, districtStem, districtsOfProvince, postalRangeOf, provinceByCode } from './regions';

describe('regions', () => {
  it('has the 17 provinces with their current codes', () => {
    expect(PROVINCES.map((p) => p.code).sort()).toEqual(
      ['11', '26', '27', '28', '29', '30', '31', '36', '41', '43', '44', '46', '47', '48', '50', '51', '52'],
    );
    expect(provinceByCode('51')?.nameKo).toBe('강원특별자치도');
    expect(provinceByCode('52')?.nameEn).toBe('Jeonbuk State');
    expect(provinceByCode('42')).toBeUndefined(); // Gangwon's code before 2023
    expect(provinceByCode('45')).toBeUndefined(); // Jeonbuk's code before 2024
  });

  it('has about 250 districts, each inside its province and uniquely coded', () => {
    expect(DISTRICTS.length).toBeGreaterThanOrEqual(245);
    expect(new Set(DISTRICTS.map((d) => d.code)).size).toBe(DISTRICTS.length);
    for (const d of DISTRICTS) {
      expect(d.code).toMatch(/^\d{5}$/);
      expect(d.code.slice(0, 2)).toBe(d.provinceCode);
      expect(d.nameKo).toMatch(/[구군시]$/);
    }
    for (const p of PROVINCES) expect(districtsOfProvince(p.code).length).toBeGreaterThan(0);
  });

  it('has all 25 districts of Seoul', () => {
    const seoul = districtsOfProvince('11');
    expect(seoul).toHaveLength(25);
    expect(seoul[0]).toMatchObject({ code: '11110', nameKo: '종로구', nameEn: 'Jongno-gu' });
    expect(seoul[24]).toMatchObject({ code: '11740', nameKo: '강동구', nameEn: 'Gangdong-gu' });
    expect(districtByCode('11680')?.nameEn).toBe('Gangnam-gu');
  });

  it('reflects recent boundary changes', () => {
    expect(districtByCode('27720')?.nameKo).toBe('군위군'); // moved to Daegu in 2023
    expect(districtByCode('41135')?.nameKo).toBe('성남시 분당구');
    expect(districtByCode('41135')?.nameEn).toBe('Bundang-gu, Seongnam-si');
  });

  it('derives road-name stems and postal ranges', () => {
    expect(districtStem(districtByCode('11680')!)).toEqual({ ko: '강남', en: 'Gangnam' });
    expect(districtStem(districtByCode('11140')!)).toBeNull();
    const [low, high] = postalRangeOf(districtByCode('11680')!);
    expect(low).toBeGreaterThanOrEqual(1000);
    expect(high).toBeLessThan(9000);
    expect(low).toBeLessThan(high);
  });
});
