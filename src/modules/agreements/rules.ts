// The rules of access agreements as pure functions: what makes a request valid (every problem named
// by its field, in the reader's language), who may act on an agreement in which capacity, and how
// decisions move the status. The service applies them inside its transactions; the unit tests pin
// them down without a database.
import type { Principal } from '../../core/auth';
import type { FieldProblem } from '../../core/errors';
import { defineMessages, t, type Locale } from '../../core/i18n';
import type { DataProduct, Subsystem } from './ports';
import { findPurpose } from './purposes';

export const MAX_VALIDITY_YEARS = 5;
export const PURPOSE_TEXT_MAX = 500;
export const LEGAL_BASIS_MAX = 300;
export const REASON_MAX = 1000;

export type StoredStatus = 'requested' | 'active' | 'suspended' | 'rejected';
export type AgreementStatus = StoredStatus | 'expired';
export const STATUSES: readonly AgreementStatus[] = ['requested', 'active', 'suspended', 'rejected', 'expired'];
export type Decision = 'approve' | 'reject';
export type Capacity = 'client' | 'holder' | 'operator';

const messages = defineMessages({
  clientUnknown: { ko: '디렉터리에 등록되지 않은 시스템입니다', en: 'is not a subsystem in the directory' },
  clientNotConsumer: { ko: '데이터를 이용하는 시스템이 아닙니다(제공 전용)', en: 'is a provider-only subsystem and cannot consume data' },
  productUnknown: { ko: '등록되지 않은 데이터 상품입니다', en: 'is not a known data product' },
  fieldsEmpty: { ko: '이용할 항목을 하나 이상 선택하세요', en: 'choose at least one field' },
  fieldUnknown: { ko: '이 데이터 상품에 없는 항목입니다: {names}', en: 'not fields of this data product: {names}' },
  fieldTwice: { ko: '같은 항목이 두 번 이상 있습니다: {names}', en: 'fields listed more than once: {names}' },
  purposeUnknown: { ko: '목적 목록에서 이용 목적을 선택하세요', en: 'choose a purpose from the catalogue' },
  purposeTextEmpty: { ko: '이용 목적을 구체적으로 적어 주세요', en: 'describe the purpose' },
  purposeTextLong: { ko: '{max}자 이내로 적어 주세요', en: 'must be at most {max} characters' },
  legalBasisEmpty: { ko: '법적 근거(법령과 조항)를 적어 주세요', en: 'give the legal basis (act and article)' },
  dateInvalid: { ko: '날짜와 시각 형식이 올바르지 않습니다', en: 'is not a valid date and time' },
  untilBeforeFrom: { ko: '이용 종료일은 시작일보다 뒤여야 합니다', en: 'must be after the start of validity' },
  untilPassed: { ko: '이용 종료일이 이미 지났습니다', en: 'has already passed' },
  untilTooLate: { ko: '이용 기간은 최대 {years}년입니다', en: 'must be at most {years} years after the start of validity' },
  covertNotAllowed: { ko: '열람 사실 비공개는 법 집행 목적에만 허용됩니다', en: 'only law-enforcement agreements may hide accesses from residents' },
  covertWithConsent: { ko: '열람 사실을 비공개로 하는 협약은 정보주체의 동의를 받을 수 없습니다', en: 'a covert agreement cannot ask the resident for consent' },
});

export interface RequestInput {
  clientSubsystem: string;
  productId: string;
  purposeCode: string;
  purposeText: string;
  legalBasis: string;
  fields: string[];
  /** ISO 8601 date-time; the moment of the request when absent. */
  validFrom?: string;
  /** ISO 8601 date-time. */
  validUntil: string;
  consentRequired: boolean;
  covert?: boolean;
}

