// Vaccinations and screenings by age (KDCA, NHIS) and per-province local benefits: senior
// transport allowances and postpartum care grants, one rule per province. Local amounts are
// illustrative (ordinances differ and change yearly); the structure is what matters here.
import { PROVINCES } from '../../registry/population/regions';
import { child, count, example, head, p, rule, spouse, v, when, x, yearly, type Doc } from './build';

interface AgeBand {
  id: string;
  title: [string, string];
  /** Inclusive bounds in months (children) or years (adults). */
  unit: 'age_months' | 'age';
  from: number;
  to: number;
  sex?: 'F';
  agency?: string;
  /** Birth dates inside and outside the band on 2026-03-01. */
  inside: string;
  outside: string;
}

const VACCINES: AgeBand[] = [
  { id: 'vaccine-bcg', title: ['BCG (결핵) 예방접종', 'BCG (tuberculosis) vaccination'], unit: 'age_months', from: 0, to: 0, inside: '2026-02-10', outside: '2025-10-01' },
  { id: 'vaccine-hepatitis-b', title: ['B형간염 예방접종', 'Hepatitis B vaccination'], unit: 'age_months', from: 0, to: 6, inside: '2025-12-01', outside: '2025-01-01' },
  { id: 'vaccine-dtap', title: ['DTaP 예방접종', 'DTaP vaccination'], unit: 'age_months', from: 2, to: 18, inside: '2025-06-01', outside: '2026-02-15' },
  { id: 'vaccine-ipv', title: ['폴리오(IPV) 예방접종', 'Polio (IPV) vaccination'], unit: 'age_months', from: 2, to: 18, inside: '2025-06-01', outside: '2023-01-01' },
  { id: 'vaccine-hib', title: ['b형 헤모필루스 인플루엔자 예방접종', 'Hib vaccination'], unit: 'age_months', from: 2, to: 15, inside: '2025-06-01', outside: '2023-01-01' },
  { id: 'vaccine-pcv', title: ['폐렴구균 예방접종 (영유아)', 'Pneumococcal vaccination (infants)'], unit: 'age_months', from: 2, to: 15, inside: '2025-06-01', outside: '2023-01-01' },
  { id: 'vaccine-rotavirus', title: ['로타바이러스 예방접종', 'Rotavirus vaccination'], unit: 'age_months', from: 2, to: 6, inside: '2025-11-01', outside: '2025-01-01' },
  { id: 'vaccine-mmr', title: ['MMR 예방접종', 'MMR vaccination'], unit: 'age_months', from: 12, to: 15, inside: '2025-01-01', outside: '2025-10-01' },
  { id: 'vaccine-varicella', title: ['수두 예방접종', 'Varicella vaccination'], unit: 'age_months', from: 12, to: 15, inside: '2025-01-01', outside: '2024-01-01' },
  { id: 'vaccine-hepatitis-a', title: ['A형간염 예방접종', 'Hepatitis A vaccination'], unit: 'age_months', from: 12, to: 35, inside: '2024-06-01', outside: '2022-01-01' },
  { id: 'vaccine-japanese-encephalitis', title: ['일본뇌염 예방접종', 'Japanese encephalitis vaccination'], unit: 'age_months', from: 12, to: 155, inside: '2020-01-01', outside: '2012-01-01' },
  { id: 'vaccine-tdap-adolescent', title: ['Tdap 예방접종 (11~12세)', 'Tdap vaccination (ages 11–12)'], unit: 'age', from: 11, to: 12, inside: '2014-06-01', outside: '2010-01-01' },
  { id: 'vaccine-hpv', title: ['사람유두종바이러스(HPV) 예방접종', 'HPV vaccination'], unit: 'age', from: 12, to: 17, inside: '2012-01-01', outside: '2006-01-01' },
  { id: 'vaccine-influenza-child', title: ['어린이 인플루엔자 예방접종', 'Influenza vaccination for children'], unit: 'age_months', from: 6, to: 155, inside: '2020-01-01', outside: '2011-01-01' },
  { id: 'vaccine-influenza-senior', title: ['어르신 인플루엔자 예방접종', 'Influenza vaccination for older people'], unit: 'age', from: 65, to: 150, inside: '1955-01-01', outside: '1970-01-01' },
  { id: 'vaccine-pneumococcal-senior', title: ['어르신 폐렴구균 예방접종', 'Pneumococcal vaccination for older people'], unit: 'age', from: 65, to: 150, inside: '1958-06-01', outside: '1965-01-01' },
  { id: 'infant-health-checkup', title: ['영유아 건강검진', 'Health check-ups for infants'], unit: 'age_months', from: 4, to: 71, agency: 'NHIS', inside: '2024-01-01', outside: '2019-01-01' },
  { id: 'national-health-screening', title: ['일반건강검진', 'General health screening'], unit: 'age', from: 20, to: 150, agency: 'NHIS', inside: '1990-01-01', outside: '2010-01-01' },
  { id: 'cancer-screening-gastric', title: ['위암 검진', 'Gastric cancer screening'], unit: 'age', from: 40, to: 150, agency: 'NHIS', inside: '1980-01-01', outside: '1995-01-01' },
  { id: 'cancer-screening-colorectal', title: ['대장암 검진', 'Colorectal cancer screening'], unit: 'age', from: 50, to: 150, agency: 'NHIS', inside: '1970-01-01', outside: '1985-01-01' },
  { id: 'cancer-screening-cervical', title: ['자궁경부암 검진', 'Cervical cancer screening'], unit: 'age', from: 20, to: 150, sex: 'F', agency: 'NHIS', inside: '1990-01-01', outside: '2010-01-01' },
  { id: 'dementia-screening', title: ['치매 조기검진', 'Early dementia screening'], unit: 'age', from: 60, to: 150, agency: 'MOHW', inside: '1960-01-01', outside: '1975-01-01' },
  { id: 'bone-density-screening', title: ['골밀도 검사', 'Bone density screening'], unit: 'age', from: 54, to: 54, sex: 'F', agency: 'NHIS', inside: '1971-06-01', outside: '1980-01-01' },
];

