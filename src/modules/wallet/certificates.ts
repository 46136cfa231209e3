// The e-certificate catalogue: each document type an agency issues as a W3C Verifiable Credential
// 2.0, which agency issues it (and which agencies' officials may issue and revoke it), which data
// products of the registries its claims come from, how long it is valid, and the JSON-LD context
// that defines its Korean terms (bundled: the document loader serves it, never the network).
import { randomBytes } from 'node:crypto';
import type { Message } from '../../core/i18n';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const DOC_URI_PREFIX = 'urn:oncegov:doc:';

export const DOC_TYPES = [
  'FamilyRelationCertificate',
  'IncomeCertificate',
  'ResidentRegistrationAbstract',
  'BusinessRegistrationCertificate',
  'VaccinationRecord',
  'ElectronicSealCertificate',
] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const SEAL_PURPOSES = ['general', 'property-sale', 'vehicle-sale', 'loan'] as const;
export type SealPurpose = (typeof SEAL_PURPOSES)[number];

export interface CertificateDefinition {
  type: DocType;
  /** The issuing agency: its id is `${baseUrl}/issuers/${agency}`. */
  agency: string;
  /** Agencies whose officials may issue and revoke it (the issuer's own, and e.g. local government for seals). */
  officials: readonly string[];
  title: Message;
  /** Data products (registry module) the claims are read from. */
  products: readonly string[];
  /** The MyData data product a consent to share it with a recipient names; null: not shareable through MyData. */
  consentProduct: string | null;
  /** Whether a resident may ask for it from the wallet (their own registry data is enough). */
  selfService: boolean;
  validDays: number;
}

export const CERTIFICATES: Record<DocType, CertificateDefinition> = {
  FamilyRelationCertificate: {
    type: 'FamilyRelationCertificate',
    agency: 'SCOURT',
    officials: ['SCOURT'],
    title: { ko: '가족관계증명서', en: 'Family relation certificate' },
    products: ['resident.basic', 'family.relations'],
    consentProduct: 'family.relations',
    selfService: true,
    validDays: 90,
  },
  IncomeCertificate: {
    type: 'IncomeCertificate',
    agency: 'NTS',
    officials: ['NTS'],
    title: { ko: '소득금액증명', en: 'Income certificate' },
    products: ['resident.basic', 'tax.income-certificate'],
    consentProduct: 'tax.income-certificate',
    selfService: true,
    validDays: 90,
  },
  ResidentRegistrationAbstract: {
    type: 'ResidentRegistrationAbstract',
    agency: 'MOIS',
    officials: ['MOIS', 'LOCAL'],
    title: { ko: '주민등록표 초본', en: 'Abstract of resident registration' },
    products: ['resident.basic'],
    consentProduct: 'resident.basic',
    selfService: true,
    validDays: 90,
  },
  BusinessRegistrationCertificate: {
    type: 'BusinessRegistrationCertificate',
    agency: 'NTS',
    officials: ['NTS'],
    title: { ko: '사업자등록증명', en: 'Certificate of business registration' },
    products: ['business.registration'],
    consentProduct: null,
    // The registry publishes no "businesses of this resident" lookup: NTS issues it by BRN.
    selfService: false,
    validDays: 90,
  },
  VaccinationRecord: {
    type: 'VaccinationRecord',
    agency: 'KDCA',
    officials: ['KDCA'],
    title: { ko: '예방접종증명서', en: 'Vaccination record' },
    products: ['resident.basic'],
    consentProduct: null,
    // The registries hold no immunisation register yet: KDCA states the doses when it issues.
    selfService: false,
    validDays: 365,
  },
  ElectronicSealCertificate: {
    type: 'ElectronicSealCertificate',
    agency: 'MOIS',
    officials: ['MOIS', 'LOCAL'],
    title: { ko: '전자본인서명확인서(인감증명 대체)', en: 'Electronic seal certificate (replaces the seal-impression certificate)' },
    products: ['resident.basic'],
    consentProduct: 'resident.basic',
    selfService: true,
    validDays: 90,
  },
};

export const ISSUING_AGENCIES = [...new Set(Object.values(CERTIFICATES).map((c) => c.agency))];

export const AGENCY_NAMES: Record<string, Message> = {
  SCOURT: { ko: '법원행정처', en: 'National Court Administration' },
  NTS: { ko: '국세청', en: 'National Tax Service' },
  MOIS: { ko: '행정안전부', en: 'Ministry of the Interior and Safety' },
  KDCA: { ko: '질병관리청', en: 'Korea Disease Control and Prevention Agency' },
};

