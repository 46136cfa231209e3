// The purposes an agency may give for using another agency's data. A small fixed catalogue, so that
// statistics, audits and the resident's view of "who used my data, why" speak the same words; the
// agreement adds its own free text and legal basis.
import type { Message } from '../../core/i18n';

export interface Purpose {
  code: string;
  title: Message;
  /** Only this purpose may hide accesses from the resident (covert agreements). */
  covertAllowed: boolean;
}

export const PURPOSES = [
  { code: 'CIVIL-PETITION', title: { ko: '민원 처리(구비서류 생략)', en: 'Handling a civil petition without paper documents' }, covertAllowed: false },
  { code: 'WELFARE-ELIGIBILITY', title: { ko: '복지급여 자격 확인', en: 'Checking eligibility for welfare benefits' }, covertAllowed: false },
  { code: 'TAX-ASSESSMENT', title: { ko: '세금 부과·징수', en: 'Tax assessment and collection' }, covertAllowed: false },
  { code: 'EMPLOYMENT-INSURANCE', title: { ko: '고용보험 업무', en: 'Employment insurance' }, covertAllowed: false },
  { code: 'LOAN-SCREENING', title: { ko: '정책자금 대출 심사', en: 'Screening applications for public loans' }, covertAllowed: false },
  { code: 'LAW-ENFORCEMENT', title: { ko: '법 집행(범죄 수사)', en: 'Law enforcement (criminal investigation)' }, covertAllowed: true },
] as const satisfies readonly Purpose[];

export type PurposeCode = (typeof PURPOSES)[number]['code'];

export const PURPOSE_CODES = PURPOSES.map((p) => p.code) as PurposeCode[];

export function findPurpose(code: string): Purpose | undefined {
  return PURPOSES.find((p) => p.code === code);
}
