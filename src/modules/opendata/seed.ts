// The seeded catalogue: synthetic but realistic public datasets of eleven agencies (as data.go.kr
// lists them), two closed assets, and every registry data product of the once-only exchange as a
// restricted entry, derived from the registry's product catalogue so the two never drift apart.
// URLs are paths on the platform; the catalogue makes them absolute with the public base URL.
import { DATA_PRODUCTS, type DataProduct } from '../registry/data-products';
import type { AccessLevel, FormatCode, FrequencyCode, LicenceCode, Localised, Publisher, ThemeCode } from './model';

const l = (ko: string, en: string): Localised => ({ ko, en });

export const PUBLISHERS: readonly Publisher[] = [
  { code: 'MOIS', name: l('행정안전부', 'Ministry of the Interior and Safety'), homepage: 'https://www.mois.go.kr' },
  { code: 'MOLIT', name: l('국토교통부', 'Ministry of Land, Infrastructure and Transport'), homepage: 'https://www.molit.go.kr' },
  { code: 'ME', name: l('환경부', 'Ministry of Environment'), homepage: 'https://www.me.go.kr' },
  { code: 'KMA', name: l('기상청', 'Korea Meteorological Administration'), homepage: 'https://www.kma.go.kr' },
  { code: 'MOHW', name: l('보건복지부', 'Ministry of Health and Welfare'), homepage: 'https://www.mohw.go.kr' },
  { code: 'KOSTAT', name: l('통계청', 'Statistics Korea'), homepage: 'https://kostat.go.kr' },
  { code: 'MOEL', name: l('고용노동부', 'Ministry of Employment and Labor'), homepage: 'https://www.moel.go.kr' },
  { code: 'MOE', name: l('교육부', 'Ministry of Education'), homepage: 'https://www.moe.go.kr' },
  { code: 'KDCA', name: l('질병관리청', 'Korea Disease Control and Prevention Agency'), homepage: 'https://www.kdca.go.kr' },
  { code: 'NTS', name: l('국세청', 'National Tax Service'), homepage: 'https://www.nts.go.kr' },
  { code: 'SEOUL', name: l('서울특별시', 'Seoul Metropolitan Government'), homepage: 'https://www.seoul.go.kr' },
  { code: 'SCOURT', name: l('법원행정처', 'National Court Administration'), homepage: 'https://www.scourt.go.kr' },
];

export const REGIONS: Record<string, Localised> = {
  KR: l('대한민국 전국', 'Republic of Korea (nationwide)'),
  '11': l('서울특별시', 'Seoul'),
  '26': l('부산광역시', 'Busan'),
  '41': l('경기도', 'Gyeonggi-do'),
  '50': l('제주특별자치도', 'Jeju'),
};

export interface DatasetSpec {
  id: string;
  publisher: string;
  title: Localised;
  description: Localised;
  themes: ThemeCode[];
  keywords: { ko: string[]; en: string[] };
  licence: LicenceCode | null;
  frequency: FrequencyCode;
  temporal: { start: string; end: string | null } | null;
  spatial: string;
  accessLevel: AccessLevel;
  /** Files offered for download, by format. */
  formats: FormatCode[];
  /** An open API (data service) over the dataset; for a registry product, the exchange endpoint. */
  api: { endpointUrl: string; endpointDescription: string } | null;
  issued: string;
  modified: string;
  dataProductId: string | null;
}

interface Short {
  kw: [string, string];
  lic?: LicenceCode;
  freq: FrequencyCode;
  from: string;
  to?: string;
  where?: string;
  formats: FormatCode[];
  api?: boolean;
  access?: AccessLevel;
  issued?: string;
  modified?: string;
}

function d(id: string, publisher: string, themes: ThemeCode[], title: [string, string], description: [string, string], s: Short): DatasetSpec {
  return {
    id,
    publisher,
    title: l(...title),
    description: l(...description),
    themes,
    keywords: { ko: s.kw[0].split(','), en: s.kw[1].split(',') },
    licence: s.access === 'closed' ? null : (s.lic ?? 'KOGL-Type1'),
    frequency: s.freq,
    temporal: { start: s.from, end: s.to ?? null },
    spatial: s.where ?? 'KR',
    accessLevel: s.access ?? 'public',
    formats: s.formats,
    api: s.api ? { endpointUrl: `/openapi/${id}`, endpointDescription: `/openapi/${id}/openapi.json` } : null,
    issued: s.issued ?? `${s.from.slice(0, 4) < '2015' ? '2015' : s.from.slice(0, 4)}-03-02`,
    modified: s.modified ?? '2026-10-31',
    dataProductId: null,
  };
}

