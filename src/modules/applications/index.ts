// GOV24 one-stop applications (issue 4, part 5; Postgres schema `applications`): residents apply
// for a service or a bundle (행복출산 원스톱서비스) with a form pre-filled from the registries through
// the exchange (GOV24's own client subsystem KR/GOV/MOIS/gov24, standing CIVIL-PETITION agreements,
// the resident's one-time consents), and each service becomes a case at its agency with a status
// and history that officials move on in the console. Links for notifications:
// `/services/{serviceId}/apply` and `/services/bundles/{bundleId}/apply` (see applyUrl).
export {
  ApplicationsService,
  APPLICATION_ID_PATTERN,
  CASE_ID_PATTERN,
  CASE_STATUSES,
  GOV24_PURPOSE,
  GOV24_SUBSYSTEM,
  NEXT_STATUSES,
} from './service';
export type {
  Application,
  ApplicationCase,
  ApplicationForm,
  ApplicationsContext,
  ApplicationTarget,
  CaseDetail,
  CaseHistoryEntry,
  CaseStatus,
  ConsentScreen,
  ProductToRead,
  SubmitInput,
} from './service';
export type { AnswerField, FormMode, PrefillField } from './form';
export { applicationsRoutes, applicationsContextOf } from './routes';
export { applicationPages } from './pages';

/** Where a notification sends a resident to apply: the consent screen, then the pre-filled form. */
export function applyUrl(target: { kind: 'service' | 'bundle'; id: string }): string {
  return target.kind === 'bundle' ? `/services/bundles/${encodeURIComponent(target.id)}/apply` : `/services/${encodeURIComponent(target.id)}/apply`;
}