function ageBandRule(band: AgeBand): Doc {
  const words = band.unit === 'age' ? ['세', 'years'] : ['개월', 'months'];
  const range = band.to >= 150 ? [`${band.from}${words[0]} 이상`, `aged ${band.from} ${words[1]} or over`] : [`${band.from}~${band.to}${words[0]}`, `aged ${band.from}–${band.to} ${words[1]}`];
  const adult = band.unit === 'age' && band.from >= 19;
  const make = (birth: string) => (adult ? [head(birth, 0, band.sex ? { sex: band.sex } : {})] : [head('1985-01-01'), child(birth, band.sex ? { sex: band.sex } : {})]);
  const person = adult ? 0 : 1;
  return rule({
    id: band.id,
    title: band.title,
    agency: band.agency ?? 'KDCA',
    category: 'health',
    entity: 'person',
    parameters: { min: yearly('시작 연령', 'from age', band.from), max: yearly('종료 연령', 'to age', band.to) },
    conditions: [
      when(range[0]!, range[1]!, { all: [v(band.unit, '>=', p('min')), v(band.unit, '<=', p('max'))] }),
      ...(band.sex ? [when('여성', 'female', v('sex', '==', 'F'))] : []),
    ],
    examples: [
      example('inside the age band', make(band.inside), { eligible: true }, { person }),
      example('outside the age band', make(band.outside), { eligible: false }, { person }),
    ],
  });
}

const SLUG: Record<string, [string, string]> = {
  '11': ['seoul', 'SMG'], '26': ['busan', 'BUSAN'], '27': ['daegu', 'DAEGU'], '28': ['incheon', 'INCHEON'],
  '29': ['gwangju', 'GWANGJU'], '30': ['daejeon', 'DAEJEON'], '31': ['ulsan', 'ULSAN'], '36': ['sejong', 'SEJONG'],
  '41': ['gyeonggi', 'GYEONGGI'], '43': ['chungbuk', 'CHUNGBUK'], '44': ['chungnam', 'CHUNGNAM'], '46': ['jeonnam', 'JEONNAM'],
  '47': ['gyeongbuk', 'GYEONGBUK'], '48': ['gyeongnam', 'GYEONGNAM'], '50': ['jeju', 'JEJU'], '51': ['gangwon', 'GANGWON'],
  '52': ['jeonbuk', 'JEONBUK'],
};

