// The demo outlets cover the whole country: every region has pharmacies, each inside its region's
// outline, and the stock levels show every band on the map.
import { describe, expect, it } from 'vitest';
import { regionAt, REGIONS } from './geo';
import { stockBand } from './rules';
import { demoOutlets } from './seed';

describe('demo outlets', () => {
  const outlets = demoOutlets();

  it('puts pharmacies in all 17 regions, more in Gyeonggi than in Sejong, each inside its own region', () => {
    expect(REGIONS).toHaveLength(17);
    const byRegion = new Map<string, number>();
    for (const outlet of outlets) {
      byRegion.set(outlet.regionCode, (byRegion.get(outlet.regionCode) ?? 0) + 1);
      expect(regionAt(outlet.position)?.code, outlet.code).toBe(outlet.regionCode);
    }
    expect(byRegion.size).toBe(17);
    expect(byRegion.get('41')!).toBeGreaterThan(byRegion.get('36')!);
    expect(new Set(outlets.map((o) => o.code)).size).toBe(outlets.length);
  });

  it('starts with every stock band present, and is the same on every run', () => {
    expect(new Set(outlets.map((o) => stockBand(o.initialStock)))).toEqual(new Set(['plenty', 'some', 'few', 'empty']));
    expect(demoOutlets()).toEqual(outlets);
  });
});
