// Old age, disability, income support, housing and employment (categories `elderly`,
// `disability`, `income-support`, `housing`, `employment`).
import {
  child, count, example, head, medianIncome, monthlyHouseholdIncome, p, parent, rule, spouse, underMedian, v, when, x, yearly, type Doc,
} from './build';

const SELECTION_2025 = { '1': 2280000, '2': 3648000 };
const SELECTION_2026 = { '1': 2470000, '2': 3952000 };

/**
 * A means-tested benefit; with `paysGap` (the amount a single person without income gets in
 * March 2026) it pays the gap between the income limit and the monthly household income.
 */
function meansTested(id: string, title: [string, string], share: number, agency: string, category: string, paysGap: number | null): Doc {
  return rule({
    id,
    title,
    agency,
    category,
    entity: 'household',
    parameters: { income_limit: medianIncome(share) },
    conditions: [underMedian(share)],
    ...(paysGap !== null ? { benefit: { period: 'month' as const, amount: { max: [0, { sub: [p('income_limit'), monthlyHouseholdIncome] }] } } } : {}),
    examples: [
      example('single person without income', [head('1970-01-01', 0)], paysGap !== null ? { eligible: true, amount: paysGap } : { eligible: true }),
      example('single person earning 60 million', [head('1970-01-01', 60000000)], { eligible: false }),
    ],
  });
}

