// The synthetic population of Korea: households, residents, family relations, incomes,
// disabilities, businesses and vehicles, generated deterministically from a seed. Nothing here
// describes a real person; the distributions are only shaped after published Korean statistics so
// that the services built on top see realistic cases (single elderly people, newborns, adult
// children living with their parents, self-employed owners, car owners, …).
//
// Determinism: every value comes from seeded generators consumed household by household in one
// fixed order, so the output depends only on (seed, residents, asOf) — never on the chunk size,
// the clock or the machine. Chunks only decide where the stream is cut, always between households.
//
// Family relations read "relative_id is resident_id's <relation>": a parent P with child C gives
// (P, C, 'child') and (C, P, 'parent'); spouses S and T give (S, T, 'spouse') and (T, S, 'spouse').
// Every relation is stored in both directions.
import { RrnIssuer, syntheticBrn, syntheticPlate, type PlateFormat, type Sex } from './identifiers';
import { pickGivenName, pickSurname, romanizeHangul, capitalize, romanizeName, type Surname } from './names';
import { Random, WeightedTable } from './random';
import {
  PROVINCES,
  districtAppearsInAddress,
  districtStem,
  districtsOfProvince,
  postalRangeOf,
  type District,
  type Province,
} from './regions';

/** Ages, "newborn" and incomes are relative to this day unless `asOf` is given. */
export const DEFAULT_AS_OF = '2026-11-22';
export const DEFAULT_CHUNK_SIZE = 10_000;
export const TAX_YEARS = [2024, 2025] as const;

export type HouseholdRole = 'head' | 'spouse' | 'child' | 'parent' | 'other';
export type Relation = 'spouse' | 'parent' | 'child';

export interface HouseholdRecord {
  id: number;
  regionCode: string;
  districtCode: string;
  addressKo: string;
  addressEn: string;
  postalCode: string;
}

export interface ResidentRecord {
  id: number;
  rrn: string;
  nameKo: string;
  nameRomanized: string;
  birthDate: string;
  sex: Sex;
  householdId: number;
  householdRole: HouseholdRole;
  registeredOn: string;
  deceasedOn: string | null;
}

export interface RelationRecord {
  residentId: number;
  relativeId: number;
  relation: Relation;
}

export interface IncomeRecord {
  residentId: number;
  taxYear: number;
  earnedIncomeKrw: number;
  businessIncomeKrw: number;
}

export interface DisabilityRecord {
  residentId: number;
  category: DisabilityCategory;
  severity: 'severe' | 'mild';
  registeredOn: string;
}

export interface BusinessRecord {
  id: number;
  brn: string;
  nameKo: string;
  nameEn: string;
  ownerResidentId: number;
  industryCode: string;
  regionCode: string;
  districtCode: string;
  openedOn: string;
  closedOn: string | null;
}

export const FUELS = ['gasoline', 'diesel', 'lpg', 'hybrid', 'electric', 'hydrogen'] as const;
export type Fuel = (typeof FUELS)[number];

export interface VehicleRecord {
  id: number;
  /** Synthetic plate in the national format, e.g. 12가3456 (123가4567 since September 2019). */
  plateNumber: string;
  ownerResidentId: number;
  /** An invented model name (no real manufacturer's), e.g. "Gaon 1.6 HEV". */
  model: string;
  fuel: Fuel;
  firstRegisteredOn: string;
  /** Province (시·도) where the vehicle is registered. */
  regionCode: string;
}

export interface PopulationChunk {
  households: HouseholdRecord[];
  residents: ResidentRecord[];
  relations: RelationRecord[];
  incomes: IncomeRecord[];
  disabilities: DisabilityRecord[];
  businesses: BusinessRecord[];
  vehicles: VehicleRecord[];
}

export interface PopulationOptions {
  seed: number;
  residents: number;
  /** Residents per yielded chunk (a chunk ends at the first household boundary past this). */
  chunkSize?: number;
  /** Reference day (YYYY-MM-DD) for ages and registration dates. */
  asOf?: string;
}

/** The 15 disability types of the Act on Welfare of Persons with Disabilities (장애인복지법). */
export const DISABILITY_CATEGORIES = {
  physical: '지체장애',
  brain_lesion: '뇌병변장애',
  visual: '시각장애',
  hearing: '청각장애',
  speech: '언어장애',
  facial: '안면장애',
  kidney: '신장장애',
  heart: '심장장애',
  liver: '간장애',
  respiratory: '호흡기장애',
  stoma: '장루·요루장애',
  epilepsy: '뇌전증장애',
  intellectual: '지적장애',
  autism: '자폐성장애',
  mental: '정신장애',
} as const;
export type DisabilityCategory = keyof typeof DISABILITY_CATEGORIES;