export interface ValidRequest {
  client: Subsystem;
  product: DataProduct;
  purposeCode: string;
  purposeText: string;
  legalBasis: string;
  fields: string[];
  validFrom: Date;
  validUntil: Date;
  consentRequired: boolean;
  covert: boolean;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseInstant(value: string | undefined): Date | undefined {
  if (value === undefined || !ISO_DATE_TIME.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/**
 * Checks a request against the directory and the product catalogue. Returns every problem at once,
 * each naming its field as a JSON pointer into the body, or the request in checked form.
 */
export function validateRequest(
  input: RequestInput,
  found: { client: Subsystem | undefined; product: DataProduct | undefined },
  options: { now: Date; locale: Locale },
): { ok: true; value: ValidRequest } | { ok: false; problems: FieldProblem[] } {
  const { locale, now } = options;
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field: `/body/${field}`, message });

  if (!found.client) problem('clientSubsystem', t(locale, messages.clientUnknown));
  else if (found.client.role === 'provider') problem('clientSubsystem', t(locale, messages.clientNotConsumer));

  if (!found.product) problem('productId', t(locale, messages.productUnknown));
  if (input.fields.length === 0) {
    problem('fields', t(locale, messages.fieldsEmpty));
  } else if (found.product) {
    const known = new Set(found.product.fields.map((f) => f.name));
    const unknown = input.fields.filter((name) => !known.has(name));
    if (unknown.length) problem('fields', t(locale, messages.fieldUnknown, { names: unknown.join(', ') }));
    const twice = [...new Set(input.fields.filter((name, i) => input.fields.indexOf(name) !== i))];
    if (twice.length) problem('fields', t(locale, messages.fieldTwice, { names: twice.join(', ') }));
  }

  const purpose = findPurpose(input.purposeCode);
  if (!purpose) problem('purposeCode', t(locale, messages.purposeUnknown));
  const purposeText = input.purposeText.trim();
  if (!purposeText) problem('purposeText', t(locale, messages.purposeTextEmpty));
  else if (purposeText.length > PURPOSE_TEXT_MAX) problem('purposeText', t(locale, messages.purposeTextLong, { max: PURPOSE_TEXT_MAX }));
  const legalBasis = input.legalBasis.trim();
  if (!legalBasis) problem('legalBasis', t(locale, messages.legalBasisEmpty));
  else if (legalBasis.length > LEGAL_BASIS_MAX) problem('legalBasis', t(locale, messages.purposeTextLong, { max: LEGAL_BASIS_MAX }));

  const validFrom = input.validFrom === undefined ? now : parseInstant(input.validFrom);
  const validUntil = parseInstant(input.validUntil);
  if (!validFrom) problem('validFrom', t(locale, messages.dateInvalid));
  if (!validUntil) problem('validUntil', t(locale, messages.dateInvalid));
  else if (validFrom && validUntil <= validFrom) problem('validUntil', t(locale, messages.untilBeforeFrom));
  else if (validUntil <= now) problem('validUntil', t(locale, messages.untilPassed));
  else if (validFrom && validUntil > addYears(validFrom, MAX_VALIDITY_YEARS)) {
    problem('validUntil', t(locale, messages.untilTooLate, { years: MAX_VALIDITY_YEARS }));
  }

  const covert = input.covert ?? false;
  if (covert && purpose && !purpose.covertAllowed) problem('covert', t(locale, messages.covertNotAllowed));
  else if (covert && !purpose) problem('covert', t(locale, messages.covertNotAllowed));
  if (covert && input.consentRequired) problem('consentRequired', t(locale, messages.covertWithConsent));

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      client: found.client!,
      product: found.product!,
      purposeCode: purpose!.code,
      purposeText,
      legalBasis,
      fields: [...input.fields],
      validFrom: validFrom!,
      validUntil: validUntil!,
      consentRequired: input.consentRequired,
      covert,
    },
  };
}

/** The parties of an agreement, as the rules need them. */
export interface Parties {
  clientAgency: string;
  holderAgency: string;
}

/** May this principal see the agreement at all? Officials: their agency is client or holder. */
export function canRead(principal: Principal, parties: Parties): boolean {
  if (principal.role === 'operator' || principal.role === 'auditor') return true;
  if (principal.role !== 'official' || !principal.agencyCode) return false;
  return principal.agencyCode === parties.clientAgency || principal.agencyCode === parties.holderAgency;
}

/** May this principal request an agreement for a subsystem of this agency? */
export function canRequestFor(principal: Principal, clientAgency: string): boolean {
  return principal.role === 'official' && principal.agencyCode === clientAgency;
}

/** The capacity in which the principal may decide on a request: the holder's official or the operator. */
export function decisionCapacity(principal: Principal, parties: Parties): 'holder' | 'operator' | null {
  if (principal.role === 'operator') return 'operator';
  if (principal.role === 'official' && principal.agencyCode === parties.holderAgency) return 'holder';
  return null;
}

/** Suspension and resumption: the holder's officials or the operator. */
export function suspensionCapacity(principal: Principal, parties: Parties): 'holder' | 'operator' | null {
  return decisionCapacity(principal, parties);
}

/** The stored status after one more decision; both approvals make it active, any rejection final. */
export function statusAfterDecision(decisions: { holder: Decision | null; operator: Decision | null }): StoredStatus {
  if (decisions.holder === 'reject' || decisions.operator === 'reject') return 'rejected';
  if (decisions.holder === 'approve' && decisions.operator === 'approve') return 'active';
  return 'requested';
}