export function welfareRules(): Doc[] {
  const rules: Doc[] = [
    rule({
      id: 'basic-pension',
      title: ['기초연금', 'Basic pension'],
      description: ['만 65세 이상이고 소득인정액이 선정기준액 이하인 어르신에게 매월 지급합니다.', 'Paid monthly to people aged 65 or over whose income is at most the yearly selection threshold.'],
      agency: 'MOHW',
      category: 'elderly',
      entity: 'person',
      parameters: {
        min_age: yearly('수급 연령', 'eligible age', 65),
        threshold: yearly('선정기준액(월, 단독 1 / 부부 2 이상)', 'selection threshold (monthly; 1 single, 2+ couple)', SELECTION_2025, SELECTION_2026, 'household_size'),
        amount: yearly('기준연금액(월)', 'standard monthly amount', 342510, 349700),
      },
      conditions: [
        when('만 65세 이상', 'aged 65 or over', v('age', '>=', p('min_age'))),
        when('월 가구소득 {value} ≤ 선정기준액 {threshold}', 'monthly household income {value} ≤ threshold {threshold}', x(monthlyHouseholdIncome, '<=', p('threshold'))),
      ],
      benefit: { period: 'month', amount: p('amount') },
      examples: [
        example('single 70-year-old, 2.33 million a month, 2026', [head('1956-01-01', 28000000)], { eligible: true, amount: 349700 }),
        example('same person in 2025 (lower threshold)', [head('1955-01-01', 28000000)], { eligible: false }, { date: '2025-06-01' }),
        example('aged 64', [head('1962-01-01', 0)], { eligible: false }),
      ],
    }),
    rule({
      id: 'disability-pension',
      title: ['장애인연금', 'Disability pension'],
      agency: 'MOHW',
      category: 'disability',
      entity: 'person',
      parameters: {
        threshold: yearly('선정기준액(월, 단독 1 / 부부 2 이상)', 'selection threshold (monthly; 1 single, 2+ couple)', SELECTION_2025, SELECTION_2026, 'household_size'),
        amount: yearly('기초급여액(월)', 'base amount (monthly)', 342510, 349700),
      },
      conditions: [
        when('만 18세 이상', 'aged 18 or over', v('age', '>=', 18)),
        when('중증 장애인', 'severe disability', v('disability_severity', '==', 'severe')),
        when('월 가구소득 {value} ≤ 선정기준액 {threshold}', 'monthly household income {value} ≤ threshold {threshold}', x(monthlyHouseholdIncome, '<=', p('threshold'))),
      ],
      benefit: { period: 'month', amount: p('amount') },
      examples: [
        example('severe disability, no income', [head('1980-01-01', 0, { disability_severity: 'severe', disability_category: 'physical' })], { eligible: true, amount: 349700 }),
        example('mild disability', [head('1980-01-01', 0, { disability_severity: 'mild' })], { eligible: false }),
        example('severe disability, high income', [head('1980-01-01', 80000000, { disability_severity: 'severe' })], { eligible: false }),
      ],
    }),
    rule({
      id: 'disability-allowance',
      title: ['장애수당', 'Disability allowance'],
      agency: 'MOHW',
      category: 'disability',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.5), amount: yearly('월 지급액', 'monthly amount', 40000, 60000) },
      conditions: [
        when('만 18세 이상', 'aged 18 or over', v('age', '>=', 18)),
        when('경증 장애인', 'mild disability', v('disability_severity', '==', 'mild')),
        underMedian(0.5),
      ],
      benefit: { period: 'month', amount: p('amount') },
      examples: [
        example('mild disability, low income', [head('1975-01-01', 10000000, { disability_severity: 'mild' })], { eligible: true, amount: 60000 }),
        example('no disability', [head('1975-01-01', 0)], { eligible: false }),
      ],
    }),
    rule({
      id: 'disabled-child-allowance',
      title: ['장애아동수당', 'Disabled child allowance'],
      agency: 'MOHW',
      category: 'disability',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.5), severe: yearly('중증 월 지급액', 'monthly amount, severe', 220000), mild: yearly('경증 월 지급액', 'monthly amount, mild', 110000) },
      conditions: [
        when('만 18세 미만', 'under 18', v('age', '<', 18)),
        when('등록 장애인', 'registered disability', v('disability_registered', '==', true)),
        underMedian(0.5),
      ],
      benefit: { period: 'month', amount: { if: v('disability_severity', '==', 'severe'), then: p('severe'), else: p('mild') } },
      examples: [
        example('child with severe autism', [head('1985-01-01', 20000000), child('2016-01-01', { disability_severity: 'severe', disability_category: 'autism' })], { eligible: true, amount: 220000 }, { person: 1 }),
        example('parent is not a child', [head('1985-01-01', 20000000, { disability_severity: 'mild' })], { eligible: false }),
      ],
    }),
    rule({
      id: 'disability-activity-support',
      title: ['장애인 활동지원', 'Personal assistance for people with disabilities'],
      agency: 'MOHW',
      category: 'disability',
      entity: 'person',
      conditions: [
        when('만 6~64세', 'aged 6 to 64', { all: [v('age', '>=', 6), v('age', '<=', 64)] }),
        when('등록 장애인', 'registered disability', v('disability_registered', '==', true)),
      ],
      examples: [
        example('adult with visual disability', [head('1980-01-01', 0, { disability_severity: 'mild', disability_category: 'visual' })], { eligible: true }),
        example('aged 70', [head('1955-01-01', 0, { disability_severity: 'severe' })], { eligible: false }),
      ],
    }),
    rule({
      id: 'disability-employment-support',
      title: ['장애인 취업성공패키지', 'Employment support for people with disabilities'],
      agency: 'MOEL',
      category: 'employment',
      entity: 'person',
      conditions: [
        when('만 15~69세', 'aged 15 to 69', { all: [v('age', '>=', 15), v('age', '<=', 69)] }),
        when('등록 장애인', 'registered disability', v('disability_registered', '==', true)),
        when('근로소득 없음', 'no earned income', v('earned_income', '==', 0)),
      ],
      examples: [
        example('unemployed with hearing disability', [head('1990-01-01', 0, { disability_severity: 'mild', disability_category: 'hearing' })], { eligible: true }),
        example('employed', [head('1990-01-01', 30000000, { disability_severity: 'mild' })], { eligible: false }),
      ],
    }),
    rule({
      id: 'developmental-disability-support',
      title: ['발달재활서비스', 'Developmental rehabilitation services'],
      agency: 'MOHW',
      category: 'disability',
      entity: 'person',
      parameters: { voucher: yearly('월 바우처', 'monthly voucher', 250000, 250000) },
      conditions: [
        when('만 18세 미만', 'under 18', v('age', '<', 18)),
        when('지적·자폐성·뇌병변 장애', 'intellectual, autism or brain lesion disability', v('disability_category', 'in', ['intellectual', 'autism', 'brain_lesion'])),
      ],
      benefit: { period: 'month', amount: p('voucher') },
      examples: [
        example('child with intellectual disability', [head('1985-01-01'), child('2018-01-01', { disability_severity: 'severe', disability_category: 'intellectual' })], { eligible: true, amount: 250000 }, { person: 1 }),
        example('child with hearing disability', [head('1985-01-01'), child('2018-01-01', { disability_severity: 'mild', disability_category: 'hearing' })], { eligible: false }, { person: 1 }),
      ],
    }),
    rule({
      id: 'senior-employment',
      title: ['노인일자리 및 사회활동 지원', 'Senior jobs and social activities'],
      agency: 'MOHW',
      category: 'employment',
      entity: 'person',
      parameters: { activity_pay: yearly('공익활동 월 활동비', 'monthly activity allowance', 290000, 290000) },
      conditions: [when('만 65세 이상', 'aged 65 or over', v('age', '>=', 65))],
      benefit: { period: 'month', amount: p('activity_pay') },
      examples: [
        example('aged 67', [head('1959-01-01')], { eligible: true, amount: 290000 }),
        example('aged 60', [head('1966-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'senior-customized-care',
      title: ['노인맞춤돌봄서비스', 'Customised care for older people living alone'],
      agency: 'MOHW',
      category: 'elderly',
      entity: 'person',
      parameters: { threshold: yearly('선정기준액(월)', 'selection threshold (monthly)', SELECTION_2025, SELECTION_2026, 'household_size') },
      conditions: [
        when('만 65세 이상', 'aged 65 or over', v('age', '>=', 65)),
        when('1인 가구', 'lives alone', v('household_size', '==', 1)),
        when('월 소득 {value} ≤ 기준 {threshold}', 'monthly income {value} ≤ threshold {threshold}', x(monthlyHouseholdIncome, '<=', p('threshold'))),
      ],
      examples: [
        example('alone at 80', [head('1946-01-01', 0)], { eligible: true }),
        example('with spouse', [head('1946-01-01', 0), spouse('1948-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'senior-dental-implant',
      title: ['어르신 임플란트 건강보험', 'Dental implants for older people'],
      agency: 'NHIS',
      category: 'health',
      entity: 'person',
      conditions: [when('만 65세 이상', 'aged 65 or over', v('age', '>=', 65))],
      examples: [example('aged 66', [head('1960-01-01')], { eligible: true }), example('aged 50', [head('1976-01-01')], { eligible: false })],
    }),
    rule({
      id: 'longevity-allowance',
      title: ['장수수당', 'Longevity allowance'],
      agency: 'LOCAL',
      category: 'elderly',
      entity: 'person',
      parameters: { amount: yearly('월 지급액', 'monthly amount', 30000) },
      conditions: [when('만 90세 이상', 'aged 90 or over', v('age', '>=', 90))],
      benefit: { period: 'month', amount: p('amount') },
      examples: [example('aged 92', [head('1934-01-01')], { eligible: true, amount: 30000 }), example('aged 85', [head('1941-01-01')], { eligible: false })],
    }),
    meansTested('livelihood-benefit', ['생계급여', 'Livelihood benefit'], 0.32, 'MOHW', 'income-support', 820556),
    meansTested('medical-benefit', ['의료급여', 'Medical benefit'], 0.4, 'MOHW', 'income-support', null),
    meansTested('housing-benefit', ['주거급여', 'Housing benefit'], 0.48, 'MOLIT', 'housing', null),
    meansTested('near-poverty-self-pay-reduction', ['차상위 본인부담 경감', 'Reduced medical co-payment for the near-poor'], 0.5, 'NHIS', 'health', null),
    meansTested('self-sufficiency-work', ['자활근로', 'Self-sufficiency work programme'], 0.5, 'MOHW', 'employment', null),
    meansTested('emergency-welfare', ['긴급복지지원', 'Emergency welfare support'], 0.75, 'MOHW', 'income-support', null),
    meansTested('telecom-discount', ['통신요금 감면', 'Telecommunication fee discount'], 0.5, 'MSIT', 'general', null),
    rule({
      id: 'education-benefit',
      title: ['교육급여', 'Education benefit'],
      agency: 'MOE',
      category: 'income-support',
      entity: 'person',
      parameters: {
        income_limit: medianIncome(0.5),
        yearly_amount: yearly('학교급별 연간 교육활동지원비 (나이 기준)', 'yearly school support by school level (by age)', { '7': 487000, '13': 679000, '16': 768000 }, { '7': 502000, '13': 699000, '16': 791000 }, 'age'),
      },
      conditions: [
        when('학령기 자녀 (만 7~18세)', 'school-age child (7 to 18)', { all: [v('age', '>=', 7), v('age', '<=', 18), v('household_role', '==', 'child')] }),
        underMedian(0.5),
      ],
      benefit: { period: 'year', amount: p('yearly_amount') },
      examples: [
        example('middle-school child', [head('1980-01-01', 20000000), child('2013-01-01')], { eligible: true, amount: 699000 }, { person: 1 }),
        example('primary-school child in 2025', [head('1980-01-01', 20000000), child('2016-01-01')], { eligible: true, amount: 487000 }, { person: 1, date: '2025-06-01' }),
        example('the parent', [head('1980-01-01', 20000000), child('2013-01-01')], { eligible: false }),
      ],
    }),
    rule({
      id: 'earned-income-tax-credit',
      title: ['근로장려금', 'Earned income tax credit'],
      agency: 'NTS',
      category: 'income-support',
      entity: 'household',
      parameters: { income_limit: yearly('가구 유형별 연간 총소득 기준 (가구원 수)', 'annual income limit by household type (size)', { '1': 22000000, '2': 32000000, '3': 38000000 }, undefined, 'household_size') },
      conditions: [
        when('근로·사업소득 있음', 'has earned or business income', v('household_income', '>', 0)),
        when('연간 가구소득 {value} < 기준 {threshold}', 'yearly household income {value} < limit {threshold}', v('household_income', '<', p('income_limit'))),
      ],
      examples: [
        example('single worker earning 15 million', [head('1995-01-01', 15000000)], { eligible: true }),
        example('single worker earning 25 million', [head('1995-01-01', 25000000)], { eligible: false }),
      ],
    }),
    rule({
      id: 'energy-voucher',
      title: ['에너지바우처', 'Energy voucher'],
      agency: 'MOTIE',
      category: 'income-support',
      entity: 'household',
      parameters: { income_limit: medianIncome(0.4), amount: yearly('연간 지원액', 'yearly support', 295200, 295200) },
      conditions: [
        underMedian(0.4),
        when('노인·영유아·장애인 가구원 ({value}명)', 'an older person, infant or person with a disability lives here ({value})', x(count({ any: [v('age', '>=', 65), v('age', '<', 7), v('disability_registered', '==', true)] }), '>=', 1)),
      ],
      benefit: { period: 'year', amount: p('amount') },
      examples: [
        example('poor older couple', [head('1950-01-01', 6000000), spouse('1952-01-01')], { eligible: true, amount: 295200 }),
        example('poor single adult', [head('1990-01-01', 6000000)], { eligible: false }),
      ],
    }),
    rule({
      id: 'culture-nuri-card',
      title: ['문화누리카드', 'Culture Nuri card'],
      agency: 'MCST',
      category: 'general',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.5), amount: yearly('연간 지원액', 'yearly support', 140000, 150000) },
      conditions: [when('만 6세 이상', 'aged 6 or over', v('age', '>=', 6)), underMedian(0.5)],
      benefit: { period: 'year', amount: p('amount') },
      examples: [
        example('low-income adult, 2026', [head('1960-01-01', 10000000)], { eligible: true, amount: 150000 }),
        example('low-income adult, 2025', [head('1960-01-01', 10000000)], { eligible: true, amount: 140000 }, { date: '2025-06-01' }),
        example('young child', [head('1960-01-01', 10000000), child('2022-01-01')], { eligible: false }, { person: 1 }),
      ],
    }),
    rule({
      id: 'youth-rent-support',
      title: ['청년월세 지원', 'Rent support for young people'],
      agency: 'MOLIT',
      category: 'housing',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.6), amount: yearly('월 지원액', 'monthly support', 200000) },
      conditions: [
        when('만 19~34세', 'aged 19 to 34', { all: [v('age', '>=', 19), v('age', '<=', 34)] }),
        when('세대주 (독립 거주)', 'head of own household', v('household_role', '==', 'head')),
        underMedian(0.6),
      ],
      benefit: { period: 'month', amount: p('amount') },
      examples: [
        example('25-year-old living alone, 1.2 million a month', [head('2001-01-01', 14400000)], { eligible: true, amount: 200000 }),
        example('living with parents', [head('1965-01-01', 0), child('2001-01-01', { earned_income: 10000000 })], { eligible: false }, { person: 1 }),
      ],
    }),
    rule({
      id: 'youth-jeonse-loan',
      title: ['청년 전용 버팀목 전세자금', 'Jeonse deposit loan for young people'],
      agency: 'MOLIT',
      category: 'housing',
      entity: 'person',
      parameters: { income_limit: yearly('연 소득 기준', 'yearly income limit', 50000000) },
      conditions: [
        when('만 19~34세', 'aged 19 to 34', { all: [v('age', '>=', 19), v('age', '<=', 34)] }),
        when('세대주', 'head of household', v('household_role', '==', 'head')),
        when('연 가구소득 {value} ≤ {threshold}', 'yearly household income {value} ≤ {threshold}', v('household_income', '<=', p('income_limit'))),
      ],
      examples: [example('young worker', [head('1998-01-01', 40000000)], { eligible: true }), example('aged 40', [head('1986-01-01', 40000000)], { eligible: false })],
    }),
    rule({
      id: 'senior-public-rental',
      title: ['고령자 복지주택', 'Public rental housing for older people'],
      agency: 'MOLIT',
      category: 'housing',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.5) },
      conditions: [when('만 65세 이상', 'aged 65 or over', v('age', '>=', 65)), underMedian(0.5)],
      examples: [example('poor 75-year-old', [head('1951-01-01', 6000000)], { eligible: true }), example('well-off 75-year-old', [head('1951-01-01', 60000000)], { eligible: false })],
    }),
    rule({
      id: 'national-employment-support',
      title: ['국민취업지원제도 (I유형)', 'National employment support (type I)'],
      agency: 'MOEL',
      category: 'employment',
      entity: 'person',
      parameters: { income_limit: medianIncome(0.6), allowance: yearly('구직촉진수당(월)', 'job-seeking allowance (monthly)', 500000, 600000) },
      conditions: [
        when('만 15~69세', 'aged 15 to 69', { all: [v('age', '>=', 15), v('age', '<=', 69)] }),
        when('근로소득 없음', 'no earned income', v('earned_income', '==', 0)),
        underMedian(0.6),
      ],
      benefit: { period: 'month', amount: p('allowance') },
      examples: [
        example('unemployed adult, 2026', [head('1990-01-01', 0)], { eligible: true, amount: 600000 }),
        example('unemployed adult, 2025', [head('1990-01-01', 0)], { eligible: true, amount: 500000 }, { date: '2025-06-01' }),
        example('employed adult', [head('1990-01-01', 30000000)], { eligible: false }),
      ],
    }),
    rule({
      id: 'youth-leap-account',
      title: ['청년도약계좌', 'Youth leap account'],
      agency: 'FSC',
      category: 'employment',
      entity: 'person',
      parameters: { personal_limit: yearly('개인 연 소득 기준', 'personal yearly income limit', 75000000), income_limit: medianIncome(1.8) },
      conditions: [
        when('만 19~34세', 'aged 19 to 34', { all: [v('age', '>=', 19), v('age', '<=', 34)] }),
        when('개인 연 소득 {value} ≤ {threshold}', 'personal yearly income {value} ≤ {threshold}', v('income', '<=', p('personal_limit'))),
        underMedian(1.8),
      ],
      examples: [example('young worker', [head('2000-01-01', 35000000)], { eligible: true }), example('aged 36', [head('1990-01-01', 35000000)], { eligible: false })],
    }),
    rule({
      id: 'youth-tomorrow-savings',
      title: ['청년내일저축계좌', 'Youth tomorrow savings account'],
      agency: 'MOHW',
      category: 'employment',
      entity: 'person',
      parameters: { income_limit: medianIncome(1.0), match: yearly('월 정부 지원금', 'monthly government match', 100000) },
      conditions: [
        when('만 19~34세', 'aged 19 to 34', { all: [v('age', '>=', 19), v('age', '<=', 34)] }),
        when('근로소득 있음', 'has earned income', v('earned_income', '>', 0)),
        underMedian(1.0),
      ],
      benefit: { period: 'month', amount: p('match') },
      examples: [example('working 27-year-old', [head('1999-01-01', 24000000)], { eligible: true, amount: 100000 }), example('no income', [head('1999-01-01', 0)], { eligible: false })],
    }),
    rule({
      id: 'youth-job-seeker-support',
      title: ['청년 구직활동 지원', 'Job-seeking support for young people'],
      agency: 'MOEL',
      category: 'employment',
      entity: 'person',
      parameters: { income_limit: medianIncome(1.2) },
      conditions: [
        when('만 18~34세', 'aged 18 to 34', { all: [v('age', '>=', 18), v('age', '<=', 34)] }),
        when('소득 없음', 'no income', v('income', '==', 0)),
        underMedian(1.2),
      ],
      examples: [
        example('graduate living with parents', [head('1965-01-01', 50000000), spouse('1967-01-01'), child('2002-01-01')], { eligible: true }, { person: 2 }),
        example('employed young person', [head('2000-01-01', 30000000)], { eligible: false }),
      ],
    }),
    rule({
      id: 'self-employed-insurance-support',
      title: ['자영업자 고용보험료 지원', 'Employment insurance subsidy for the self-employed'],
      agency: 'MOEL',
      category: 'employment',
      entity: 'person',
      parameters: { income_limit: yearly('사업소득 상한', 'business income limit', 30000000) },
      conditions: [
        when('사업소득 있음', 'has business income', v('business_income', '>', 0)),
        when('사업소득 {value} ≤ {threshold}', 'business income {value} ≤ {threshold}', v('business_income', '<=', p('income_limit'))),
      ],
      examples: [
        example('small shop owner', [head('1975-01-01', 0, { business_income: 20000000 })], { eligible: true }),
        example('employee', [head('1975-01-01', 20000000)], { eligible: false }),
      ],
    }),
    rule({
      id: 'middle-aged-career-support',
      title: ['중장년 경력지원', 'Career support for middle-aged workers'],
      agency: 'MOEL',
      category: 'employment',
      entity: 'person',
      conditions: [when('만 50~64세', 'aged 50 to 64', { all: [v('age', '>=', 50), v('age', '<=', 64)] }), when('근로소득 없음', 'no earned income', v('earned_income', '==', 0))],
      examples: [example('aged 58 without work', [head('1968-01-01', 0)], { eligible: true }), example('aged 45', [head('1981-01-01', 0)], { eligible: false })],
    }),
    rule({
      id: 'family-care-leave-support',
      title: ['가족돌봄 지원', 'Support for families caring for an older relative'],
      agency: 'MOHW',
      category: 'elderly',
      entity: 'household',
      conditions: [
        when('만 80세 이상 부모 동거 ({value}명)', 'a parent aged 80 or over lives here ({value})', x(count(v('age', '>=', 80), 'parent'), '>=', 1)),
      ],
      examples: [
        example('with an 85-year-old mother', [head('1965-01-01', 40000000), parent('1941-01-01', 0, { sex: 'F' })], { eligible: true }),
        example('no parent', [head('1965-01-01', 40000000)], { eligible: false }),
      ],
    }),
  ];
  return rules;
}