export const SEED_PUBLIC_DATASETS: readonly DatasetSpec[] = [
  d('mois-population-by-district', 'MOIS', ['SOCI', 'REGI'], ['주민등록 인구 및 세대 현황(시군구별)', 'Registered population and households by district'],
    ['시·군·구별 주민등록 인구, 세대 수, 성별 인구를 매월 집계한 통계', 'Monthly counts of registered residents, households and residents by sex for every city, county and district'],
    { kw: ['인구,세대,주민등록,인구통계', 'population,households,resident register,demographics'], freq: 'MONTHLY', from: '2008-01-01', formats: ['CSV', 'JSON'], api: true }),
  d('mois-civil-defence-shelters', 'MOIS', ['JUST', 'REGI'], ['민방위 대피시설 위치', 'Civil defence shelters'],
    ['전국 민방위 대피시설의 명칭, 주소, 좌표, 수용 인원', 'Name, address, coordinates and capacity of every civil defence shelter'],
    { kw: ['대피소,민방위,재난,안전', 'shelter,civil defence,disaster,safety'], freq: 'QUARTERLY', from: '2016-01-01', formats: ['CSV', 'GEOJSON'], api: true }),
  d('mois-disaster-alerts', 'MOIS', ['JUST'], ['재난문자 발송 이력', 'Emergency alert messages sent'],
    ['지역별로 발송된 재난문자의 시각, 지역, 종류와 본문', 'Time, area, kind and text of every emergency alert message sent to mobile phones'],
    { kw: ['재난문자,긴급재난,경보', 'emergency alert,disaster,warning,cell broadcast'], freq: 'UPDATE_CONT', from: '2019-01-01', formats: ['JSON'], api: true, lic: 'CC-BY-4.0' }),
  d('mois-local-finance', 'MOIS', ['ECON', 'GOVE'], ['지방자치단체 재정 현황', 'Local government finances'],
    ['자치단체별 세입·세출 예산, 재정자립도, 채무 현황', 'Revenue and expenditure budgets, fiscal self-reliance and debt of every local government'],
    { kw: ['지방재정,예산,재정자립도', 'local finance,budget,fiscal self-reliance'], freq: 'ANNUAL', from: '2010-01-01', formats: ['XLSX', 'CSV'] }),
  d('molit-apartment-transactions', 'MOLIT', ['ECON', 'REGI'], ['아파트 매매 실거래가', 'Apartment sale prices (actual transactions)'],
    ['신고된 아파트 매매 거래의 단지, 전용면적, 층, 거래금액과 계약일', 'Complex, floor area, floor, price and contract date of every reported apartment sale'],
    { kw: ['부동산,실거래가,아파트,매매', 'real estate,transaction price,apartment,housing'], freq: 'DAILY', from: '2006-01-01', formats: ['CSV', 'XML'], api: true }),
  d('molit-bus-stops', 'MOLIT', ['TRAN'], ['전국 버스정류장 위치', 'Bus stops nationwide'],
    ['정류장 번호, 명칭, 좌표와 경유 노선', 'Stop number, name, coordinates and routes of every bus stop'],
    { kw: ['버스,정류장,대중교통', 'bus,bus stop,public transport'], freq: 'MONTHLY', from: '2018-01-01', formats: ['CSV', 'GEOJSON'], api: true }),
  d('molit-road-traffic-volume', 'MOLIT', ['TRAN'], ['도로 교통량 통계', 'Road traffic volumes'],
    ['고속국도와 일반국도 조사지점별 시간대·차종별 교통량', 'Traffic by hour and vehicle class at every counting station on expressways and national roads'],
    { kw: ['교통량,도로,고속도로', 'traffic volume,road,expressway'], freq: 'ANNUAL', from: '2000-01-01', formats: ['XLSX'] }),
  d('molit-building-register-summary', 'MOLIT', ['REGI', 'ECON'], ['건축물대장 총괄표제부', 'Building register: summary records'],
    ['건축물의 소재지, 용도, 구조, 연면적, 사용승인일', 'Location, use, structure, total floor area and completion date of buildings'],
    { kw: ['건축물대장,건물,용도', 'building register,building,land use'], freq: 'MONTHLY', from: '2012-01-01', formats: ['CSV'], api: true, lic: 'KOGL-Type3' }),
  d('me-air-quality-realtime', 'ME', ['ENVI', 'HEAL'], ['실시간 대기오염 측정정보', 'Real-time air quality'],
    ['전국 대기오염 측정소의 미세먼지(PM10, PM2.5), 오존, 이산화질소 시간별 측정값', 'Hourly particulate matter (PM10, PM2.5), ozone and nitrogen dioxide at every air quality station'],
    { kw: ['미세먼지,초미세먼지,대기오염,대기질', 'air quality,fine dust,particulate matter,pollution'], freq: 'HOURLY', from: '2015-01-01', formats: ['JSON', 'XML'], api: true }),
  d('me-water-quality-rivers', 'ME', ['ENVI'], ['하천 수질 측정망 자료', 'River water quality monitoring'],
    ['하천 측정지점별 BOD, COD, 총질소, 총인, 수온', 'BOD, COD, total nitrogen, total phosphorus and temperature at every river monitoring point'],
    { kw: ['수질,하천,환경', 'water quality,river,environment'], freq: 'MONTHLY', from: '2005-01-01', formats: ['CSV'] }),
  d('me-waste-generation', 'ME', ['ENVI'], ['전국 폐기물 발생 및 처리 현황', 'Waste generated and treated'],
    ['시·도별 생활폐기물, 사업장폐기물, 건설폐기물의 발생량과 재활용·소각·매립량', 'Household, industrial and construction waste by province, and how much is recycled, incinerated or landfilled'],
    { kw: ['폐기물,재활용,쓰레기', 'waste,recycling,garbage'], freq: 'ANNUAL', from: '2010-01-01', formats: ['XLSX', 'CSV'] }),
  d('me-ev-chargers', 'ME', ['ENER', 'TRAN'], ['전기차 충전소 정보', 'Electric vehicle charging stations'],
    ['충전소 위치, 충전기 종류, 이용 가능 시간과 실시간 충전기 상태', 'Location, charger types, opening hours and live status of every EV charger'],
    { kw: ['전기차,충전소,충전기', 'electric vehicle,EV charger,charging station'], freq: 'UPDATE_CONT', from: '2017-01-01', formats: ['JSON'], api: true, lic: 'CC-BY-4.0' }),
  d('kma-short-range-forecast', 'KMA', ['ENVI', 'AGRI'], ['동네예보(단기예보)', 'Short-range local weather forecast'],
    ['5km 격자별 기온, 강수확률, 강수량, 하늘상태, 풍속의 3일 예보', 'Three-day forecast of temperature, chance and amount of rain, sky and wind for every 5 km grid cell'],
    { kw: ['날씨,일기예보,기온,강수', 'weather,forecast,temperature,rain'], freq: 'HOURLY', from: '2008-01-01', formats: ['JSON', 'XML'], api: true }),
  d('kma-asos-observations', 'KMA', ['ENVI'], ['종관기상관측(ASOS) 자료', 'Surface weather observations (ASOS)'],
    ['기상관측소별 기온, 습도, 기압, 풍향, 풍속, 강수량의 시간별 관측값', 'Hourly temperature, humidity, pressure, wind and precipitation at every weather station'],
    { kw: ['기상관측,기온,습도,강수량', 'weather observation,temperature,humidity,precipitation'], freq: 'HOURLY', from: '1973-01-01', formats: ['CSV'], api: true }),
  d('kma-earthquakes', 'KMA', ['ENVI', 'JUST'], ['국내 지진 발생 목록', 'Earthquakes in and around Korea'],
    ['규모 2.0 이상 지진의 발생 시각, 진앙, 규모, 깊이', 'Time, epicentre, magnitude and depth of every earthquake of magnitude 2.0 or more'],
    { kw: ['지진,진앙,규모', 'earthquake,epicentre,magnitude,seismic'], freq: 'UPDATE_CONT', from: '1978-01-01', formats: ['CSV', 'JSON'], api: true, lic: 'CC-BY-4.0' }),
  d('mohw-welfare-facilities', 'MOHW', ['HEAL', 'SOCI'], ['사회복지시설 현황', 'Social welfare facilities'],
    ['노인·아동·장애인 복지시설의 명칭, 종류, 주소, 정원', 'Name, kind, address and capacity of welfare facilities for older people, children and people with disabilities'],
    { kw: ['복지시설,노인,아동,장애인', 'welfare facility,older people,children,disability'], freq: 'QUARTERLY', from: '2014-01-01', formats: ['CSV', 'XLSX'] }),
  d('mohw-hospitals-pharmacies', 'MOHW', ['HEAL'], ['병원·약국 정보', 'Hospitals and pharmacies'],
    ['의료기관과 약국의 명칭, 종별, 주소, 진료과목, 운영시간', 'Name, type, address, departments and opening hours of every hospital, clinic and pharmacy'],
    { kw: ['병원,약국,의료기관,진료시간', 'hospital,pharmacy,clinic,opening hours'], freq: 'WEEKLY', from: '2013-01-01', formats: ['CSV', 'JSON'], api: true }),
  d('mohw-basic-livelihood-recipients', 'MOHW', ['SOCI', 'ECON'], ['국민기초생활보장 수급자 현황', 'Basic livelihood security recipients'],
    ['시·군·구별 생계·의료·주거·교육급여 수급자 수(개인 식별 불가 집계)', 'Recipients of livelihood, medical, housing and education benefits by district (aggregates, no individual can be identified)'],
    { kw: ['기초생활,수급자,복지급여', 'basic livelihood,benefit recipients,welfare'], freq: 'ANNUAL', from: '2001-01-01', formats: ['XLSX'], lic: 'KOGL-Type2' }),
  d('kostat-population-projections', 'KOSTAT', ['SOCI'], ['장래인구추계', 'Population projections'],
    ['성별·연령별 장래 인구와 출생·사망·국제이동 가정', 'Projected population by sex and age, with the assumptions on births, deaths and migration'],
    { kw: ['장래인구,인구추계,저출산,고령화', 'population projection,ageing,low fertility'], freq: 'IRREG', from: '2022-01-01', to: '2072-12-31', formats: ['XLSX', 'CSV'] }),
  d('kostat-economically-active-population', 'KOSTAT', ['ECON', 'SOCI'], ['경제활동인구조사', 'Economically active population survey'],
    ['월별 취업자, 실업자, 고용률, 실업률(성·연령·시도별)', 'Monthly employed, unemployed, employment and unemployment rates by sex, age and province'],
    { kw: ['고용률,실업률,취업자,노동시장', 'employment rate,unemployment,labour market'], freq: 'MONTHLY', from: '1999-06-01', formats: ['CSV', 'JSON'], api: true }),
  d('kostat-consumer-price-index', 'KOSTAT', ['ECON'], ['소비자물가지수', 'Consumer price index'],
    ['품목별·지역별 소비자물가지수와 등락률', 'Consumer price index and its changes by item and region'],
    { kw: ['물가,소비자물가,인플레이션', 'prices,consumer price index,inflation,CPI'], freq: 'MONTHLY', from: '1965-01-01', formats: ['CSV', 'XLSX'], api: true, lic: 'CC-BY-4.0' }),
  d('moel-job-vacancies', 'MOEL', ['ECON'], ['워크넷 구인 정보', 'Job vacancies (Worknet)'],
    ['구인 업체의 직종, 근무지, 임금, 고용형태, 접수 마감일', 'Occupation, workplace, wage, type of contract and closing date of every vacancy posted on Worknet'],
    { kw: ['구인,채용,일자리,취업', 'job vacancies,hiring,jobs,recruitment'], freq: 'DAILY', from: '2010-01-01', formats: ['JSON', 'XML'], api: true }),
  d('moel-industrial-accidents', 'MOEL', ['HEAL', 'ECON'], ['산업재해 현황', 'Industrial accidents'],
    ['업종·규모·발생형태별 재해자 수와 사망자 수', 'Injured and killed workers by industry, company size and kind of accident'],
    { kw: ['산업재해,산재,안전사고', 'industrial accident,occupational injury,workplace safety'], freq: 'QUARTERLY', from: '2005-01-01', formats: ['XLSX'] }),
  d('moel-minimum-wage', 'MOEL', ['ECON'], ['연도별 최저임금', 'Minimum wage by year'],
    ['연도별 시간급·일급·월급 최저임금과 인상률', 'Hourly, daily and monthly minimum wage by year, and its increase'],
    { kw: ['최저임금,임금,시급', 'minimum wage,wages,hourly pay'], freq: 'ANNUAL', from: '1988-01-01', formats: ['CSV'], lic: 'CC-BY-4.0' }),
  d('moe-schools', 'MOE', ['EDUC'], ['학교 기본정보', 'Schools'],
    ['초·중·고등학교의 명칭, 설립구분, 주소, 학생 수, 교원 수', 'Name, type, address, pupils and teachers of every primary, middle and high school'],
    { kw: ['학교,초등학교,중학교,고등학교', 'school,primary school,middle school,high school'], freq: 'ANNUAL', from: '2008-01-01', formats: ['CSV', 'JSON'], api: true }),
  d('moe-school-meals', 'MOE', ['EDUC', 'HEAL'], ['학교 급식 식단 정보', 'School meal menus'],
    ['학교별 일자별 급식 메뉴, 열량, 알레르기 유발 식품', 'Daily menu, calories and allergens of every school\'s meals'],
    { kw: ['급식,식단,알레르기', 'school meals,menu,allergens'], freq: 'DAILY', from: '2016-01-01', formats: ['JSON'], api: true }),
  d('kdca-vaccination-rates', 'KDCA', ['HEAL'], ['국가예방접종 접종률', 'National immunisation coverage'],
    ['연령별·백신별 국가예방접종 접종률(시·도별)', 'Coverage of every national immunisation programme vaccine by age and province'],
    { kw: ['예방접종,백신,접종률', 'vaccination,vaccine,immunisation coverage'], freq: 'ANNUAL', from: '2012-01-01', formats: ['XLSX', 'CSV'] }),
  d('kdca-infectious-disease-cases', 'KDCA', ['HEAL'], ['법정감염병 발생 현황', 'Notifiable infectious disease cases'],
    ['감염병별·주별·지역별 신고 환자 수', 'Reported cases by disease, week and region'],
    { kw: ['감염병,전염병,발생현황', 'infectious disease,notifiable disease,epidemic'], freq: 'WEEKLY', from: '2001-01-01', formats: ['CSV', 'JSON'], api: true, lic: 'CC-BY-4.0' }),
  d('nts-tax-statistics', 'NTS', ['ECON', 'GOVE'], ['국세통계', 'National tax statistics'],
    ['세목별 신고·징수 실적과 납세자 수(집계)', 'Returns, collections and taxpayers by tax (aggregates)'],
    { kw: ['국세,세금,세수', 'national tax,taxes,tax revenue'], freq: 'ANNUAL', from: '2005-01-01', formats: ['XLSX', 'CSV'] }),
  d('nts-business-status', 'NTS', ['ECON'], ['사업자등록 상태 조회', 'Business registration status'],
    ['사업자등록번호로 계속·휴업·폐업 상태와 과세유형을 조회하는 서비스', 'Look up whether a business registration number is active, suspended or closed, and its tax type'],
    { kw: ['사업자등록,휴폐업,과세유형', 'business registration,closed business,tax type'], freq: 'UPDATE_CONT', from: '2019-01-01', formats: ['JSON'], api: true }),
  d('seoul-bike-rentals', 'SEOUL', ['TRAN', 'REGI'], ['서울시 공공자전거(따릉이) 대여 이력', 'Seoul public bike (Ttareungyi) rentals'],
    ['대여소별 대여·반납 일시와 이용 시간, 이동 거리', 'Rental and return times, duration and distance by bike station'],
    { kw: ['따릉이,공공자전거,자전거', 'public bike,bike sharing,Ttareungyi'], freq: 'MONTHLY', from: '2018-01-01', where: '11', formats: ['CSV'], lic: 'CC-BY-4.0' }),
  d('seoul-subway-ridership', 'SEOUL', ['TRAN'], ['서울시 지하철 역별 승하차 인원', 'Seoul subway ridership by station'],
    ['호선·역별·시간대별 승차 및 하차 인원', 'Boardings and alightings by line, station and hour'],
    { kw: ['지하철,승하차,대중교통', 'subway,metro,ridership,public transport'], freq: 'DAILY', from: '2015-01-01', where: '11', formats: ['CSV', 'JSON'], api: true }),
  d('seoul-cctv-locations', 'SEOUL', ['JUST', 'REGI'], ['서울시 안전 CCTV 설치 현황', 'Seoul safety CCTV cameras'],
    ['자치구별 방범용 CCTV의 위치와 설치 목적, 대수', 'Location, purpose and number of crime-prevention cameras by district'],
    { kw: ['CCTV,방범,안전', 'CCTV,crime prevention,safety'], freq: 'QUARTERLY', from: '2017-01-01', where: '11', formats: ['CSV', 'XLSX'], lic: 'KOGL-Type4' }),
  d('scourt-court-statistics', 'SCOURT', ['JUST'], ['사법연감 사건 통계', 'Judicial yearbook: case statistics'],
    ['법원별·사건종류별 접수·처리 건수와 평균 처리기간', 'Cases filed and decided, and average duration, by court and kind of case'],
    { kw: ['법원,재판,사건,사법통계', 'courts,trials,cases,judicial statistics'], freq: 'ANNUAL', from: '2000-01-01', formats: ['PDF', 'XLSX'], lic: 'KOGL-Type3' }),
];