export const SEAL_PURPOSE_TITLES: Record<SealPurpose, Message> = {
  general: { ko: '일반용', en: 'General use' },
  'property-sale': { ko: '부동산 매도용', en: 'Sale of real estate' },
  'vehicle-sale': { ko: '자동차 매도용', en: 'Sale of a vehicle' },
  loan: { ko: '금융기관 대출용', en: 'Bank loan' },
};

/** Vaccines of the national immunisation programme a record may list (KDCA codes, simplified). */
export const VACCINES: Record<string, Message> = {
  BCG: { ko: '결핵(BCG)', en: 'Tuberculosis (BCG)' },
  HepB: { ko: 'B형간염', en: 'Hepatitis B' },
  DTaP: { ko: '디프테리아·파상풍·백일해', en: 'Diphtheria, tetanus, pertussis' },
  IPV: { ko: '폴리오', en: 'Polio' },
  MMR: { ko: '홍역·유행성이하선염·풍진', en: 'Measles, mumps, rubella' },
  VAR: { ko: '수두', en: 'Varicella' },
  IJEV: { ko: '일본뇌염', en: 'Japanese encephalitis' },
  HPV: { ko: '사람유두종바이러스', en: 'Human papillomavirus' },
  Flu: { ko: '인플루엔자', en: 'Influenza' },
  COVID19: { ko: '코로나19', en: 'COVID-19' },
};

export function isDocType(value: unknown): value is DocType {
  return typeof value === 'string' && (DOC_TYPES as readonly string[]).includes(value);
}

const DOC_ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U
export const DOC_URI_PATTERN = `^urn:oncegov:doc:[A-Z]{2,10}-(${DOC_TYPES.join('|')})-[0-9A-HJKMNP-TV-Z]{16}$`;
const DOC_URI = new RegExp(DOC_URI_PATTERN);

/** A new document URI in DigiLocker's IssuerId-DocType-DocId form: urn:oncegov:doc:NTS-IncomeCertificate-7K3Q9XWP2MDA4B1C. */
export function newDocumentUri(agency: string, type: DocType): string {
  const bytes = randomBytes(16);
  const docId = [...bytes].map((b) => DOC_ID_ALPHABET[b % 32]).join('');
  return `${DOC_URI_PREFIX}${agency}-${type}-${docId}`;
}

export function parseDocumentUri(uri: string): { agency: string; type: DocType; docId: string } | null {
  if (typeof uri !== 'string' || !DOC_URI.test(uri)) return null;
  const [agency, type, docId] = uri.slice(DOC_URI_PREFIX.length).split('-') as [string, DocType, string];
  return { agency, type, docId };
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** The JSON-LD context of the Korean certificate terms (protected, like the VC 2.0 context). */
export function koreanCertificatesContext(vocab: string): object {
  const term = (name: string, type?: 'date' | 'integer' | 'boolean' | '@id') =>
    type ? { '@id': `${vocab}${name}`, '@type': type === '@id' ? '@id' : `${XSD}${type}` } : `${vocab}${name}`;
  const terms: Record<string, unknown> = {};
  for (const type of [...DOC_TYPES, 'Resident', 'Business', 'FamilyMember', 'Vaccination']) terms[type] = `${vocab}${type}`;
  Object.assign(terms, {
    nameKo: term('nameKo'),
    nameRomanized: term('nameRomanized'),
    birthDate: term('birthDate', 'date'),
    sex: term('sex'),
    addressKo: term('addressKo'),
    addressEn: term('addressEn'),
    postalCode: term('postalCode'),
    householdRole: term('householdRole'),
    registeredOn: term('registeredOn', 'date'),
    familyMembers: { '@id': `${vocab}familyMembers`, '@container': '@set' },
    relation: term('relation'),
    taxYear: term('taxYear', 'integer'),
    earnedIncomeKrw: term('earnedIncomeKrw', 'integer'),
    businessIncomeKrw: term('businessIncomeKrw', 'integer'),
    brn: term('brn'),
    tradeNameKo: term('tradeNameKo'),
    tradeNameEn: term('tradeNameEn'),
    industryCode: term('industryCode'),
    openedOn: term('openedOn', 'date'),
    closedOn: term('closedOn', 'date'),
    businessStatus: term('businessStatus'),
    vaccinations: { '@id': `${vocab}vaccinations`, '@container': '@set' },
    vaccineCode: term('vaccineCode'),
    doseNumber: term('doseNumber', 'integer'),
    administeredOn: term('administeredOn', 'date'),
    sealPurpose: term('sealPurpose'),
    issuingOffice: term('issuingOffice'),
  });
  return { '@context': { '@version': 1.1, '@protected': true, ...terms } };
}
