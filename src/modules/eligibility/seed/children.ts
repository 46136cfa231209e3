// Birth and childcare benefits (category `child`), including the Happy Childbirth bundle's rules.
import { PROVINCES } from '../../registry/population/regions';
import {
  child, count, example, head, medianIncome, p, rule, spouse, sumOf, underMedian, v, variable, when, x, yearly, type Doc,
} from './build';

const under = (months: number) => v('age_months', '<', months);
const newbornCount = count(under(12));

/** Illustrative per-province birth grants (KRW per newborn); local ordinances change them yearly. */
export const LOCAL_BIRTH_GRANT: Record<string, [number, number]> = {
  '11': [1000000, 1000000], '26': [1000000, 1000000], '27': [1000000, 1000000], '28': [1000000, 1500000],
  '29': [1000000, 1000000], '30': [1000000, 1000000], '31': [1000000, 1000000], '36': [1200000, 1200000],
  '41': [500000, 1000000], '43': [1000000, 1000000], '44': [1500000, 1500000], '46': [2000000, 2000000],
  '47': [1000000, 1500000], '48': [1000000, 1000000], '50': [1000000, 1000000], '51': [2000000, 2000000],
  '52': [1000000, 1000000],
};

export function childRules(): Doc[] {
  const regionTable = (year: 0 | 1) => Object.fromEntries(PROVINCES.map((pr) => [pr.code, LOCAL_BIRTH_GRANT[pr.code]![year]]));
  return [
    rule({
      id: 'child-allowance',
      title: ['아동수당', 'Child allowance'],
      description: ['만 8세 미만(96개월 미만) 모든 아동에게 매월 10만 원을 지급합니다.', 'Every child under 8 (under 96 months) receives 100,000 KRW a month.'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: {
        max_age_months: yearly('지급 연령 상한(개월)', 'age limit (months)', 96),
        amount_per_child: yearly('아동 1인당 월 지급액', 'monthly amount per child', 100000),
      },
      conditions: [when('8세 미만 아동 ({value}명)', 'child under 8 ({value} children)', x(count(v('age_months', '<', p('max_age_months'))), '>=', 1))],
      benefit: { period: 'month', amount: { mul: [p('amount_per_child'), count(v('age_months', '<', p('max_age_months')))] } },
      examples: [
        example('two children under 8', [head('1988-04-02', 52000000), spouse('1990-07-15'), child('2021-05-01'), child('2024-09-10')], { eligible: true, amount: 200000 }),
        example('child turned 8', [head('1980-01-01', 40000000), child('2018-02-01')], { eligible: false }),
        example('a 95-month-old still counts', [head('1985-01-01'), child('2018-03-02')], { eligible: true, amount: 100000 }),
      ],
    }),
    rule({
      id: 'parental-benefit',
      title: ['부모급여', 'Parental benefit'],
      description: ['0~11개월 아동 월 100만 원, 12~23개월 아동 월 50만 원.', '1,000,000 KRW a month for a child aged 0–11 months, 500,000 for 12–23 months.'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: {
        infant_amount: yearly('0~11개월 월 지급액', 'monthly amount, 0–11 months', 1000000),
        toddler_amount: yearly('12~23개월 월 지급액', 'monthly amount, 12–23 months', 500000),
      },
      conditions: [when('만 2세 미만 아동 ({value}명)', 'child under 24 months ({value} children)', x(count(under(24)), '>=', 1))],
      benefit: {
        period: 'month',
        amount: sumOf({ if: under(12), then: p('infant_amount'), else: p('toddler_amount') }, under(24)),
      },
      examples: [
        example('a 3-month-old', [head('1992-01-01', 45000000), spouse('1993-01-01'), child('2025-12-01')], { eligible: true, amount: 1000000 }),
        example('a 14-month-old and a newborn', [head('1990-01-01'), spouse('1991-01-01'), child('2025-01-01'), child('2026-02-01')], { eligible: true, amount: 1500000 }),
        example('a 2-year-old', [head('1990-01-01'), child('2024-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'first-meeting-voucher',
      title: ['첫만남이용권', 'First-meeting voucher'],
      description: ['출생 아동에게 첫째 200만 원, 둘째 이상 300만 원의 바우처를 지급합니다.', 'A voucher for each newborn: 2,000,000 KRW for a first child, 3,000,000 for a second or later.'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: {
        first_child: yearly('첫째 아동 지급액', 'amount for a first child', 2000000),
        later_child: yearly('둘째 이상 지급액', 'amount for a second or later child', 3000000),
      },
      conditions: [when('최근 12개월 내 출생 아동 ({value}명)', 'child born in the last 12 months ({value} children)', x(newbornCount, '>=', 1))],
      benefit: { period: 'once', amount: sumOf({ if: v('child_rank', '<=', 1), then: p('first_child'), else: p('later_child') }, under(12)) },
      examples: [
        example('first child', [head('1993-01-01', 38000000), spouse('1994-01-01'), child('2026-01-10')], { eligible: true, amount: 2000000 }),
        example('second child', [head('1990-01-01'), spouse('1991-01-01'), child('2022-06-01'), child('2025-11-20')], { eligible: true, amount: 3000000 }),
        example('child born 13 months ago', [head('1990-01-01'), child('2025-01-15')], { eligible: false }),
      ],
    }),
    rule({
      id: 'infant-vaccination',
      title: ['국가예방접종', 'National vaccinations for children'],
      description: ['만 12세 이하 아동은 국가예방접종을 무료로 받을 수 있습니다.', 'Children under 12 get the national vaccinations free of charge.'],
      agency: 'KDCA',
      category: 'health',
      entity: 'household',
      parameters: { max_age: yearly('대상 연령 상한(세)', 'age limit (years)', 12) },
      conditions: [when('만 12세 미만 아동 ({value}명)', 'child under 12 ({value} children)', x(count(v('age', '<', p('max_age'))), '>=', 1))],
      examples: [
        example('a newborn', [head('1990-01-01'), child('2026-02-20')], { eligible: true }),
        example('only teenagers', [head('1975-01-01'), child('2012-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'local-birth-grant',
      title: ['출산지원금', 'Local birth grant'],
      description: ['거주 시·도에서 출생 아동 1인당 출산지원금을 지급합니다. 금액은 시·도마다 다릅니다.', 'The province pays a grant for each newborn; the amount depends on the province.'],
      agency: 'LOCAL',
      category: 'child',
      entity: 'household',
      parameters: { grant: { ...yearly('시·도별 출생 아동 1인당 지원금', 'grant per newborn by province', regionTable(0), regionTable(1), 'region') } },
      conditions: [when('최근 12개월 내 출생 아동 ({value}명)', 'child born in the last 12 months ({value} children)', x(newbornCount, '>=', 1))],
      benefit: { period: 'once', amount: { mul: [p('grant'), newbornCount] } },
      examples: [
        example('newborn in Gangwon', [head('1991-01-01'), spouse('1992-01-01'), child('2026-01-05')], { eligible: true, amount: 2000000 }, { region: '51' }),
        example('newborn in Gyeonggi, 2025 amount', [head('1991-01-01'), child('2025-03-05')], { eligible: true, amount: 500000 }, { region: '41', date: '2025-06-01' }),
        example('newborn in Gyeonggi, 2026 amount', [head('1991-01-01'), child('2026-01-05')], { eligible: true, amount: 1000000 }, { region: '41' }),
        example('no newborn', [head('1991-01-01'), child('2023-01-05')], { eligible: false }, { region: '41' }),
      ],
    }),
    rule({
      id: 'home-care-allowance',
      title: ['가정양육수당', 'Home-care allowance'],
      description: ['어린이집·유치원을 이용하지 않는 24~86개월 아동에게 월 10만 원.', '100,000 KRW a month for a child aged 24–85 months cared for at home.'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: { amount_per_child: yearly('아동 1인당 월 지급액', 'monthly amount per child', 100000) },
      conditions: [when('24~85개월 아동 ({value}명)', 'child aged 24–85 months ({value} children)', x(count({ all: [v('age_months', '>=', 24), v('age_months', '<', 86)] }), '>=', 1))],
      benefit: { period: 'month', amount: { mul: [p('amount_per_child'), count({ all: [v('age_months', '>=', 24), v('age_months', '<', 86)] })] } },
      examples: [
        example('a 3-year-old', [head('1990-01-01'), child('2023-01-01')], { eligible: true, amount: 100000 }),
        example('a 1-year-old only', [head('1990-01-01'), child('2025-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'kindergarten-tuition',
      title: ['유아학비 지원', 'Kindergarten tuition support'],
      agency: 'MOE',
      category: 'child',
      entity: 'household',
      parameters: { monthly: yearly('아동 1인당 월 지원액', 'monthly support per child', 280000, 300000) },
      conditions: [when('만 3~5세 아동 ({value}명)', 'child aged 3 to 5 ({value} children)', x(count({ all: [v('age', '>=', 3), v('age', '<=', 5)] }), '>=', 1))],
      benefit: { period: 'month', amount: { mul: [p('monthly'), count({ all: [v('age', '>=', 3), v('age', '<=', 5)] })] } },
      examples: [
        example('a 4-year-old in 2026', [head('1988-01-01'), child('2021-06-01')], { eligible: true, amount: 300000 }),
        example('a 4-year-old in 2025', [head('1988-01-01'), child('2020-06-01')], { eligible: true, amount: 280000 }, { date: '2025-03-01' }),
        example('a 7-year-old', [head('1988-01-01'), child('2018-06-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'multi-child-benefits',
      title: ['다자녀 가구 우대', 'Multi-child household benefits'],
      description: ['기준 자녀 수 이상 미성년 자녀를 둔 가구에 각종 감면과 우대를 제공합니다 (2026년부터 2자녀로 완화).', 'Discounts and priority for households with enough minor children (from 2026, two children suffice).'],
      agency: 'MOGEF',
      category: 'child',
      entity: 'household',
      parameters: { min_children: yearly('최소 자녀 수', 'minimum number of children', 3, 2) },
      conditions: [when('만 19세 미만 자녀 {value}명 (기준 {threshold}명 이상)', '{value} children under 19 (at least {threshold} needed)', x(count(v('age', '<', 19), 'child'), '>=', p('min_children')))],
      examples: [
        example('two children in 2026', [head('1985-01-01'), spouse('1986-01-01'), child('2015-01-01'), child('2018-01-01')], { eligible: true }),
        example('two children in 2025', [head('1985-01-01'), spouse('1986-01-01'), child('2015-01-01'), child('2018-01-01')], { eligible: false }, { date: '2025-06-01' }),
      ],
    }),
    rule({
      id: 'twin-birth-support',
      title: ['다태아 출산 지원', 'Multiple-birth support'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: { amount: yearly('추가 지원액', 'additional support', 1000000) },
      conditions: [when('최근 12개월 내 출생 아동 2명 이상 ({value}명)', 'two or more children born in the last 12 months ({value})', x(newbornCount, '>=', 2))],
      benefit: { period: 'once', amount: p('amount') },
      examples: [
        example('twins', [head('1990-01-01'), spouse('1990-01-01'), child('2026-01-01'), child('2026-01-01')], { eligible: true, amount: 1000000 }),
        example('one baby', [head('1990-01-01'), child('2026-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'single-parent-child-support',
      title: ['한부모가족 아동양육비', 'Single-parent family child support'],
      agency: 'MOGEF',
      category: 'child',
      entity: 'household',
      parameters: { income_limit: medianIncome(0.63), per_child: yearly('자녀 1인당 월 지원액', 'monthly support per child', 230000, 230000) },
      conditions: [
        when('배우자 없는 세대주', 'head of household without a spouse', x(count(undefined, 'spouse'), '==', 0)),
        when('만 18세 미만 자녀 ({value}명)', 'children under 18 ({value})', x(count(v('age', '<', 18), 'child'), '>=', 1)),
        underMedian(0.63),
      ],
      benefit: { period: 'month', amount: { mul: [p('per_child'), count(v('age', '<', 18), 'child')] } },
      examples: [
        example('mother with two children', [head('1988-01-01', 24000000, { sex: 'F' }), child('2016-01-01'), child('2019-01-01')], { eligible: true, amount: 460000 }),
        example('couple with a child', [head('1988-01-01', 24000000), spouse('1988-01-01'), child('2016-01-01')], { eligible: false }),
        example('single parent with high income', [head('1980-01-01', 90000000), child('2016-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'nutrition-plus',
      title: ['영양플러스', 'Nutrition Plus for infants'],
      agency: 'MOHW',
      category: 'health',
      entity: 'household',
      parameters: { income_limit: medianIncome(0.8) },
      conditions: [
        when('만 6세 미만 영유아 ({value}명)', 'child under 6 ({value})', x(count(v('age', '<', 6)), '>=', 1)),
        underMedian(0.8),
      ],
      examples: [
        example('low-income family with toddler', [head('1995-01-01', 30000000), spouse('1996-01-01'), child('2024-01-01')], { eligible: true }),
        example('high-income family', [head('1985-01-01', 150000000), child('2024-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'dream-start',
      title: ['드림스타트', 'Dream Start (children in low-income families)'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: { income_limit: medianIncome(0.5) },
      conditions: [
        when('만 12세 이하 아동 ({value}명)', 'child aged 12 or under ({value})', x(count(v('age', '<=', 12)), '>=', 1)),
        underMedian(0.5),
      ],
      examples: [
        example('low income with a 10-year-old', [head('1985-01-01', 12000000), child('2015-05-01')], { eligible: true }),
        example('average income', [head('1985-01-01', 60000000), child('2015-05-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'child-tax-credit',
      title: ['자녀장려금', 'Child tax credit'],
      agency: 'NTS',
      category: 'income-support',
      entity: 'household',
      parameters: {
        income_limit: yearly('연간 총소득 기준', 'annual total income limit', 70000000),
        per_child: yearly('자녀 1인당 최대 지급액(연)', 'maximum per child (yearly)', 1000000),
      },
      conditions: [
        when('만 18세 미만 자녀 ({value}명)', 'children under 18 ({value})', x(count(v('age', '<', 18), 'child'), '>=', 1)),
        when('연간 가구 소득 {value} < 기준 {threshold}', 'yearly household income {value} < limit {threshold}', v('household_income', '<', p('income_limit'))),
      ],
      benefit: { period: 'year', amount: { mul: [p('per_child'), count(v('age', '<', 18), 'child')] } },
      examples: [
        example('two children, 50 million', [head('1985-01-01', 50000000), spouse('1986-01-01'), child('2014-01-01'), child('2017-01-01')], { eligible: true, amount: 2000000 }),
        example('income 80 million', [head('1985-01-01', 80000000), child('2014-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'high-school-free-education',
      title: ['고교 무상교육', 'Free high-school education'],
      agency: 'MOE',
      category: 'child',
      entity: 'household',
      conditions: [when('만 15~17세 자녀 ({value}명)', 'child aged 15 to 17 ({value})', x(count({ all: [v('age', '>=', 15), v('age', '<=', 17)] }), '>=', 1))],
      examples: [
        example('a 16-year-old', [head('1980-01-01'), child('2009-06-01')], { eligible: true }),
        example('a 12-year-old', [head('1980-01-01'), child('2013-06-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'child-development-account',
      title: ['디딤씨앗통장', 'Child development account'],
      agency: 'MOHW',
      category: 'child',
      entity: 'household',
      parameters: { income_limit: medianIncome(0.4), match: yearly('월 최대 매칭 지원액', 'maximum monthly matching', 100000, 100000) },
      conditions: [
        when('만 18세 미만 아동 ({value}명)', 'child under 18 ({value})', x(count(v('age', '<', 18)), '>=', 1)),
        underMedian(0.4),
      ],
      benefit: { period: 'month', amount: { mul: [p('match'), count(v('age', '<', 18))] } },
      examples: [
        example('low income with one child', [head('1985-01-01', 6000000), child('2012-01-01')], { eligible: true, amount: 100000 }),
        example('moderate income', [head('1985-01-01', 40000000), child('2012-01-01')], { eligible: false }),
      ],
    }),
  ];
}

export { variable };