/** The rationing module's open stock dataset (src/modules/rationing): its API is the live stock of the demo programme (id 1). */
const RATIONING_STOCK: DatasetSpec = {
  ...d('mohw-public-mask-stock', 'MOHW', ['HEAL'], ['공적 마스크 판매처 및 재고 현황(실시간)', 'Public face masks: outlets and stock (real time)'],
    ['공적 마스크 판매처(약국)의 위치와 재고 수준(많음·보통·적음·없음), 재고 수량, 갱신 시각. 판매와 입고가 1초 안에 반영되며 server-sent events 스트림으로도 제공', 'Location and stock level (plenty, some, few, empty), count and update time of every outlet (pharmacy) selling public face masks; sales and deliveries show within a second, also as a server-sent-events stream'],
    { kw: ['마스크,공적마스크,약국,재고,실시간', 'face mask,public masks,pharmacy,stock,real time'], freq: 'UPDATE_CONT', from: '2026-01-01', formats: ['JSON'], issued: '2026-11-22', modified: '2026-11-22' }),
  api: { endpointUrl: '/api/v1/rationing/programmes/1/stock', endpointDescription: '/openapi.json' },
};

export const SEED_CLOSED_DATASETS: readonly DatasetSpec[] = [
  d('mois-gpki-certificate-ledger', 'MOIS', ['GOVE', 'TECH'], ['행정전자서명(GPKI) 인증서 발급 대장', 'Government PKI (GPKI) certificate ledger'],
    ['공무원과 기관 시스템에 발급된 행정전자서명 인증서의 발급·폐지 대장(보안상 비공개)', 'Certificates issued to officials and agency systems, with revocations (closed for security reasons)'],
    { kw: ['인증서,GPKI,전자서명', 'certificate,GPKI,electronic signature'], freq: 'UPDATE_CONT', from: '2003-01-01', formats: ['CSV'], access: 'closed' }),
  d('kdca-pathogen-biobank', 'KDCA', ['HEAL', 'TECH'], ['고위험 병원체 보유 현황', 'High-risk pathogen holdings'],
    ['기관별 고위험 병원체의 종류와 보유량(생물안전상 비공개)', 'Kinds and amounts of high-risk pathogens held by each institution (closed for biosafety)'],
    { kw: ['병원체,생물안전,연구', 'pathogen,biosafety,research'], freq: 'IRREG', from: '2010-01-01', formats: ['XLSX'], access: 'closed' }),
];

