// The demo programme (public face masks at pharmacies, 2020: two masks per person per week,
// purchase day by the last digit of the birth year) and its synthetic outlets: pharmacies in every
// one of the 17 regions, more where more people live, placed inside the region's outline, with a
// seeded mix of stock levels. Deterministic: the same seed gives the same outlets everywhere.
import { Random } from '../registry/population/random';
import { PROVINCES } from '../registry/population/regions';
import { boundingBox, regionAt, REGIONS, type Position } from './geo';
import { MASK_DAY_RULE, type DayRule, type Period } from './rules';

export interface ProgrammeSpec {
  slug: string;
  item: { ko: string; en: string };
  limitPerPerson: number;
  period: Period;
  dayRule: DayRule;
}

export const MASK_PROGRAMME: ProgrammeSpec = {
  slug: 'public-face-masks',
  item: { ko: '공적 마스크', en: 'Public face masks' },
  limitPerPerson: 2,
  period: 'week',
  dayRule: MASK_DAY_RULE,
};

export interface OutletSpec {
  code: string;
  name: { ko: string; en: string };
  regionCode: string;
  address: { ko: string; en: string };
  position: Position;
  initialStock: number;
}

const NAMES: ReadonlyArray<readonly [string, string]> = [
  ['온누리', 'Onnuri'], ['행복', 'Haengbok'], ['건강', 'Geongang'], ['새봄', 'Saebom'], ['사랑', 'Sarang'],
  ['중앙', 'Jungang'], ['우리', 'Uri'], ['푸른', 'Pureun'], ['한빛', 'Hanbit'], ['미소', 'Miso'],
  ['늘푸른', 'Neulpureun'], ['참좋은', 'Chamjoeun'], ['바른', 'Bareun'], ['시민', 'Simin'], ['하나', 'Hana'],
];

/** How many pharmacies a region gets: three, plus one per 500,000 residents. */
export function outletCount(weightInThousands: number): number {
  return 3 + Math.round(weightInThousands / 500);
}

export function demoOutlets(seed = 2020): OutletSpec[] {
  const random = new Random(seed);
  const outlets: OutletSpec[] = [];
  for (const province of PROVINCES) {
    const region = REGIONS.find((r) => r.code === province.code)!;
    const box = boundingBox(region);
    const count = outletCount(province.weight);
    for (let n = 1; n <= count; n += 1) {
      let position: Position;
      do {
        position = [box.west + random.next() * (box.east - box.west), box.south + random.next() * (box.north - box.south)];
      } while (regionAt(position)?.code !== region.code);
      const [nameKo, nameEn] = NAMES[random.int(0, NAMES.length - 1)]!;
      const street = random.int(1, 299);
      // A mix of every band: mostly some stock, a few sold out.
      const band = random.next();
      const initialStock = band < 0.15 ? random.int(0, 1) : band < 0.4 ? random.int(2, 29) : band < 0.75 ? random.int(30, 99) : random.int(100, 250);
      outlets.push({
        code: `PH-${province.code}-${String(n).padStart(3, '0')}`,
        name: { ko: `${nameKo}약국 ${province.shortKo}${n}호점`, en: `${nameEn} Pharmacy ${province.nameEn} no. ${n}` },
        regionCode: province.code,
        address: { ko: `${province.nameKo} 중앙로 ${street}`, en: `${street} Jungang-ro, ${province.nameEn}` },
        position: [Math.round(position[0] * 1e5) / 1e5, Math.round(position[1] * 1e5) / 1e5],
        initialStock,
      });
    }
  }
  return outlets;
}