/** KSIC (Korean Standard Industrial Classification) sections used for the synthetic businesses. */
export const KSIC_SECTIONS = {
  A: 'Agriculture, forestry and fishing',
  C: 'Manufacturing',
  F: 'Construction',
  G: 'Wholesale and retail trade',
  H: 'Transportation and storage',
  I: 'Accommodation and food service activities',
  J: 'Information and communication',
  L: 'Real estate activities',
  M: 'Professional, scientific and technical activities',
  N: 'Business facilities management and business support services',
  P: 'Education',
  Q: 'Human health and social work activities',
  R: 'Arts, sports and recreation related services',
  S: 'Membership organizations, repair and other personal services',
} as const;
export type KsicSection = keyof typeof KSIC_SECTIONS;

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on day numbers (days since 1970-01-01), which is exact, fast and free of
// time zones; Howard Hinnant's civil-calendar algorithms.

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const isoCache = new Map<number, string>();
export function isoFromDays(days: number): string {
  let iso = isoCache.get(days);
  if (iso === undefined) {
    const [y, m, d] = civilFromDays(days);
    iso = `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
    if (isoCache.size < 200_000) isoCache.set(days, iso);
  }
  return iso;
}

export function daysFromIso(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new Error(`expected YYYY-MM-DD, got ${iso}`);
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** The same calendar day `years` later (negative: earlier); 29 February falls back to the 28th. */
function shiftYears(days: number, years: number): number {
  const [y, m, d] = civilFromDays(days);
  const target = y + years;
  const leap = (target % 4 === 0 && target % 100 !== 0) || target % 400 === 0;
  return daysFromCivil(target, m, m === 2 && d === 29 && !leap ? 28 : d);
}

/** Whole years between two days, the way ages are counted (만 나이). */
export function ageOn(birthDays: number, onDays: number): number {
  const [by, bm, bd] = civilFromDays(birthDays);
  const [y, m, d] = civilFromDays(onDays);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

// Parents are at least 20 and at most 45 calendar years older than each child. In days, with a
// margin that holds in any calendar: 20 years never exceed 7,306 days, 45 years never fall short
// of 16,436.
export const MIN_PARENT_GAP_DAYS = 7_310;
export const MAX_PARENT_GAP_DAYS = 16_430;
const YEAR = 365.2425;

// ---------------------------------------------------------------------------------------------
// Distributions. Shares follow Statistics Korea's 2023–2024 household and population surveys,
// except that babies are made about twice as common as in reality (~1% of residents) so that small
// demo populations always contain newborns (services notify their parents).

type HouseholdKind = 'single' | 'couple' | 'family' | 'singleParent' | 'threeGeneration' | 'withParents' | 'shared';

const HOUSEHOLD_KINDS = new WeightedTable<HouseholdKind>([
  ['single', 35],
  ['couple', 23],
  ['family', 25],
  ['singleParent', 6],
  ['threeGeneration', 4],
  ['withParents', 4],
  ['shared', 3],
]);

/** Table over integer ages from weights given per inclusive age band. */
function ageTable(bands: ReadonlyArray<readonly [from: number, to: number, weightPerYear: number]>): WeightedTable<number> {
  const entries: Array<readonly [number, number]> = [];
  for (const [from, to, weight] of bands) for (let age = from; age <= to; age++) entries.push([age, weight] as const);
  return new WeightedTable(entries);
}

const SINGLE_AGE = ageTable([
  [19, 24, 1.3], [25, 29, 2.2], [30, 34, 1.9], [35, 39, 1.4], [40, 49, 1.1], [50, 59, 1.5],
  [60, 69, 1.9], [70, 79, 1.7], [80, 89, 1.0], [90, 100, 0.12],
]);
const COUPLE_HUSBAND_AGE = ageTable([
  [25, 34, 0.9], [35, 49, 0.5], [50, 59, 2.0], [60, 69, 3.6], [70, 79, 2.6], [80, 92, 0.7],
]);
const FAMILY_YOUNGEST_AGE = ageTable([
  [0, 0, 6], [1, 5, 2.2], [6, 12, 2.6], [13, 18, 3.0], [19, 25, 2.6], [26, 35, 0.8],
]);
const SINGLE_PARENT_YOUNGEST_AGE = ageTable([
  [0, 0, 2], [1, 5, 2.5], [6, 12, 4], [13, 18, 5], [19, 25, 3], [26, 32, 1],
]);
const THREE_GENERATION_YOUNGEST_AGE = ageTable([[0, 0, 6], [1, 5, 5], [6, 12, 4], [13, 18, 3], [19, 25, 1.5]]);
const WITH_PARENTS_HEAD_AGE = ageTable([[25, 39, 1], [40, 54, 1.6], [55, 68, 1.2]]);
const SHARED_HEAD_AGE = ageTable([[20, 29, 3], [30, 44, 1.5], [45, 70, 0.4]]);
const CHILD_COUNT = new WeightedTable<number>([[1, 45], [2, 44], [3, 11]]);
const SIBLING_GAP_YEARS = new WeightedTable<number>([[1, 12], [2, 35], [3, 28], [4, 15], [5, 10]]);

const DISABILITY_ADULT = new WeightedTable<DisabilityCategory>([
  ['physical', 43.5], ['hearing', 16.5], ['brain_lesion', 9.5], ['visual', 9.5], ['intellectual', 8.5],
  ['mental', 4.0], ['kidney', 4.0], ['autism', 1.0], ['speech', 0.9], ['stoma', 0.6], ['liver', 0.5],
  ['respiratory', 0.4], ['epilepsy', 0.3], ['heart', 0.2], ['facial', 0.1],
]);
const DISABILITY_CHILD = new WeightedTable<DisabilityCategory>([
  ['intellectual', 40], ['autism', 30], ['brain_lesion', 9], ['physical', 7], ['hearing', 6], ['speech', 3],
  ['visual', 3], ['epilepsy', 1], ['kidney', 0.5], ['heart', 0.5],
]);

interface BusinessKind {
  ko: string;
  en: string;
}
const BUSINESS_KINDS: Readonly<Record<KsicSection, readonly BusinessKind[]>> = {
  A: [{ ko: '농장', en: 'Farm' }, { ko: '과수원', en: 'Orchard' }, { ko: '영농', en: 'Agriculture' }],
  C: [{ ko: '공업사', en: 'Industrial' }, { ko: '식품', en: 'Foods' }, { ko: '정밀', en: 'Precision' }, { ko: '섬유', en: 'Textile' }],
  F: [{ ko: '건설', en: 'Construction' }, { ko: '인테리어', en: 'Interior' }, { ko: '설비', en: 'Facilities' }],
  G: [
    { ko: '상회', en: 'Store' }, { ko: '마트', en: 'Mart' }, { ko: '상사', en: 'Trading' }, { ko: '유통', en: 'Distribution' },
    { ko: '문구', en: 'Stationery' }, { ko: '꽃집', en: 'Flower Shop' }, { ko: '약국', en: 'Pharmacy' }, { ko: '철물점', en: 'Hardware' },
  ],
  H: [{ ko: '운수', en: 'Transport' }, { ko: '물류', en: 'Logistics' }, { ko: '용달', en: 'Delivery' }, { ko: '택배', en: 'Courier' }],
  I: [
    { ko: '식당', en: 'Restaurant' }, { ko: '카페', en: 'Cafe' }, { ko: '분식', en: 'Snack Bar' }, { ko: '치킨', en: 'Chicken' },
    { ko: '베이커리', en: 'Bakery' }, { ko: '민박', en: 'Guesthouse' }, { ko: '국밥', en: 'Gukbap' },
  ],
  J: [{ ko: '소프트', en: 'Soft' }, { ko: '미디어', en: 'Media' }, { ko: '출판', en: 'Publishing' }],
  L: [{ ko: '부동산', en: 'Real Estate' }, { ko: '공인중개사사무소', en: 'Realty' }],
  M: [{ ko: '디자인', en: 'Design' }, { ko: '컨설팅', en: 'Consulting' }, { ko: '세무회계', en: 'Tax & Accounting' }, { ko: '사진관', en: 'Photo Studio' }],
  N: [{ ko: '렌탈', en: 'Rental' }, { ko: '인력', en: 'Staffing' }, { ko: '청소', en: 'Cleaning' }],
  P: [{ ko: '학원', en: 'Academy' }, { ko: '교습소', en: 'Tutoring' }, { ko: '어학원', en: 'Language Academy' }],
  Q: [{ ko: '의원', en: 'Clinic' }, { ko: '한의원', en: 'Korean Medicine Clinic' }, { ko: '치과', en: 'Dental Clinic' }],
  R: [{ ko: 'PC방', en: 'PC Bang' }, { ko: '체육관', en: 'Gym' }, { ko: '노래연습장', en: 'Karaoke' }, { ko: '스튜디오', en: 'Studio' }],
  S: [{ ko: '미용실', en: 'Hair Salon' }, { ko: '세탁소', en: 'Laundry' }, { ko: '수선', en: 'Repair' }, { ko: '네일', en: 'Nail Salon' }],
};
const KSIC_TABLE = new WeightedTable<KsicSection>([
  ['G', 24], ['I', 21], ['H', 10], ['S', 8], ['F', 7], ['L', 6], ['M', 6], ['C', 5], ['P', 5],
  ['Q', 2], ['J', 2], ['N', 2], ['R', 2], ['A', 2],
]);
// Brand words for shop names (plain words, no real company's brand), romanized with the same
// Revised Romanization as names.
const BRAND_WORDS = [
  '한빛', '새봄', '다온', '푸른', '하늘', '미소', '행복', '온누리', '으뜸', '바른', '햇살', '늘봄', '소나무', '가람',
  '누리', '한솔', '보람', '나래', '별빛', '우리', '두레', '해오름', '초록', '단비', '참좋은', '초롱', '제일', '대성',
  '동방', '새솔', '한마음', '서울', '태양', '금강', '백두', '한결', '다솜', '아름', '청솔', '은하',
];

// Road names: generic roots (chosen so that syllable-by-syllable romanization matches the
// official spelling) plus a few well-known real roads for famous districts.
const ROAD_ROOTS = [
  '중앙', '시청', '문화', '공원', '역전', '번영', '평화', '산업', '희망', '새마을', '은행', '소나무', '하늘', '햇살',
  '장미', '호수', '강변', '해안', '동산', '서원', '향교', '시장', '봉화', '무지개', '청춘', '행복', '미래', '사랑',
  '우정', '화랑', '충효', '태평', '만세', '통일', '광장', '금강', '가야', '매화', '목련', '개나리', '진달래', '들꽃',
  '솔밭', '느티', '버들', '온천', '대학', '성곽', '구름', '별빛',
];
const FAMOUS_ROADS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  '11110': [['종로', 'Jong-ro'], ['세종대로', 'Sejong-daero'], ['율곡로', 'Yulgok-ro'], ['대학로', 'Daehak-ro']],
  '11140': [['을지로', 'Eulji-ro'], ['퇴계로', 'Toegye-ro'], ['세종대로', 'Sejong-daero']],
  '11440': [['월드컵로', 'World Cup-ro'], ['양화로', 'Yanghwa-ro'], ['독막로', 'Dongmak-ro']],
  '11650': [['서초대로', 'Seocho-daero'], ['반포대로', 'Banpo-daero'], ['강남대로', 'Gangnam-daero']],
  '11680': [['테헤란로', 'Teheran-ro'], ['강남대로', 'Gangnam-daero'], ['도산대로', 'Dosan-daero'], ['선릉로', 'Seolleung-ro'], ['봉은사로', 'Bongeunsa-ro']],
  '11710': [['올림픽로', 'Olympic-ro'], ['송파대로', 'Songpa-daero'], ['석촌호수로', 'Seokchonhosu-ro']],
  '26350': [['해운대로', 'Haeundae-ro'], ['센텀중앙로', 'Centum jungang-ro'], ['달맞이길', 'Dalmaji-gil']],
  '36110': [['한누리대로', 'Hannuri-daero'], ['갈매로', 'Galmae-ro'], ['다솜로', 'Dasom-ro']],
  '50110': [['연북로', 'Yeonbuk-ro'], ['노형로', 'Nohyeong-ro'], ['중앙로', 'Jungang-ro']],
};

const PROVINCE_TABLE = new WeightedTable<Province>(PROVINCES.map((p) => [p, p.weight] as const));

// Vehicles: about 40% of adults own at least one car (an assumption for the demo, shaped by age:
// fewest among the youngest and oldest adults); the fuel mix follows the year of first
// registration, roughly as Korea moved from diesel to hybrids and electric cars. Model names are
// invented words, never a real manufacturer's.
export const ADULT_AGE = 19;
const NEW_PLATE_FORMAT_FROM = daysFromCivil(2019, 9, 1);
const FUEL_BY_ERA: ReadonlyArray<readonly [beforeYear: number, table: WeightedTable<Fuel>]> = [
  [2010, new WeightedTable<Fuel>([['gasoline', 55], ['diesel', 30], ['lpg', 15]])],
  [2018, new WeightedTable<Fuel>([['gasoline', 45], ['diesel', 40], ['lpg', 8], ['hybrid', 7]])],
  [2022, new WeightedTable<Fuel>([['gasoline', 50], ['diesel', 25], ['lpg', 6], ['hybrid', 13], ['electric', 5], ['hydrogen', 1]])],
  [Infinity, new WeightedTable<Fuel>([['gasoline', 48], ['diesel', 8], ['lpg', 5], ['hybrid', 25], ['electric', 13], ['hydrogen', 1]])],
];
const MODEL_NAMES = ['Nuri', 'Gaon', 'Haneul', 'Baram', 'Byeol', 'Dasol', 'Mirae', 'Sora', 'Areum', 'Ieum', 'Saebit', 'Hanbit'] as const;
const MODEL_VARIANTS: Readonly<Record<Fuel, readonly string[]>> = {
  gasoline: ['1.6', '1.6T', '2.0', '2.5T', '3.5'],
  diesel: ['1.6D', '2.0D', '2.2D'],
  lpg: ['2.0 LPi', '3.0 LPi'],
  hybrid: ['1.6 HEV', '2.0 HEV'],
  electric: ['EV', 'EV Long Range'],
  hydrogen: ['FCEV'],
};

// ---------------------------------------------------------------------------------------------

interface MemberPlan {
  role: HouseholdRole;
  sex: Sex;
  birth: number;
  surname: Surname;
}

interface HouseholdPlan {
  members: MemberPlan[];
  spouses: Array<[number, number]>;
  /** [parent index, child index] */
  parentOf: Array<[number, number]>;
}

function emptyChunk(): PopulationChunk {
  return { households: [], residents: [], relations: [], incomes: [], disabilities: [], businesses: [], vehicles: [] };
}

class PopulationBuilder {
  // Separate streams per concern: changing, say, how incomes are drawn must not reshuffle who
  // lives with whom for the same seed.
  private readonly structure: Random;
  private readonly naming: Random;
  private readonly places: Random;
  private readonly economy: Random;
  private readonly vehicleStream: Random;
  private readonly rrns = new RrnIssuer();
  private readonly brnSalt: number;
  private readonly plateSalts: Record<PlateFormat, number>;
  private readonly asOf: number;
  private readonly earliestBirth: number;
  private readonly birthWindow: Array<readonly [number, number]> = [];
  private nextResident = 1;
  private nextHousehold = 1;
  private nextBusiness = 1;
  private nextVehicle = 1;
  private readonly platesIssued: Record<PlateFormat, number> = { twoDigit: 0, threeDigit: 0 };

  constructor(seed: number, asOf: string) {
    const root = new Random(seed);
    this.structure = root.fork(1);
    this.naming = root.fork(2);
    this.places = root.fork(3);
    this.economy = root.fork(4);
    this.brnSalt = root.nextUint32();
    // Drawn after everything older, so adding vehicles changed nothing else for a given seed.
    this.vehicleStream = root.fork(5);
    this.plateSalts = { twoDigit: root.nextUint32(), threeDigit: root.nextUint32() };
    this.asOf = daysFromIso(asOf);
    this.earliestBirth = shiftYears(this.asOf, -101) + 1;
    for (let age = 0; age <= 100; age++) {
      this.birthWindow.push([shiftYears(this.asOf, -(age + 1)) + 1, shiftYears(this.asOf, -age)] as const);
    }
  }

  get residentsMade(): number {
    return this.nextResident - 1;
  }

  private birthForAge(age: number): number {
    const [from, to] = this.birthWindow[Math.min(100, Math.max(0, age))] as readonly [number, number];
    return this.structure.int(from, to);
  }

  private clampDay(day: number, from: number, to: number): number {
    return Math.min(to, Math.max(from, day));
  }

  private person(role: HouseholdRole, sex: Sex, birth: number, surname?: Surname): MemberPlan {
    return { role, sex, birth, surname: surname ?? pickSurname(this.naming) };
  }

  private wifeBirth(husbandBirth: number): number {
    const gapDays = Math.round(this.structure.normal(2.5, 2.5) * YEAR);
    return this.clampDay(husbandBirth + gapDays, this.earliestBirth, shiftYears(this.asOf, -19));
  }

  /**
   * Parents and their children, built backwards from the youngest child so the share of babies
   * is controlled directly. Returns members oldest-first after the parents.
   */
  private family(youngestAge: number, parents: 'both' | 'mother' | 'father', maxChildren: number): HouseholdPlan {
    const s = this.structure;
    const youngest = this.birthForAge(youngestAge);
    const motherAgeAtYoungest = Math.min(45, Math.max(20, Math.round(s.normal(33, 4.5))));
    const motherBirth = this.clampDay(
      youngest - Math.round(motherAgeAtYoungest * YEAR) - s.int(0, 364),
      youngest - MAX_PARENT_GAP_DAYS,
      youngest - MIN_PARENT_GAP_DAYS,
    );
    const births = [youngest];
    const wanted = Math.min(maxChildren, CHILD_COUNT.draw(s));
    while (births.length < wanted) {
      const previous = births[births.length - 1] as number;
      const gap = Math.round(SIBLING_GAP_YEARS.draw(s) * YEAR) + s.int(-90, 90);
      const birth = previous - Math.max(300, gap);
      if (birth - motherBirth < MIN_PARENT_GAP_DAYS) break;
      births.push(birth);
    }
    births.reverse();
    const oldest = births[0] as number;
    // The father is usually a couple of years older, but never outside the 20–45-year window.
    const fatherBirth = this.clampDay(
      motherBirth - Math.round(s.normal(2.5, 2.5) * YEAR),
      Math.max(youngest - MAX_PARENT_GAP_DAYS, this.earliestBirth),
      oldest - MIN_PARENT_GAP_DAYS,
    );

    const father = this.person('head', 'M', fatherBirth);
    const mother = this.person('head', 'F', motherBirth);
    const members: MemberPlan[] = [];
    const plan: HouseholdPlan = { members, spouses: [], parentOf: [] };
    let childSurname: Surname;
    if (parents === 'both') {
      const fatherIsHead = s.chance(0.85);
      father.role = fatherIsHead ? 'head' : 'spouse';
      mother.role = fatherIsHead ? 'spouse' : 'head';
      members.push(fatherIsHead ? father : mother, fatherIsHead ? mother : father);
      plan.spouses.push([0, 1]);
      childSurname = father.surname;
    } else if (parents === 'mother') {
      members.push(mother);
      childSurname = s.chance(0.7) ? pickSurname(this.naming) : mother.surname;
    } else {
      members.push(father);
      childSurname = father.surname;
    }
    const parentCount = members.length;
    for (const birth of births) {
      const index = members.push(this.person('child', s.chance(0.512) ? 'M' : 'F', birth, childSurname)) - 1;
      for (let p = 0; p < parentCount; p++) plan.parentOf.push([p, index]);
    }
    return plan;
  }

  /** One or two parents of `childIndex` (an adult), as old as the 20–45-year rule and age 100 allow. */
  private addElderlyParents(plan: HouseholdPlan, childIndex: number, count: 1 | 2): void {
    const s = this.structure;
    const child = plan.members[childIndex] as MemberPlan;
    const from = Math.max(child.birth - MAX_PARENT_GAP_DAYS, this.earliestBirth);
    const to = child.birth - MIN_PARENT_GAP_DAYS;
    if (from > to) return;
    const motherBirth = this.clampDay(child.birth - Math.round(s.normal(28, 4) * YEAR), from, to);
    const fatherBirth = this.clampDay(motherBirth - Math.round(s.normal(2.5, 2.5) * YEAR), from, to);
    const both = count === 2;
    const withFather = both || s.chance(0.3);
    const added: number[] = [];
    // Korean children take their father's surname, so his is known; the mother kept her own.
    if (withFather) added.push(plan.members.push(this.person('parent', 'M', fatherBirth, child.surname)) - 1);
    if (both || !withFather) added.push(plan.members.push(this.person('parent', 'F', motherBirth)) - 1);
    if (added.length === 2) plan.spouses.push([added[0] as number, added[1] as number]);
    for (const parent of added) plan.parentOf.push([parent, childIndex]);
  }

  private planHousehold(): HouseholdPlan {
    const s = this.structure;
    const kind = HOUSEHOLD_KINDS.draw(s);
    switch (kind) {
      case 'single': {
        const age = SINGLE_AGE.draw(s);
        const maleShare = age < 60 ? 0.62 : age < 70 ? 0.48 : 0.27;
        return { members: [this.person('head', s.chance(maleShare) ? 'M' : 'F', this.birthForAge(age))], spouses: [], parentOf: [] };
      }
      case 'couple': {
        const husband = this.birthForAge(COUPLE_HUSBAND_AGE.draw(s));
        const husbandIsHead = s.chance(0.88);
        const h = this.person(husbandIsHead ? 'head' : 'spouse', 'M', husband);
        const w = this.person(husbandIsHead ? 'spouse' : 'head', 'F', this.wifeBirth(husband));
        return { members: husbandIsHead ? [h, w] : [w, h], spouses: [[0, 1]], parentOf: [] };
      }
      case 'family':
        return this.family(FAMILY_YOUNGEST_AGE.draw(s), 'both', 3);
      case 'singleParent':
        return this.family(SINGLE_PARENT_YOUNGEST_AGE.draw(s), s.chance(0.78) ? 'mother' : 'father', 2);
      case 'threeGeneration': {
        const plan = this.family(THREE_GENERATION_YOUNGEST_AGE.draw(s), 'both', 3);
        this.addElderlyParents(plan, 0, s.chance(0.25) ? 2 : 1);
        return plan;
      }
      case 'withParents': {
        const head = this.person('head', s.chance(0.5) ? 'M' : 'F', this.birthForAge(WITH_PARENTS_HEAD_AGE.draw(s)));
        const plan: HouseholdPlan = { members: [head], spouses: [], parentOf: [] };
        this.addElderlyParents(plan, 0, s.chance(0.4) ? 2 : 1);
        return plan;
      }
      case 'shared': {
        const headAge = SHARED_HEAD_AGE.draw(s);
        const sex: Sex = s.chance(0.5) ? 'M' : 'F';
        const members = [this.person('head', sex, this.birthForAge(headAge))];
        const others = s.chance(0.75) ? 1 : 2;
        for (let i = 0; i < others; i++) {
          const age = Math.min(100, Math.max(19, headAge + s.int(-6, 6)));
          members.push(this.person('other', s.chance(0.7) ? sex : sex === 'M' ? 'F' : 'M', this.birthForAge(age)));
        }
        return { members, spouses: [], parentOf: [] };
      }
    }
  }

  private address(district: District, province: Province): { ko: string; en: string; postal: string } {
    const r = this.places;
    let roadKo: string;
    let roadEn: string;
    const famous = FAMOUS_ROADS[district.code];
    const stem = districtStem(district);
    if (famous && r.chance(0.35)) {
      [roadKo, roadEn] = r.pick(famous);
    } else if (stem && r.chance(0.2)) {
      const grand = r.chance(0.4);
      roadKo = stem.ko + (grand ? '대로' : '로');
      roadEn = `${stem.en}-${grand ? 'daero' : 'ro'}`;
    } else {
      const rootKo = r.pick(ROAD_ROOTS);
      const rootEn = capitalize(romanizeHangul(rootKo));
      const form = r.next();
      if (form < 0.55) [roadKo, roadEn] = [`${rootKo}로`, `${rootEn}-ro`];
      else if (form < 0.72) [roadKo, roadEn] = [`${rootKo}길`, `${rootEn}-gil`];
      else if (form < 0.82) [roadKo, roadEn] = [`${rootKo}대로`, `${rootEn}-daero`];
      else {
        const n = r.int(1, 120);
        [roadKo, roadEn] = [`${rootKo}로${n}번길`, `${rootEn}-ro ${n}beon-gil`];
      }
    }
    const main = 1 + Math.min(998, Math.floor(r.exponential(90)));
    const building = r.chance(0.1) ? `${main}-${r.int(1, 30)}` : String(main);
    let unitKo = '';
    let unitEn = '';
    if (r.chance(0.55)) {
      const dong = 100 + r.int(1, 20);
      const ho = r.int(1, 25) * 100 + r.int(1, 4);
      unitKo = `, ${dong}동 ${ho}호`;
      unitEn = `${dong}-dong ${ho}-ho, `;
    }
    const inAddress = districtAppearsInAddress(district);
    const ko = `${province.nameKo}${inAddress ? ` ${district.nameKo}` : ''} ${roadKo} ${building}${unitKo}`;
    const en = `${unitEn}${building} ${roadEn}, ${inAddress ? `${district.nameEn}, ` : ''}${province.nameEn}`;
    const [low, high] = postalRangeOf(district);
    return { ko, en, postal: String(r.int(low, high)).padStart(5, '0') };
  }

  /** Generates one household into `out`, with at most `limit` members. */
  household(out: PopulationChunk, limit: number): number {
    const plan = this.planHousehold();
    const size = Math.min(limit, plan.members.length);
    const householdId = this.nextHousehold++;
    const province = PROVINCE_TABLE.draw(this.places);
    const district = this.places.pick(districtsOfProvince(province.code));
    const address = this.address(district, province);
    out.households.push({
      id: householdId,
      regionCode: province.code,
      districtCode: district.code,
      addressKo: address.ko,
      addressEn: address.en,
      postalCode: address.postal,
    });

    // Moved in a few years ago on average (Koreans move often), never before the head turned 18.
    const head = plan.members[0] as MemberPlan;
    const earliestMove = Math.max(shiftYears(head.birth, 18), this.asOf - Math.floor(40 * YEAR));
    let movedIn = this.asOf - Math.floor(this.structure.exponential(7) * YEAR);
    if (movedIn < earliestMove) movedIn = this.structure.int(earliestMove, this.asOf);

    const ids: number[] = [];
    for (let i = 0; i < size; i++) {
      const m = plan.members[i] as MemberPlan;
      const id = this.nextResident++;
      ids.push(id);
      const birthIso = isoFromDays(m.birth);
      const birthYear = Number(birthIso.slice(0, 4));
      const given = pickGivenName(this.naming, m.sex, birthYear);
      // Births are reported within a month (출생신고 deadline), which is when registration starts.
      const registered = m.birth >= movedIn ? Math.min(this.asOf, m.birth + this.structure.int(3, 30)) : movedIn;
      out.residents.push({
        id,
        rrn: this.rrns.issue(birthIso, m.sex),
        nameKo: m.surname.hangul + given,
        nameRomanized: romanizeName(m.surname, given),
        birthDate: birthIso,
        sex: m.sex,
        householdId,
        householdRole: m.role,
        registeredOn: isoFromDays(registered),
        deceasedOn: null,
      });
    }
    for (const [a, b] of plan.spouses) {
      if (a >= size || b >= size) continue;
      out.relations.push({ residentId: ids[a] as number, relativeId: ids[b] as number, relation: 'spouse' });
      out.relations.push({ residentId: ids[b] as number, relativeId: ids[a] as number, relation: 'spouse' });
    }
    for (const [parent, child] of plan.parentOf) {
      if (parent >= size || child >= size) continue;
      out.relations.push({ residentId: ids[parent] as number, relativeId: ids[child] as number, relation: 'child' });
      out.relations.push({ residentId: ids[child] as number, relativeId: ids[parent] as number, relation: 'parent' });
    }
    for (let i = 0; i < size; i++) {
      const ownsBusiness = this.economics(out, ids[i] as number, plan.members[i] as MemberPlan, district);
      this.vehicles(out, ids[i] as number, plan.members[i] as MemberPlan, province.code, ownsBusiness);
    }
    return size;
  }

  /** Business, incomes and disability for one resident, all from the economy stream; true for a business owner. */
  private economics(out: PopulationChunk, residentId: number, m: MemberPlan, home: District): boolean {
    const e = this.economy;
    const age = ageOn(m.birth, this.asOf);

    let business: BusinessRecord | null = null;
    if (age >= 20) {
      const p = age < 30 ? 0.025 : age < 40 ? 0.065 : age < 50 ? 0.1 : age < 60 ? 0.125 : age < 70 ? 0.11 : 0.045;
      if (e.chance(p)) business = this.business(residentId, m, age, home);
    }

    if (age >= 19 && age <= 74) {
      const birthYear = civilFromDays(m.birth)[0];
      let employed = false;
      let salary = 0;
      for (const year of TAX_YEARS) {
        const ageThen = year - birthYear;
        const pEmployed =
          ageThen < 18 ? 0.05 : ageThen < 25 ? 0.42 : ageThen < 30 ? 0.7 : ageThen < 55 ? 0.76 : ageThen < 65 ? 0.62 : 0.35;
        // Employment mostly persists from one year to the next; salaries grow a little.
        employed = year === TAX_YEARS[0] ? e.chance(pEmployed) : employed ? e.chance(0.93) : e.chance(pEmployed * 0.3);
        if (business && e.chance(0.7)) employed = false;
        if (employed) {
          if (salary === 0) {
            const median =
              (ageThen < 25 ? 19e6 : ageThen < 30 ? 31e6 : ageThen < 40 ? 41e6 : ageThen < 50 ? 49e6 : ageThen < 60 ? 46e6 : ageThen < 65 ? 29e6 : 16e6) *
              (m.sex === 'F' ? 0.7 : 1) *
              (e.chance(0.15) ? 0.35 : 1);
            salary = e.logNormal(median, 0.55);
          } else {
            salary *= Math.exp(e.normal(0.03, 0.06));
          }
        } else {
          salary = 0;
        }
        const opened = business ? daysFromIso(business.openedOn) : Infinity;
        const closed = business?.closedOn ? daysFromIso(business.closedOn) : Infinity;
        const active = opened <= daysFromCivil(year, 12, 31) && closed >= daysFromCivil(year, 1, 1);
        const businessIncome = business && active ? e.logNormal(24e6, 0.9) : 0;
        out.incomes.push({
          residentId,
          taxYear: year,
          earnedIncomeKrw: Math.round(salary / 1000) * 1000,
          businessIncomeKrw: Math.round(businessIncome / 1000) * 1000,
        });
      }
    }

    if (age >= 1) {
      const p = age < 20 ? 0.012 : age < 40 ? 0.02 : age < 60 ? 0.045 : age < 70 ? 0.085 : 0.13;
      if (e.chance(p)) {
        const category = (age < 20 ? DISABILITY_CHILD : DISABILITY_ADULT).draw(e);
        const developmental = category === 'intellectual' || category === 'autism';
        const from = developmental ? m.birth + Math.floor(2 * YEAR) : Math.max(m.birth + Math.floor(YEAR), this.asOf - Math.floor(35 * YEAR));
        const to = developmental ? Math.min(this.asOf, m.birth + Math.floor(9 * YEAR)) : this.asOf;
        out.disabilities.push({
          residentId,
          category,
          severity: e.chance(developmental ? 0.8 : 0.35) ? 'severe' : 'mild',
          registeredOn: isoFromDays(e.int(Math.min(from, to), to)),
        });
      }
    }

    if (business) out.businesses.push(business);
    return business !== null;
  }

  /** The cars of one adult (none for most), all from the vehicle stream. */
  private vehicles(out: PopulationChunk, ownerId: number, m: MemberPlan, homeRegion: string, ownsBusiness: boolean): void {
    const v = this.vehicleStream;
    const age = ageOn(m.birth, this.asOf);
    if (age < ADULT_AGE) return;
    const p = age < 25 ? 0.12 : age < 30 ? 0.32 : age < 40 ? 0.48 : age < 50 ? 0.56 : age < 60 ? 0.54 : age < 70 ? 0.42 : age < 80 ? 0.24 : 0.07;
    if (!v.chance(p)) return;
    const count = v.chance(ownsBusiness ? 0.25 : 0.07) ? 2 : 1;
    for (let i = 0; i < count; i++) {
      // Cars are 7 years old on average and rarely kept beyond 25; bought used as often as new.
      const first = this.asOf - Math.floor(Math.min(25, v.exponential(7)) * YEAR) - v.int(0, 30);
      const year = civilFromDays(first)[0];
      const fuel = (FUEL_BY_ERA.find(([before]) => year < before) as (typeof FUEL_BY_ERA)[number])[1].draw(v);
      const model = `${v.pick(MODEL_NAMES)} ${v.pick(MODEL_VARIANTS[fuel])}`;
      const format: PlateFormat = first >= NEW_PLATE_FORMAT_FROM ? 'threeDigit' : 'twoDigit';
      out.vehicles.push({
        id: this.nextVehicle++,
        plateNumber: syntheticPlate(++this.platesIssued[format], format, this.plateSalts[format]),
        ownerResidentId: ownerId,
        model,
        fuel,
        firstRegisteredOn: isoFromDays(first),
        regionCode: v.chance(0.95) ? homeRegion : PROVINCE_TABLE.draw(v).code,
      });
    }
  }

  private business(ownerId: number, owner: MemberPlan, age: number, home: District): BusinessRecord {
    const e = this.economy;
    const id = this.nextBusiness++;
    const section = KSIC_TABLE.draw(e);
    const kind = e.pick(BUSINESS_KINDS[section]);
    const district = e.chance(0.85) ? home : e.pick(districtsOfProvince(home.provinceCode));
    const stem = districtStem(district);
    let nameKo: string;
    let nameEn: string;
    if (stem && e.chance(0.2)) {
      nameKo = stem.ko + kind.ko;
      nameEn = `${stem.en} ${kind.en}`;
    } else {
      const brand = e.pick(BRAND_WORDS);
      nameKo = brand + kind.ko;
      nameEn = `${capitalize(romanizeHangul(brand))} ${kind.en}`;
    }
    const yearsOpen = Math.min(age - 20, 30) * Math.pow(e.next(), 1.6);
    const opened = Math.max(shiftYears(owner.birth, 20), this.asOf - Math.floor(yearsOpen * YEAR) - e.int(0, 60));
    const closed = e.chance(0.08) ? e.int(Math.min(opened + 90, this.asOf), this.asOf) : null;
    return {
      id,
      brn: syntheticBrn(id, this.brnSalt),
      nameKo,
      nameEn,
      ownerResidentId: ownerId,
      industryCode: section,
      regionCode: district.provinceCode,
      districtCode: district.code,
      openedOn: isoFromDays(opened),
      closedOn: closed === null ? null : isoFromDays(closed),
    };
  }
}

/**
 * Streams the population as chunks of about `chunkSize` residents (whole households only), so a
 * million residents never sit in memory at once. Resident ids run 1..residents in household
 * order; household, business and vehicle ids are likewise consecutive from 1.
 */
export function* generatePopulation(options: PopulationOptions): Generator<PopulationChunk, void, undefined> {
  const { seed, residents } = options;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(residents) || residents < 0) throw new Error(`residents must be a non-negative integer, got ${residents}`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunkSize must be a positive integer, got ${chunkSize}`);
  const builder = new PopulationBuilder(seed, options.asOf ?? DEFAULT_AS_OF);
  let chunk = emptyChunk();
  while (builder.residentsMade < residents) {
    builder.household(chunk, residents - builder.residentsMade);
    if (chunk.residents.length >= chunkSize) {
      yield chunk;
      chunk = emptyChunk();
    }
  }
  if (chunk.residents.length > 0) yield chunk;
}

/** The whole population in one chunk; convenient for tests and small demo sets. */
export function generatePopulationAll(options: PopulationOptions): PopulationChunk {
  const all = emptyChunk();
  for (const chunk of generatePopulation(options)) {
    for (const key of Object.keys(all) as Array<keyof PopulationChunk>) {
      const target = all[key] as unknown[];
      for (const row of chunk[key]) target.push(row);
    }
  }
  return all;
}
