// The vocabularies of the data catalogue and the shape of one entry. Codes are those of the EU
// controlled vocabularies that DCAT-AP 3 prescribes (data themes, frequencies, access rights, file
// types), so the DCAT output can name them by their authority URIs; licences are Korea's KOGL
// (공공누리) types and CC BY 4.0.
export type Localised = { ko: string; en: string };

/** EU data themes (http://publications.europa.eu/resource/authority/data-theme). */
export const THEMES = {
  AGRI: { ko: '농업·수산·임업·식품', en: 'Agriculture, fisheries, forestry and food' },
  ECON: { ko: '경제·재정', en: 'Economy and finance' },
  EDUC: { ko: '교육·문화·스포츠', en: 'Education, culture and sport' },
  ENER: { ko: '에너지', en: 'Energy' },
  ENVI: { ko: '환경', en: 'Environment' },
  GOVE: { ko: '정부·공공부문', en: 'Government and public sector' },
  HEAL: { ko: '보건', en: 'Health' },
  INTR: { ko: '국제', en: 'International issues' },
  JUST: { ko: '사법·법률·공공안전', en: 'Justice, legal system and public safety' },
  REGI: { ko: '지역·도시', en: 'Regions and cities' },
  SOCI: { ko: '인구·사회', en: 'Population and society' },
  TECH: { ko: '과학·기술', en: 'Science and technology' },
  TRAN: { ko: '교통', en: 'Transport' },
} as const satisfies Record<string, Localised>;
export type ThemeCode = keyof typeof THEMES;
export const THEME_CODES = Object.keys(THEMES) as ThemeCode[];

/** EU frequencies (http://publications.europa.eu/resource/authority/frequency). */
export const FREQUENCIES = {
  UPDATE_CONT: { ko: '실시간', en: 'Continuously updated' },
  HOURLY: { ko: '매시간', en: 'Hourly' },
  DAILY: { ko: '매일', en: 'Daily' },
  WEEKLY: { ko: '매주', en: 'Weekly' },
  MONTHLY: { ko: '매월', en: 'Monthly' },
  QUARTERLY: { ko: '분기별', en: 'Quarterly' },
  ANNUAL: { ko: '매년', en: 'Annual' },
  IRREG: { ko: '수시', en: 'Irregular' },
} as const satisfies Record<string, Localised>;
export type FrequencyCode = keyof typeof FREQUENCIES;

/** Licences: the four KOGL types and CC BY 4.0, each with its canonical URI. */
export const LICENCES = {
  'KOGL-Type1': { uri: 'https://www.kogl.or.kr/info/licenseType1.do', title: { ko: '공공누리 제1유형(출처표시)', en: 'KOGL Type 1 (attribution)' } },
  'KOGL-Type2': { uri: 'https://www.kogl.or.kr/info/licenseType2.do', title: { ko: '공공누리 제2유형(출처표시, 상업적 이용금지)', en: 'KOGL Type 2 (attribution, non-commercial)' } },
  'KOGL-Type3': { uri: 'https://www.kogl.or.kr/info/licenseType3.do', title: { ko: '공공누리 제3유형(출처표시, 변경금지)', en: 'KOGL Type 3 (attribution, no derivatives)' } },
  'KOGL-Type4': { uri: 'https://www.kogl.or.kr/info/licenseType4.do', title: { ko: '공공누리 제4유형(출처표시, 상업적 이용금지, 변경금지)', en: 'KOGL Type 4 (attribution, non-commercial, no derivatives)' } },
  'CC-BY-4.0': { uri: 'https://creativecommons.org/licenses/by/4.0/', title: { ko: 'CC BY 4.0(저작자표시)', en: 'CC BY 4.0 (attribution)' } },
} as const satisfies Record<string, { uri: string; title: Localised }>;
export type LicenceCode = keyof typeof LICENCES;
export const LICENCE_CODES = Object.keys(LICENCES) as LicenceCode[];

/**
 * public: anyone; restricted: inside government under an access agreement (the registries' data
 * products); closed: not shared, listed so the catalogue covers every asset (review rec. 6d).
 */
export const ACCESS_LEVELS = ['public', 'restricted', 'closed'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
export const ACCESS_LEVEL_NAMES: Record<AccessLevel, Localised> = {
  public: { ko: '공개', en: 'Public' },
  restricted: { ko: '제한(협약 시 정부 내 이용)', en: 'Restricted (inside government under an agreement)' },
  closed: { ko: '비공개', en: 'Closed' },
};
/** EU access rights (http://publications.europa.eu/resource/authority/access-right). */
export const ACCESS_RIGHTS: Record<AccessLevel, string> = { public: 'PUBLIC', restricted: 'RESTRICTED', closed: 'NON_PUBLIC' };

/** File formats: EU file-type code and IANA media type. */
export const FORMATS = {
  CSV: { mediaType: 'text/csv' },
  JSON: { mediaType: 'application/json' },
  XML: { mediaType: 'application/xml' },
  XLSX: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  GEOJSON: { mediaType: 'application/geo+json' },
  SHP: { mediaType: 'application/zip' },
  PDF: { mediaType: 'application/pdf' },
} as const;
export type FormatCode = keyof typeof FORMATS;
export const FORMAT_CODES = Object.keys(FORMATS) as FormatCode[];

export interface Publisher {
  code: string;
  name: Localised;
  homepage: string;
}

export interface Distribution {
  id: string;
  title: Localised;
  format: FormatCode;
  mediaType: string;
  /** Where the data is reached (mandatory in DCAT-AP). */
  accessUrl: string;
  /** A direct file download, when there is one. */
  downloadUrl: string | null;
  /** The data service that serves this distribution (an id in `services`), if any. */
  accessServiceId: string | null;
}

export interface DataService {
  id: string;
  title: Localised;
  endpointUrl: string;
  endpointDescription: string;
}

export interface DatasetEntry {
  id: string;
  title: Localised;
  description: Localised;
  publisher: Publisher;
  themes: ThemeCode[];
  keywords: { ko: string[]; en: string[] };
  licence: LicenceCode | null;
  frequency: FrequencyCode;
  temporal: { start: string; end: string | null } | null;
  spatial: { code: string; name: Localised };
  contact: { name: Localised; email: string };
  accessLevel: AccessLevel;
  distributions: Distribution[];
  services: DataService[];
  issued: string;
  modified: string;
  /** The registry data product this entry describes (restricted entries), for the agreement request. */
  dataProductId: string | null;
}

export const FACETS = ['publisher', 'theme', 'format', 'access', 'licence'] as const;
export type Facet = (typeof FACETS)[number];