/** Minimum age [2025, 2026] and monthly amount of each province's senior transport allowance. */
const SENIOR_TRANSPORT: Record<string, { age: [number, number]; amount: number }> = {
  '11': { age: [65, 65], amount: 0 }, '26': { age: [65, 65], amount: 15000 }, '27': { age: [73, 72], amount: 0 },
  '28': { age: [65, 65], amount: 10000 }, '29': { age: [70, 70], amount: 10000 }, '30': { age: [70, 70], amount: 0 },
  '31': { age: [70, 70], amount: 10000 }, '36': { age: [70, 70], amount: 10000 }, '41': { age: [70, 70], amount: 20000 },
  '43': { age: [70, 70], amount: 10000 }, '44': { age: [70, 70], amount: 0 }, '46': { age: [70, 70], amount: 10000 },
  '47': { age: [70, 70], amount: 10000 }, '48': { age: [70, 70], amount: 10000 }, '50': { age: [70, 70], amount: 20000 },
  '51': { age: [70, 70], amount: 10000 }, '52': { age: [70, 70], amount: 10000 },
};

const POSTPARTUM: Record<string, number> = {
  '11': 1000000, '26': 500000, '27': 500000, '28': 500000, '29': 500000, '30': 500000, '31': 500000, '36': 500000,
  '41': 500000, '43': 500000, '44': 500000, '46': 1000000, '47': 500000, '48': 500000, '50': 600000, '51': 700000, '52': 500000,
};

function seniorTransport(code: string, nameKo: string, nameEn: string): Doc {
  const [slug, agency] = SLUG[code]!;
  const { age, amount } = SENIOR_TRANSPORT[code]!;
  const age2026 = age[1];
  return rule({
    id: `senior-transport-${slug}`,
    title: [`${nameKo} 어르신 교통 지원`, `${nameEn} senior transport support`],
    description: amount > 0
      ? [`${nameKo}에 사는 어르신에게 매월 교통비를 지원합니다.`, `Older residents of ${nameEn} receive a monthly transport allowance.`]
      : [`${nameKo}에 사는 어르신은 도시철도·버스를 무료로 이용합니다.`, `Older residents of ${nameEn} ride public transport free of charge.`],
    agency,
    category: 'elderly',
    entity: 'person',
    parameters: {
      min_age: yearly('대상 연령', 'eligible age', age[0], age[1]),
      ...(amount > 0 ? { amount: yearly('월 지원액', 'monthly amount', amount) } : {}),
    },
    conditions: [
      when(`${nameKo} 거주`, `lives in ${nameEn}`, v('region', '==', code)),
      when('만 {threshold}세 이상 (현재 {value}세)', 'aged {threshold} or over (now {value})', v('age', '>=', p('min_age'))),
    ],
    ...(amount > 0 ? { benefit: { period: 'month' as const, amount: p('amount') } } : {}),
    examples: [
      example('older resident', [head(`${2026 - age2026 - 1}-01-01`)], amount > 0 ? { eligible: true, amount } : { eligible: true }, { region: code }),
      example('lives elsewhere', [head('1950-01-01')], { eligible: false }, { region: code === '11' ? '26' : '11' }),
      example('too young', [head(`${2026 - age2026 + 2}-01-01`)], { eligible: false }, { region: code }),
    ],
  });
}

function postpartumCare(code: string, nameKo: string, nameEn: string): Doc {
  const [slug, agency] = SLUG[code]!;
  const amount = POSTPARTUM[code]!;
  const newborns = count(v('age_months', '<', 12));
  return rule({
    id: `postpartum-care-${slug}`,
    title: [`${nameKo} 산후조리비 지원`, `${nameEn} postpartum care grant`],
    agency,
    category: 'child',
    entity: 'household',
    parameters: { amount: yearly('출생아 1인당 지원액', 'grant per newborn', amount) },
    conditions: [
      when(`${nameKo} 거주`, `lives in ${nameEn}`, v('region', '==', code)),
      when('최근 12개월 내 출생 아동 ({value}명)', 'child born in the last 12 months ({value})', x(newborns, '>=', 1)),
    ],
    benefit: { period: 'once', amount: { mul: [p('amount'), newborns] } },
    examples: [
      example('newborn at home', [head('1992-01-01'), spouse('1993-01-01'), child('2026-01-20')], { eligible: true, amount }, { region: code }),
      example('newborn elsewhere', [head('1992-01-01'), child('2026-01-20')], { eligible: false }, { region: code === '11' ? '26' : '11' }),
    ],
  });
}

export function regionalRules(): Doc[] {
  return [
    ...VACCINES.map(ageBandRule),
    ...PROVINCES.map((pr) => seniorTransport(pr.code, pr.nameKo, pr.nameEn)),
    ...PROVINCES.map((pr) => postpartumCare(pr.code, pr.nameKo, pr.nameEn)),
  ];
}