/** The theme of a registry product, by the agency that holds it. */
const THEMES_BY_HOLDER: Record<string, ThemeCode[]> = {
  MOIS: ['SOCI', 'GOVE'],
  SCOURT: ['JUST', 'SOCI'],
  NTS: ['ECON'],
  MOHW: ['HEAL', 'SOCI'],
  MOLIT: ['TRAN'],
};

/** A registry data product of the once-only exchange as a restricted catalogue entry. */
export function datasetOfDataProduct(product: DataProduct): DatasetSpec {
  const holder = product.providerSubsystem.split('/')[2] ?? 'MOIS';
  const fieldTitles = product.fields.map((field) => field.title);
  return {
    id: product.id,
    publisher: holder,
    title: product.title,
    description: product.description,
    themes: THEMES_BY_HOLDER[holder] ?? ['GOVE'],
    keywords: { ko: fieldTitles.map((title) => title.ko), en: fieldTitles.map((title) => title.en) },
    licence: null,
    frequency: 'UPDATE_CONT',
    temporal: null,
    spatial: 'KR',
    accessLevel: 'restricted',
    formats: [],
    api: {
      endpointUrl: `/r1/${product.providerSubsystem}/${product.id}`,
      endpointDescription: `/r1/${product.providerSubsystem}/getOpenAPI?serviceCode=${encodeURIComponent(product.id)}`,
    },
    issued: '2026-01-02',
    modified: '2026-11-01',
    dataProductId: product.id,
  };
}

/** Every entry the platform seeds: public datasets, closed assets, then the registry products. */
export function seedDatasets(): DatasetSpec[] {
  return [...SEED_PUBLIC_DATASETS, RATIONING_STOCK, ...SEED_CLOSED_DATASETS, ...DATA_PRODUCTS.map(datasetOfDataProduct)];
}
