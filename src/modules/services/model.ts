// The shapes of the service catalogue: life events, channels, required documents, services,
// agencies and bundles. Shared by the seed, the repository, the search index and the routes.
import type { Message } from '../../core/i18n';

export type Localised = Message;

/** The ten life events residents browse by (Government24's lifecycle services). */
export const LIFE_EVENT_CODES = [
  'birth',
  'childcare',
  'school',
  'employment',
  'moving-house',
  'marriage',
  'disability',
  'old-age',
  'death',
  'starting-business',
] as const;
export type LifeEventCode = (typeof LIFE_EVENT_CODES)[number];

export const CHANNELS = ['online', 'office', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Notification categories (residents opt out of proactive notices per category). */
export const BENEFIT_CATEGORIES = ['child', 'elderly', 'disability', 'income-support', 'employment', 'health', 'housing', 'general'] as const;
export type BenefitCategory = (typeof BENEFIT_CATEGORIES)[number];

export interface LifeEvent {
  code: LifeEventCode;
  name: Localised;
  description: Localised;
}

export const LIFE_EVENTS: readonly LifeEvent[] = [
  { code: 'birth', name: { ko: '임신·출산', en: 'Pregnancy and birth' }, description: { ko: '임신 진료비, 출생신고, 출산 지원금과 아동 수당', en: 'Pregnancy care, registering a birth, birth grants and child benefits' } },
  { code: 'childcare', name: { ko: '영유아 양육', en: 'Raising young children' }, description: { ko: '보육료, 양육수당, 아이돌봄, 육아휴직', en: 'Daycare fees, home-care allowance, childminding, parental leave' } },
  { code: 'school', name: { ko: '입학·학업', en: 'School and study' }, description: { ko: '취학통지, 교육비와 장학금, 학자금', en: 'School enrolment, education costs, scholarships and student loans' } },
  { code: 'employment', name: { ko: '취업·실직', en: 'Work and losing a job' }, description: { ko: '구직급여, 취업 지원, 직업훈련, 근로장려금', en: 'Unemployment benefit, job-seeking support, training, earned income tax credit' } },
  { code: 'moving-house', name: { ko: '이사·주거', en: 'Moving house and housing' }, description: { ko: '전입신고, 확정일자, 주거급여와 전월세 지원', en: 'Moving-in report, fixed-date stamp, housing benefit and rent support' } },
  { code: 'marriage', name: { ko: '결혼', en: 'Marriage' }, description: { ko: '혼인신고, 신혼부부 주거 지원', en: 'Registering a marriage, housing support for newlyweds' } },
  { code: 'disability', name: { ko: '장애', en: 'Disability' }, description: { ko: '장애인 등록, 장애인연금, 활동지원과 감면', en: 'Disability registration, disability pension, personal assistance and reductions' } },
  { code: 'old-age', name: { ko: '노후', en: 'Old age' }, description: { ko: '기초연금, 노령연금, 장기요양과 어르신 교통 지원', en: 'Basic pension, old-age pension, long-term care and senior transport' } },
  { code: 'death', name: { ko: '사망·상속', en: 'Death and inheritance' }, description: { ko: '사망신고, 안심상속 원스톱서비스, 유족연금, 상속세', en: 'Death report, the safe inheritance one-stop service, survivor pension, inheritance tax' } },
  { code: 'starting-business', name: { ko: '창업', en: 'Starting a business' }, description: { ko: '사업자등록, 영업신고, 창업 자금과 소상공인 지원', en: 'Business registration, trade notification, start-up funding and small-business support' } },
];

export function isLifeEventCode(value: unknown): value is LifeEventCode {
  return typeof value === 'string' && (LIFE_EVENT_CODES as readonly string[]).includes(value);
}

export const CHANNEL_NAMES: Record<Channel, Localised> = {
  online: { ko: '온라인 신청', en: 'Online' },
  office: { ko: '방문 신청(주민센터·기관 창구)', en: 'In person (community centre or agency office)' },
  partner: { ko: '민간 협력 채널(은행·카드사·앱)', en: 'Partner channels (banks, card companies, apps)' },
};

/** A registry data product the platform fetches itself, or a document only the resident has. */
export type DocumentSpec = { kind: 'data-product'; dataProductId: string } | { kind: 'upload'; name: Localised };

export interface Agency {
  code: string;
  name: Localised;
}

/** A service as the seed defines it (and as the tables store it). */
export interface ServiceSpec {
  id: string;
  agency: string;
  name: Localised;
  description: Localised;
  lifeEvents: LifeEventCode[];
  channels: Channel[];
  documents: DocumentSpec[];
  processingTime: Localised;
  feeKrw: number;
  feeNote?: Localised;
  legalBasis: Localised;
  contact: Localised;
  category?: BenefitCategory;
  keywords?: Localised;
}

export interface BundleSpec {
  id: string;
  name: Localised;
  description: Localised;
  lifeEvent: LifeEventCode;
  serviceIds: string[];
}

export interface RequiredDocument {
  kind: 'data-product' | 'upload';
  /** The registry data product (kind data-product), else null. */
  dataProductId: string | null;
  name: Localised;
  /** True when the platform fetches it from the holding agency: the resident submits nothing. */
  fetchedByPlatform: boolean;
  /** The agency holding the data (data products), else null. */
  heldBy: Localised | null;
}

/** A service as the catalogue answers it. */
export interface CatalogueService {
  id: string;
  agency: Agency;
  name: Localised;
  description: Localised;
  lifeEvents: LifeEventCode[];
  channels: Channel[];
  requiredDocuments: RequiredDocument[];
  processingTime: Localised;
  feeKrw: number;
  feeNote: Localised | null;
  legalBasis: Localised;
  contact: Localised;
  category: BenefitCategory | null;
  keywords: Localised;
}

export interface ServiceBundle {
  id: string;
  name: Localised;
  description: Localised;
  lifeEvent: LifeEventCode;
  serviceIds: string[];
}
